/**
 * Micro-benchmark of parseWriteRequest on bodies like timestream.bench.ts sends (100-record MULTI
 * batches, one dimension, three DOUBLE values, Time in ms). Run: npx tsx packages/timestream-local/bench/parse-write-request.micro.ts
 */
import { parseWriteRequest } from '../src/operations/write-request';
import { benchMultiRecord } from './timestream-records';

const bodies = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const perBody = 100;

function body(b: number): Record<string, unknown> {
  const Records = Array.from({ length: perBody }, (_, i) => {
    const k = b * perBody + i;
    return benchMultiRecord(k % 1000, 1_700_000_000_000 + k, k);
  });
  // through JSON, as the server receives it
  return JSON.parse(JSON.stringify({ DatabaseName: 'Db', TableName: 'tbl', Records }));
}

const input = Array.from({ length: bodies }, (_, b) => body(b));
let sink = 0;
for (let r = 1; r <= rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (const b of input) sink += parseWriteRequest(b).records.length;
  const ns = Number(process.hrtime.bigint() - t0);
  console.log(`round ${r}: ${(ns / 1000 / (bodies * perBody)).toFixed(3)} us/record`);
}
if (sink !== bodies * perBody * rounds) throw new Error('unexpected record count');
