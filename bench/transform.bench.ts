/**
 * Writer transform: base64 Kinesis payload -> parse -> validate -> dedupe -> convert -> map, vs decode + JSON.parse.
 */
import { readPipelineConfig } from '#core/config';
import { dedupe, RecentKeys } from '#core/dedupe';
import { createFleetSchema, decodeKinesisPayload, type Reading } from '#core/reading';
import { toWriteChunks } from '#core/records';
import { createUnitRegistry } from '#core/units';

const total = Number(process.argv[2] ?? 1_000_000);
const batchSize = 500; // the writer's default Kinesis batch size
const config = readPipelineConfig({});
const schema = createFleetSchema({ units: createUnitRegistry(), dimensions: config.dimensions });
const nowMs = Date.UTC(2026, 0, 1);

/**
 * Synthetic device traffic: 1,000 devices, a prefecture dimension, co2/temperature/humidity like the seed;
 * one in five temperatures in degF and one in ten times as ISO strings with an offset (conversions and time
 * parsing on the path), one in fifty readings a re-sent duplicate (dedupe on the path), no messageIds (every
 * dedupe key is a content hash: the slower case).
 */
function payloads(n: number): string[] {
  const out: string[] = new Array(n);
  const prefectures = ['Tokyo', 'Osaka', 'Hokkaido', 'Fukuoka'];
  for (let i = 0; i < n; i++) {
    const k = i % 50 === 49 ? i - 1 : i;
    const timeMs = nowMs - 86_400_000 + k * 60;
    const device = k % 1000;
    const reading = {
      deviceId: `device_${device}`,
      time: k % 10 === 3 ? new Date(timeMs + 9 * 3_600_000).toISOString().replace('Z', '+09:00') : timeMs,
      dimensions: { prefecture: prefectures[device % 4] },
      measures: {
        co2: 400 + (k % 800),
        temperature: k % 5 === 0 ? { value: 68 + (k % 200) / 10, unit: 'degF' } : 18 + (k % 120) / 10,
        humidity: 30 + (k % 400) / 10,
      },
    };
    out[i] = Buffer.from(JSON.stringify(reading)).toString('base64');
  }
  return out;
}

function baseline(data: readonly string[]): number {
  let sink = 0;
  for (const d of data) {
    const v = JSON.parse(Buffer.from(d, 'base64').toString('utf8'));
    sink += v.measures.co2;
  }
  return sink;
}

/** One Kinesis batch through the writer's transform, as the writer runs it per invocation. */
function writeBatch(data: readonly string[], start: number, end: number, recent: RecentKeys): number {
  const readings: Reading[] = [];
  // The writer's version policy: each reading gets the arrival time of the Kinesis record that carried it.
  const arrivals: number[] = [];
  let rejected = 0;
  for (let i = start; i < end; i++) {
    const r = decodeKinesisPayload(data[i]!, { schema, nowMs });
    if (!r.ok) {
      rejected++;
      continue;
    }
    rejected += r.rejected.length;
    for (const reading of r.readings) {
      readings.push(reading);
      arrivals.push(nowMs + i);
    }
  }
  if (rejected > 0)
    throw new Error(`${rejected} synthetic readings were rejected: the benchmark data is wrong`);
  const { fresh, keys, indexes } = dedupe(readings, recent);
  const chunks = toWriteChunks(fresh, {
    layout: config.recordLayout,
    version: (_r, i) => arrivals[indexes[i]!]!,
  });
  let records = 0;
  for (const chunk of chunks) records += chunk.records.length;
  recent.rememberAll(keys);
  return records;
}

function pipeline(data: readonly string[]): number {
  const recent = new RecentKeys(config.dedupeCacheSize);
  let records = 0;
  for (let start = 0; start < data.length; start += batchSize) {
    records += writeBatch(data, start, Math.min(start + batchSize, data.length), recent);
  }
  return records;
}

/** Wall time and this process's CPU time (user + system): the CPU figure is steadier on a shared machine. */
function time(fn: () => number): { wall: number; cpu: number; result: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, result };
}

const gc = (globalThis as { gc?: () => void }).gc;
console.log(`Generating ${total.toLocaleString('en')} payloads...`);
const data = payloads(total);
pipeline(data.slice(0, 50_000));
baseline(data.slice(0, 50_000));

// Interleaved rounds, best of each, so a burst of load on the machine hits both sides alike.
const best = { base: { wall: Infinity, cpu: Infinity }, pipe: { wall: Infinity, cpu: Infinity } };
let written = 0;
for (let round = 0; round < 3; round++) {
  gc?.();
  const b = time(() => baseline(data));
  best.base = { wall: Math.min(best.base.wall, b.wall), cpu: Math.min(best.base.cpu, b.cpu) };
  gc?.();
  const p = time(() => pipeline(data));
  best.pipe = { wall: Math.min(best.pipe.wall, p.wall), cpu: Math.min(best.pipe.cpu, p.cpu) };
  written = p.result;
}
const rate = (seconds: number) => Math.round(total / seconds).toLocaleString('en');
console.log(
  `layout ${config.recordLayout}, batches of ${batchSize}, ${written.toLocaleString('en')} records after dedupe`,
);
console.log(
  `baseline (base64 decode + JSON.parse): ${rate(best.base.wall)} readings/s wall, ${rate(best.base.cpu)} per CPU-second`,
);
console.log(
  `transform (decode, validate, dedupe, convert, map, chunk): ${rate(best.pipe.wall)} readings/s wall, ` +
    `${rate(best.pipe.cpu)} per CPU-second`,
);
console.log(
  `ratio to baseline: ${(best.base.wall / best.pipe.wall).toFixed(2)} wall, ${(best.base.cpu / best.pipe.cpu).toFixed(2)} CPU ` +
    '(targets: ratio >= 0.35, >= 300,000 readings/s on one core)',
);
