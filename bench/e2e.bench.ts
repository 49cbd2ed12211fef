/**
 * End to end: the simulator at batch 100 against `npm start`; readings/s from HTTP to queryable, POST-to-queryable latency.
 *
 * Usage: npm run bench -- e2e [--rate 25000] [--duration 30] [--devices 1000] [--concurrency 64]
 * The pipeline runs as `npm start` does, in its own process; the simulator and a latency probe run here.
 * In the same run the ceilings of the parts are measured (kinesalite PutRecords alone, local Timestream
 * WriteRecords alone) and the end-to-end rate is printed as a ratio of the slowest part.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { createKinesisClient } from '#adapters/kinesis-client';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { createTimestreamQueryClient, createTimestreamWriteClient } from '#adapters/service-clients';
import { queryAll } from '#adapters/timestream-query';
import { encodeReadings, type Reading } from '#core';
import { readPipelineConfig } from '#core/config';
import { ensureStream, startLocalKinesis } from '#local/kinesis';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import { resolveTokenSecret, signDeviceToken } from '#producers/auth';
import { runSimulation, summarizeLatencies } from '#producers/simulator';
import { chunkWriteRequests, toTimestreamRecords } from '#test/helpers/record-oracle';
import { perSecond, startChild, startTimestreamChild } from './support/child-services';
import { numberOption } from './support/options';

const rate = numberOption('rate', 25_000);
const durationS = numberOption('duration', 30);
const devices = numberOption('devices', 1000);
const concurrency = numberOption('concurrency', 64);
const batch = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function endToEnd(root: string) {
  const dataDir = join(root, 'pipeline');
  const pipeline = await startChild(
    'local/runtime/main.ts',
    { DATA_DIR: dataDir, INGEST_PORT: '0', KINESIS_PORT: '0', TIMESTREAM_PORT: '0', DASHBOARD_PORT: '0' },
    [/ingest\s+(http:\/\/\S+)/, /timestream\s+(http:\/\/\S+)/, /Press Ctrl-C/],
  );
  const ingest = pipeline.matches[0]?.[1] as string;
  const timestream = pipeline.matches[1]?.[1] as string;
  const query = createTimestreamQueryClient({ timestreamEndpoint: timestream });
  const secret = await resolveTokenSecret({ env: { DATA_DIR: dataDir } });
  const config = readPipelineConfig({});
  const table = `"${config.database}"."${config.rawTable}"`;
  try {
    // latency probe: a reading of its own device every 200 ms, and a poll for it every 25 ms
    const probeToken = signDeviceToken('probe', secret);
    const posted = new Map<number, number>();
    const latencies: number[] = [];
    let probing = true;
    const prober = (async () => {
      let n = 0;
      while (probing) {
        const time = Date.now() - 1000 + n++;
        const at = performance.now();
        const response = await fetch(`${ingest}/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${probeToken}` },
          body: JSON.stringify({ deviceId: 'probe', time, measures: { co2: 1 } }),
        });
        await response.text();
        if (response.status === 202) posted.set(time, at);
        await sleep(200);
      }
    })();
    const seen = new Set<number>();
    const poller = (async () => {
      while (probing || seen.size < posted.size) {
        try {
          const rows = await queryAll(
            query,
            `SELECT to_milliseconds(time) AS t FROM ${table} WHERE deviceId = 'probe'`,
          );
          const now = performance.now();
          for (const { t } of rows) {
            const postedAt = posted.get(t as number);
            if (postedAt !== undefined && !seen.has(t as number)) {
              seen.add(t as number);
              latencies.push(now - postedAt);
            }
          }
        } catch {
          // no row yet: the table has no columns until the first write
        }
        await sleep(25);
      }
    })();

    const started = performance.now();
    const summary = await runSimulation({
      endpoint: ingest,
      secret,
      devices,
      rate,
      batch,
      durationMs: durationS * 1000,
      seed: 7,
      concurrency,
    });
    const sendSeconds = (performance.now() - started) / 1000;
    // wait until every accepted reading is queryable
    let stored = 0;
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      const [row] = await queryAll(query, `SELECT count(*) AS n FROM ${table} WHERE deviceId LIKE 'sim-%'`);
      stored = Number(row?.n ?? 0);
      if (stored >= summary.acceptedReadings) break;
      await sleep(100);
    }
    const queryableSeconds = (performance.now() - started) / 1000;
    probing = false;
    await prober;
    await Promise.race([poller, sleep(30_000)]);
    if (stored < summary.acceptedReadings) {
      throw new Error(
        `only ${stored} of ${summary.acceptedReadings} accepted readings became queryable in time`,
      );
    }
    return {
      summary,
      sendSeconds,
      queryableSeconds,
      rate: summary.acceptedReadings / queryableSeconds,
      latency: summarizeLatencies(latencies),
    };
  } finally {
    query.destroy();
    await pipeline.stop();
  }
}

/** Readings/s that kinesalite takes through PutRecords, one 100-reading record per call as the ingest sends. */
async function kinesisCeiling(root: string, readings: Reading[]) {
  const server = await startLocalKinesis({ port: 0, dataDir: join(root, 'kinesis-ceiling') });
  const client = createKinesisClient(server.endpoint);
  try {
    await ensureStream(client, 'ceiling', 2);
    const payloads: { data: Buffer; key: string }[] = [];
    for (let i = 0; i < readings.length; i += batch) {
      const slice = readings.slice(i, i + batch);
      payloads.push({ data: Buffer.from(encodeReadings(slice)), key: slice[0]?.deviceId ?? 'x' });
    }
    const started = performance.now();
    await mapWithConcurrency(payloads, 32, (p) =>
      client.send(
        new PutRecordsCommand({ StreamName: 'ceiling', Records: [{ Data: p.data, PartitionKey: p.key }] }),
      ),
    );
    return readings.length / ((performance.now() - started) / 1000);
  } finally {
    client.destroy();
    await server.close();
  }
}

/** Readings/s that the local Timestream takes through WriteRecords (100-record MULTI calls, 4 in flight). */
async function timestreamCeiling(root: string, readings: Reading[]) {
  const server = await startTimestreamChild(join(root, 'timestream-ceiling'));
  const client = createTimestreamWriteClient({ timestreamEndpoint: server.endpoint });
  try {
    const config = readPipelineConfig({});
    await ensureTimestreamTables(client, config);
    const chunks = chunkWriteRequests(toTimestreamRecords(readings, { layout: 'multi', version: 1 }));
    const started = performance.now();
    await mapWithConcurrency(chunks, 4, (c) =>
      client.send(
        new WriteRecordsCommand({
          DatabaseName: config.database,
          TableName: config.rawTable,
          CommonAttributes: c.commonAttributes,
          Records: c.records,
        }),
      ),
    );
    return readings.length / ((performance.now() - started) / 1000);
  } finally {
    client.destroy();
    await server.stop();
  }
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  try {
    console.log(
      `End to end: ${devices} devices, ${rate.toLocaleString('en-US')} readings/s offered for ${durationS} s, ${batch} readings per request (2 cores: pipeline, simulator and probe share them)`,
    );
    const e2e = await endToEnd(root);
    const sample: Reading[] = Array.from({ length: 200_000 }, (_, i) => ({
      deviceId: `dev-${i % devices}`,
      timeMs: Date.now() - 600_000 + Math.floor(i / devices),
      dimensions: {},
      measures: {
        co2: { value: 400 + (i % 800), unit: 'ppm' },
        temperature: { value: 21.5, unit: 'degC' },
        humidity: { value: 40, unit: 'percent' },
      },
    }));
    const kinesis = await kinesisCeiling(root, sample);
    const timestream = await timestreamCeiling(root, sample);
    const slowest = Math.min(kinesis, timestream);
    const { summary } = e2e;
    console.log('');
    console.log(
      `  accepted ${summary.acceptedReadings.toLocaleString('en-US')} of ${summary.sentReadings.toLocaleString('en-US')} readings sent in ${e2e.sendSeconds.toFixed(1)} s (request latency p50 ${summary.latencyMs.p50.toFixed(0)} ms, p99 ${summary.latencyMs.p99.toFixed(0)} ms)`,
    );
    console.log(
      `  sustained, HTTP to queryable: ${perSecond(e2e.rate)} readings (all queryable ${e2e.queryableSeconds.toFixed(1)} s after the first request; target >= 20,000/s)`,
    );
    console.log(
      `  POST to queryable latency over ${e2e.latency.count} probes: p50 ${e2e.latency.p50.toFixed(0)} ms, p99 ${e2e.latency.p99.toFixed(0)} ms (target p99 <= 3000 ms)`,
    );
    console.log(`  ceiling of kinesalite PutRecords alone:        ${perSecond(kinesis)} readings`);
    console.log(`  ceiling of local Timestream WriteRecords alone: ${perSecond(timestream)} readings`);
    console.log(`  end to end / slowest part: ${(e2e.rate / slowest).toFixed(2)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
