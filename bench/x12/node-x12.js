// node-x12 parsing an X12 file and serializing the interchange to JSON, timed like x12_bench:
//   node node-x12.js FILE   -> {"bytes", "seconds", "mb_per_s", "peak_rss_mb"}
'use strict';
const fs = require('fs');
const { X12Parser } = require('node-x12');

const text = fs.readFileSync(process.argv[2], 'utf8');
const start = process.hrtime.bigint();
const interchange = new X12Parser(true).parse(text);
const json = JSON.stringify(interchange);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const bytes = Buffer.byteLength(text);
console.log(JSON.stringify({
  bytes,
  json_bytes: json.length,
  seconds,
  mb_per_s: bytes / 1e6 / seconds,
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
