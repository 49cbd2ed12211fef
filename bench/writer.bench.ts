/**
 * Writer: readings/s through the writer Lambda handler into the local Timestream, vs raw WriteRecords.
 *
 * Usage: npm run bench -- writer [--readings 200000] [--per-record 100] [--batch <records per invocation>]
 * (--batch defaults to the event source's configured batch size, WRITER_BATCH_SIZE: 100 unless set)
 * The local Timestream runs in its own process. Baseline, in the same run: the same readings as prebuilt
 * 100-record MULTI WriteRecords calls, 4 in flight (the local Timestream's raw write rate).
 * Also printed: the CPU time of this process (the writer and its SDK client) per reading over the writer phase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import type { Context } from 'aws-lambda';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { createTimestreamWriteClient } from '#adapters/service-clients';
import { BatchWriter } from '#consumers/writer/batch-writer';
import { FileDeadLetterSink } from '#consumers/writer/dead-letter/file-dead-letter-sink';
import { createWriterHandler } from '#consumers/writer/kinesis-writer-handler';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { createUnitRegistry, RecentKeys } from '#core';
import { readPipelineConfig } from '#core/config';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import { chunkWriteRequests, toTimestreamRecords } from '#test/helpers/record-oracle';
import { perSecond, startTimestreamChild } from './support/child-services';
import { benchPayloads, benchReadings, kinesisEvents } from './support/kinesis-batches';
import { numberOption } from './support/options';

const total = numberOption('readings', 200_000);
const perRecord = numberOption('per-record', 100);
const eventBatch = numberOption('batch', readPipelineConfig(process.env).writerBatchSize);
const devices = 1000;
const concurrency = 4;

const shape = { total, perRecord, devices };
const payloads = (devicePrefix: string, startMs: number) => benchPayloads(shape, devicePrefix, startMs);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-writer-'));
  const timestream = await startTimestreamChild(dataDir);
  const client = createTimestreamWriteClient({ timestreamEndpoint: timestream.endpoint });
  try {
    const config = readPipelineConfig({});
    await ensureTimestreamTables(client, config);
    for (const table of ['baseline', 'baseline_after', 'warmup']) {
      await ensureTimestreamTables(client, readPipelineConfig({ RAW_TABLE: table }));
    }
    const startMs = Date.now() - 10 * 60_000;
    console.log(
      `Writer benchmark: ${total.toLocaleString('en-US')} readings, ${perRecord} per Kinesis record, ${eventBatch} records per invocation, ${concurrency} WriteRecords in flight (2 cores; local Timestream in its own process)`,
    );

    // baseline: the local Timestream's raw WriteRecords rate for the same readings, already mapped
    const units = createUnitRegistry();
    const readings = benchReadings(payloads('base-', startMs), units);
    const chunks = chunkWriteRequests(toTimestreamRecords(readings, { layout: 'multi', version: startMs }));
    const runBaseline = async (table: string) => {
      const began = performance.now();
      await mapWithConcurrency(chunks, concurrency, (chunk) =>
        client.send(
          new WriteRecordsCommand({
            DatabaseName: config.database,
            TableName: table,
            CommonAttributes: chunk.commonAttributes,
            Records: chunk.records,
          }),
        ),
      );
      return readings.length / ((performance.now() - began) / 1000);
    };
    // warm-up of the server and the client (JIT, connections, table creation), not measured
    await runBaseline('warmup');
    const baselineBefore = await runBaseline('baseline');

    // the writer Lambda's handler, as deployed, fed real Kinesis events
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const handler = createWriterHandler({
      writer: new BatchWriter({
        sink: new TimestreamReadingSink({
          client,
          database: config.database,
          table: config.rawTable,
          layout: 'multi',
          concurrency,
        }),
        deadLetters: new FileDeadLetterSink(join(dataDir, 'dead-letters.jsonl')),
        units,
        recent: new RecentKeys(config.dedupeCacheSize),
      }),
      logger: new Logger({ serviceName: 'writer', logLevel: 'WARN' }),
      metrics: new Metrics({ namespace: 'IotTelemetry', serviceName: 'writer' }),
    });
    const eventsOf = (devicePrefix: string, sequenceBase: number) =>
      kinesisEvents(payloads(devicePrefix, startMs), eventBatch, sequenceBase, startMs);
    const events = eventsOf('dev-', 1_000_000);
    const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'bench' } as unknown as Context;
    let failed = 0;
    // warm-up, as the baseline had (a Lambda container runs warm after its first batches): other devices'
    // readings, about 40,000 of them, not measured
    const warmUpEvents = Math.max(1, Math.round(40_000 / (perRecord * eventBatch)));
    for (const event of eventsOf('warm-', 9_000_000).slice(0, warmUpEvents)) {
      failed += (await handler(event, context)).batchItemFailures.length;
    }
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    for (const event of events) {
      const response = await handler(event, context);
      failed += response.batchItemFailures.length;
    }
    const writerRate = total / ((performance.now() - started) / 1000);
    const cpu = process.cpuUsage(cpu0);
    const writerCpuUs = (cpu.user + cpu.system) / total;
    if (failed > 0) throw new Error(`${failed} records failed: the figure would not be honest`);
    const baselineAfter = await runBaseline('baseline_after');
    // the better of the two baseline runs (before and after), so that the ratio is not flattered by load
    const baselineRate = Math.max(baselineBefore, baselineAfter);

    console.log('');
    console.log(
      `  writer handler (decode, validate, dedupe, convert, map, write): ${perSecond(writerRate)} readings; this process's CPU ${writerCpuUs.toFixed(1)} µs a reading (the SDK's included)`,
    );
    console.log(
      `  baseline (raw WriteRecords, same readings prebuilt):            ${perSecond(baselineRate)} readings`,
    );
    console.log(`  ratio ${(writerRate / baselineRate).toFixed(2)} (target >= 0.70)`);
  } finally {
    client.destroy();
    await timestream.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
