// node-x12 parsing an X12 file and serializing the interchange to JSON, timed like x12_bench:
//   node node-x12.js FILE   -> {"bytes", "seconds", "cpu_seconds", "mb_per_s", "peak_rss_mb"}
'use strict';
const fs = require('fs');
const { X12Parser } = require('node-x12');

const text = fs.readFileSync(process.argv[2], 'utf8');
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const interchange = new X12Parser(true).parse(text);
const json = JSON.stringify(interchange);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
// Processor time (the machine is shared, so wall time overstates the cost), as x12_bench uses.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const bytes = Buffer.byteLength(text);
console.log(JSON.stringify({
  bytes,
  json_bytes: json.length,
  seconds,
  cpu_seconds: cpuSeconds,
  mb_per_s: bytes / 1e6 / cpuSeconds,
  wall_mb_per_s: bytes / 1e6 / seconds,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
