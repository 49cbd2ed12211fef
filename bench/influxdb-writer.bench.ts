/**
 * Writer on InfluxDB: points/s through the writer Lambda handler into a real influxd, vs raw line-protocol POSTs.
 *
 * Usage: npm run bench -- influxdb-writer [--readings 200000] [--per-record 100] [--batch <records per invocation>]
 *   [--lines 5000] [--shards 1] [--influxd <path>]
 * (--batch defaults to the event source's batch size, WRITER_BATCH_SIZE: 100 unless set)
 * Starts Debian's influxd (1.x) under a temporary data directory, as `npm start` does with STORAGE=influxdb.
 * The writer: Kinesis-shaped events through the handler (decode, validate, dedupe, convert, map) and the
 * InfluxDB sink (line protocol, gzip level 1, --lines per request, WRITE_CONCURRENCY requests in flight), one
 * invocation at a time (one shard, in this process), or with --shards N > 1 one Node process per shard, all
 * at once, each running its shard's invocations in order (as Lambda gives each shard a container of its own).
 * Baseline, in the same run: the same points as prebuilt lines, POSTed raw with fetch to a fresh database of the
 * same influxd, with the same batch size, gzip level and concurrency (run before and after; the better counts).
 * CPU per point is Node's (this process, plus the shard processes) and influxd's, over each phase; "GC" is the
 * time Node spent in garbage collection pauses over the phase (all its processes).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { InfluxDbClient } from '#adapters/influxdb-client';
import { BatchWriter } from '#consumers/writer/batch-writer';
import { FileDeadLetterSink } from '#consumers/writer/dead-letter/file-dead-letter-sink';
import { InfluxDbReadingSink } from '#consumers/writer/influxdb-reading-sink';
import { createWriterHandler } from '#consumers/writer/kinesis-writer-handler';
import { createUnitRegistry, RecentKeys } from '#core';
import { readPipelineConfig, Storage } from '#core/config';
import { recordLine } from '#core/line-protocol';
import { startLocalInfluxdb } from '#local/influxdb';
import { toTimestreamRecords } from '#test/helpers/record-oracle';
import { perSecond } from './support/child-services';
import { countPoints, influxQl, measured, postLines } from './support/influxd';
import { benchPayloads, benchReadings, kinesisEvents } from './support/kinesis-batches';
import { numberOption, stringOption } from './support/options';

const total = numberOption('readings', 200_000);
const perRecord = numberOption('per-record', 100);
const eventBatch = numberOption('batch', readPipelineConfig(process.env).writerBatchSize);
const influxdBinary = stringOption('influxd', process.env.INFLUXD_PATH || 'influxd');
const devices = 1000;
const shape = { total, perRecord, devices };
/** What the sink sends: its default batch size (or --lines) and the client's default gzip level. */
const linesPerRequest = numberOption('lines', 5_000);
/** Shards: one invocation at a time each, in order; with more than one, each in its own process. */
const shards = numberOption('shards', 1);
const gzipLevel = 1;
/** Set in a shard's process: which shard it runs, and where influxd is. */
const shardEnv = process.env.BENCH_INFLUXDB_WRITER_SHARD;

/** Milliseconds of GC pauses in this process since it started observing. */
function gcPauses() {
  let ms = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) ms += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    /** Stops observing once the entries of the last pauses are in, and returns the total. */
    stop: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      observer.disconnect();
      return ms;
    },
  };
}

/** What a shard process is told, and what it reports. */
type ShardJob = { shard: number; url: string; startMs: number; dataDir: string };
type ShardReport = { failed: number; cpuMs: number; gcMs: number };

/**
 * One shard's writer, as one Lambda container runs it: its own handler (dedupe cache, sink), a warm-up on
 * other devices' readings (not measured), then its share of the events, one invocation at a time.
 */
async function shardWriter(job: ShardJob) {
  const url = job.url;
  const config = readPipelineConfig({ STORAGE: 'influxdb', INFLUXDB_URL: url });
  const database = config.influxdbDatabase || config.database;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const handler = createWriterHandler({
    writer: new BatchWriter({
      sink: new InfluxDbReadingSink({
        client: new InfluxDbClient({ url, gzipLevel }),
        database,
        measurement: config.rawTable,
        concurrency: config.writeConcurrency,
        maxLines: linesPerRequest,
      }),
      deadLetters: new FileDeadLetterSink(join(job.dataDir, `dead-letters-${job.shard}.jsonl`)),
      units: createUnitRegistry(),
      recent: new RecentKeys(config.dedupeCacheSize),
      storage: Storage.influxdb,
    }),
    logger: new Logger({ serviceName: 'writer', logLevel: 'WARN' }),
    metrics: new Metrics({ namespace: 'IotTelemetry', serviceName: 'writer' }),
  });
  const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'bench' } as unknown as Context;
  let failed = 0;
  const warmUp = async () => {
    // as the baseline had (a Lambda container runs warm after its first batches): other devices' readings,
    // about 40,000 of them, not measured
    const warmUpEvents = Math.max(1, Math.round(40_000 / (perRecord * eventBatch)));
    for (const event of kinesisEvents(
      benchPayloads(shape, `warm-${job.shard}-`, job.startMs),
      eventBatch,
      9_000_000,
      job.startMs,
    ).slice(0, warmUpEvents)) {
      failed += (await handler(event, context)).batchItemFailures.length;
    }
  };
  const events = kinesisEvents(benchPayloads(shape, 'dev-', job.startMs), eventBatch, 1_000_000, job.startMs);
  const run = async () => {
    // a device's records go to one shard (its partition key), each shard's events in order
    for (let i = job.shard; i < events.length; i += shards) {
      failed += (await handler(events[i]!, context)).batchItemFailures.length;
    }
    return failed;
  };
  return { warmUp, run };
}

/** A shard's process: warms up, says so, runs its events when told, reports its own CPU and GC time. */
async function shardProcess(job: ShardJob) {
  const writer = await shardWriter(job);
  await writer.warmUp();
  process.once('message', async () => {
    const gc = gcPauses();
    const cpu0 = process.cpuUsage();
    const failed = await writer.run();
    const cpu = process.cpuUsage(cpu0);
    const report: ShardReport = { failed, cpuMs: (cpu.user + cpu.system) / 1000, gcMs: await gc.stop() };
    process.send?.(report, () => process.exit(0));
  });
  process.send?.('ready');
}

/** Starts one process per shard, waits until all are warm, then runs them at once. */
async function runShardProcesses(jobs: ShardJob[]) {
  const children = jobs.map((job) =>
    fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_INFLUXDB_WRITER_SHARD: JSON.stringify(job) },
    }),
  );
  const next = (child: (typeof children)[number]) =>
    new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`a shard process exited with ${code}`)));
    });
  await Promise.all(children.map(next));
  return async () => {
    const reports = children.map(next);
    for (const child of children) child.send('go');
    return (await Promise.all(reports)) as ShardReport[];
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-influxdb-writer-'));
  const influx = await startLocalInfluxdb({ dataDir: join(dataDir, 'influxdb'), binary: influxdBinary });
  const url = influx.endpoint;
  try {
    const config = readPipelineConfig({ STORAGE: 'influxdb', INFLUXDB_URL: url });
    const concurrency = config.writeConcurrency;
    const database = config.influxdbDatabase || config.database;
    const measurement = config.rawTable;
    const startMs = Date.now() - 10 * 60_000;
    console.log(
      `InfluxDB writer benchmark: ${total.toLocaleString('en-US')} readings (3 measures each), ${perRecord} per Kinesis record, ${eventBatch} records per invocation, ${shards} shard(s), ` +
        `${linesPerRequest} lines per request, gzip level ${gzipLevel}, ${concurrency} requests in flight; influxd ${influx.version} (pid ${influx.pid}) in its own process`,
    );

    // baseline: the same points as the writer writes them (the same mapping to lines, built beforehand), raw POSTs
    const units = createUnitRegistry();
    const lines = toTimestreamRecords(benchReadings(benchPayloads(shape, 'dev-', startMs), units), {
      layout: 'multi',
      version: 1,
    }).map(({ record }) => {
      const line = recordLine(measurement, undefined, record);
      if (!line.ok) throw new Error(`baseline line not built: ${line.reason}`);
      return line.line;
    });
    const runBaseline = async (db: string) => {
      await influxQl(url, undefined, `CREATE DATABASE "${db}"`, 'POST');
      const run = await measured(influx.pid, () =>
        postLines(url, db, lines, { linesPerRequest, concurrency, gzipLevel }),
      );
      const stored = await countPoints(url, db, measurement, 'co2');
      if (stored !== lines.length)
        throw new Error(`baseline database ${db} holds ${stored} points, expected ${lines.length}`);
      return run;
    };
    // warm-up of the server and the client (JIT, connections, shard creation), not measured
    await runBaseline('warmup');
    const baselineBefore = await runBaseline('baseline');

    // the writer Lambda's handler, as deployed, fed Kinesis events, with the InfluxDB sink: this process is
    // the one shard, or one process per shard
    const jobs = Array.from({ length: shards }, (_, shard) => ({ shard, url, startMs, dataDir }));
    let go: () => Promise<ShardReport[]>;
    if (shards === 1) {
      const writer = await shardWriter(jobs[0]!);
      await writer.warmUp();
      go = async () => {
        const gc = gcPauses();
        const failed = await writer.run();
        return [{ failed, cpuMs: 0, gcMs: await gc.stop() }];
      };
    } else go = await runShardProcesses(jobs);
    const before = await countPoints(url, database, measurement, 'co2');
    const writer = await measured(influx.pid, go);
    const reports = writer.result;
    const failed = reports.reduce((a, r) => a + r.failed, 0);
    // this process's CPU (measured) plus the shard processes' own
    const nodeCpuMs = writer.ownCpuMs + reports.reduce((a, r) => a + r.cpuMs, 0);
    const gcMs = reports.reduce((a, r) => a + r.gcMs, 0);
    if (failed > 0) throw new Error(`${failed} records failed: the figure would not be honest`);
    const stored = (await countPoints(url, database, measurement, 'co2')) - before;
    if (stored !== total) throw new Error(`the writer stored ${stored} points, expected ${total}`);
    const baselineAfter = await runBaseline('baseline_after');
    // the better of the two baseline runs (before and after), so that the ratio is not flattered by load
    const baseline = baselineBefore.wallMs <= baselineAfter.wallMs ? baselineBefore : baselineAfter;

    const rate = (run: { wallMs: number }) => total / (run.wallMs / 1000);
    const perPoint = (ms: number) => `${((ms * 1000) / total).toFixed(1)} µs`;
    console.log('');
    console.log(
      `  writer handler (decode, validate, dedupe, convert, map, line protocol, gzip, POST): ${perSecond(rate(writer))} points; CPU per point: Node ${perPoint(nodeCpuMs)} (GC pauses ${perPoint(gcMs)}), influxd ${perPoint(writer.serverCpuMs)}`,
    );
    console.log(
      `  baseline (raw line-protocol POSTs of the same points, prebuilt lines):             ${perSecond(rate(baseline))} points; CPU per point: Node ${perPoint(baseline.ownCpuMs)}, influxd ${perPoint(baseline.serverCpuMs)}`,
    );
    console.log(
      `  baseline runs: before ${perSecond(rate(baselineBefore))}, after ${perSecond(rate(baselineAfter))}`,
    );
    console.log(`  ratio ${(rate(writer) / rate(baseline)).toFixed(2)} (target >= 0.70)`);
  } finally {
    await influx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

(shardEnv ? shardProcess(JSON.parse(shardEnv) as ShardJob) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
