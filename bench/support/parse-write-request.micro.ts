/**
 * Micro-benchmark of parseWriteRequest on bodies like bench/timestream.bench.ts sends (100-record MULTI
 * batches, one dimension, three DOUBLE values, Time in ms). Run: npx tsx bench/support/parse-write-request.micro.ts
 */
import { parseWriteRequest } from '../../infra/local/timestream/write-request';

const bodies = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const perBody = 100;

function body(b: number): Record<string, unknown> {
  const Records = [];
  for (let i = 0; i < perBody; i++) {
    const k = b * perBody + i;
    Records.push({
      Dimensions: [{ Name: 'deviceId', Value: `device_${k % 1000}` }],
      MeasureName: 'reading',
      MeasureValueType: 'MULTI',
      MeasureValues: [
        { Name: 'co2', Value: String(400 + (k % 800)), Type: 'DOUBLE' },
        { Name: 'temperature', Value: String(20 + (k % 100) / 10), Type: 'DOUBLE' },
        { Name: 'humidity', Value: String(30 + (k % 400) / 10), Type: 'DOUBLE' },
      ],
      Time: String(1_700_000_000_000 + k),
    });
  }
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
