// Times the JSONata reference implementation the way jsonata_bench times erphub's engine:
// compile once, evaluate N times, report evaluations per CPU-second (median of 5 runs).
//   node reference.js EXPR_FILE INPUT_FILE N
'use strict';
const fs = require('fs');
const jsonata = require('jsonata');

async function main() {
  const [exprFile, inputFile, countText] = process.argv.slice(2);
  const text = exprFile.endsWith('.jsonata') ? fs.readFileSync(exprFile, 'utf8') : exprFile;
  const input = JSON.parse(fs.readFileSync(inputFile, 'utf8'));
  const count = Number(countText);
  const expression = jsonata(text);
  for (let i = 0; i < Math.min(count, 1000); i++) await expression.evaluate(input);  // warm-up

  const cpuSeconds = (start) => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const rates = [];
  for (let run = 0; run < 5; run++) {
    const start = process.cpuUsage();
    for (let i = 0; i < count; i++) await expression.evaluate(input);
    rates.push(count / cpuSeconds(start));
  }
  rates.sort((a, b) => a - b);
  const compileCount = 2000;
  const compileStart = process.cpuUsage();
  for (let i = 0; i < compileCount; i++) jsonata(text);
  const compileMicros = cpuSeconds(compileStart) * 1e6 / compileCount;
  console.log(JSON.stringify({ evals_per_second: rates[2], compile_us: compileMicros,
                               result: await expression.evaluate(input) }));
}
main().catch((e) => { console.error(e); process.exit(1); });
