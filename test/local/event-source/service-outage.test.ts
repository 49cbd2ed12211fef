import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { type LocalTimestream, startLocalTimestream } from 'timestream-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimestreamQueryClient, createTimestreamWriteClient } from '#adapters/service-clients';
import { queryAll } from '#adapters/timestream-query';
import { batchWriterFromEnv } from '#consumers/writer/batch-writer-from-env';
import { createWriterHandler } from '#consumers/writer/kinesis-writer-handler';
import { readPipelineConfig } from '#core/config';
import { encodeReadings } from '#core/reading';
import { type EventSourceRunnerEvent, startEventSourceRunner } from '#local/event-source';
import { isServiceUnreachable } from '#local/event-source/service-unreachable';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import { readingFactory } from '../../helpers/readings';
import { type LocalStreams, startLocalStreams, testSettings } from './local-stream';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

describe('event source runner while a local service is down', () => {
  let local: LocalStreams;
  let dir: string;
  beforeAll(async () => {
    local = await startLocalStreams();
    dir = await mkdtemp(join(tmpdir(), 'outage-'));
  });
  afterAll(async () => {
    await local?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a batch while the local Timestream is down and stores it when it is back: nothing in on-failure.jsonl', async () => {
    // Prepare: the writer Lambda on a local Timestream, run by the event source with ONE retry allowed
    const config = readPipelineConfig({});
    const timestreamDir = join(dir, 'timestream');
    let timestream: LocalTimestream = await startLocalTimestream({ port: 0, dataDir: timestreamDir });
    const { port } = new URL(timestream.endpoint);
    const endpoints = { timestreamEndpoint: timestream.endpoint, kinesisEndpoint: local.endpoint };
    const write = createTimestreamWriteClient(endpoints);
    const query = createTimestreamQueryClient(endpoints);
    await ensureTimestreamTables(write, config);
    const streamName = await local.stream();
    const handler = createWriterHandler({
      writer: batchWriterFromEnv({ DATA_DIR: dir }, config, endpoints),
      logger: new Logger({ serviceName: 'writer', logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'Test', serviceName: 'writer' }),
      retryBudgetMs: 200,
    });
    const onFailureFile = join(dir, 'on-failure.jsonl');
    const events: EventSourceRunnerEvent[] = [];
    const warnings: string[] = [];
    const runner = await startEventSourceRunner({
      kinesis: local.kinesis,
      streamName,
      handler,
      settings: testSettings({ maximumRetryAttempts: 1, bisectBatchOnFunctionError: true }),
      checkpointFile: join(dir, 'checkpoints.json'),
      onFailure: async (record) => appendFile(onFailureFile, `${JSON.stringify(record)}\n`),
      onEvent: (event) => events.push(event),
      logger: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined },
      pollIntervalMs: 20,
      retryBackoff: { baseMs: 20, maxMs: 200 },
    });
    try {
      // Act: Timestream stops, a reading is posted, and the batch fails more often than its retries allow
      await timestream.close();
      const reading = readingFactory({ deviceId: 'outage_1', timeMs: Date.now() - 60_000, messageId: 'o-1' });
      await local.kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: [{ PartitionKey: 'outage_1', Data: Buffer.from(encodeReadings([reading])) }],
        }),
      );
      await expect
        .poll(() => events.filter((e) => e.type === 'batch-failed').length, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(4);
      timestream = await startLocalTimestream({ port: Number(port), dataDir: timestreamDir });
      await runner.whenCaughtUp(30_000);

      // Assess: stored, nothing parked, the checkpoint past it, one WARN when it went and one when it came back
      const rows = await queryAll(
        query,
        `SELECT deviceId, co2 FROM "${config.database}"."${config.rawTable}" WHERE deviceId = 'outage_1'`,
      );
      expect(rows).toEqual([{ deviceId: 'outage_1', co2: 652 }]);
      expect(existsSync(onFailureFile)).toBe(false);
      expect(events.filter((e) => e.type === 'records-discarded')).toEqual([]);
      expect(events.filter((e) => e.type === 'batch-bisected')).toEqual([]);
      expect(events.filter((e) => e.type.startsWith('service-')).map((e) => e.type)).toEqual([
        'service-unreachable',
        'service-reachable',
      ]);
      expect(warnings).toEqual([
        expect.stringMatching(/unreachable; the batch is kept and retried/),
        expect.stringMatching(/reaches its services again/),
      ]);
    } finally {
      await runner.stop();
      write.destroy();
      query.destroy();
      await timestream.close();
    }
  });
});

describe('isServiceUnreachable', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8100'), { code: 'ECONNREFUSED' });
  it('finds a connection error through causes and in every error of a full batch failure', () => {
    const exhausted = new Error('gave up after 3 attempt(s)', { cause: refused });
    expect(isServiceUnreachable(exhausted)).toBe(true);
    expect(
      isServiceUnreachable(Object.assign(new Error('all failed'), { recordErrors: [exhausted, refused] })),
    ).toBe(true);
  });
  it('is false when any record failed for another reason, or for errors without a connection code', () => {
    const other = new Error('ValidationException');
    expect(
      isServiceUnreachable(Object.assign(new Error('all failed'), { recordErrors: [refused, other] })),
    ).toBe(false);
    expect(isServiceUnreachable(other)).toBe(false);
    expect(isServiceUnreachable(undefined)).toBe(false);
    expect(isServiceUnreachable(new AggregateError([refused, refused]))).toBe(true);
  });
});
