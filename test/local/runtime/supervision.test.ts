import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimestreamQueryClient } from '#adapters/service-clients';
import { queryAll } from '#adapters/timestream-query';
import type { LocalPipeline } from '#local/runtime/local-pipeline';
import type { ServiceEvent, ServiceFailedError } from '#local/runtime/service-worker';
import { freePorts, startTestPipeline, type TestPipeline } from '../../helpers/local-pipeline';
import { startNpmStart } from './npm-start-child';

async function post(pipeline: LocalPipeline, deviceId: string, time: number) {
  const response = await fetch(`${pipeline.endpoints.ingest}/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${pipeline.signToken(deviceId)}` },
    body: JSON.stringify({ deviceId, time, measures: { co2: 500 } }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.text(),
  };
}

function storedTimes(pipeline: LocalPipeline, deviceId: string) {
  const query = createTimestreamQueryClient({ timestreamEndpoint: pipeline.endpoints.timestream });
  return queryAll(
    query,
    `SELECT to_milliseconds(time) AS t FROM "RoomCondition"."conditions" WHERE deviceId = '${deviceId}' ORDER BY t`,
  )
    .then((rows) => rows.map((r) => r.t as number))
    .finally(() => query.destroy());
}

describe('npm start: a service thread that dies is reported and restarted on the same endpoint', () => {
  let pipeline: TestPipeline;
  const events: ServiceEvent[] = [];
  const failures: ServiceFailedError[] = [];
  beforeAll(async () => {
    pipeline = await startTestPipeline(
      { WRITER_BATCHING_WINDOW_SECONDS: '0' },
      { onServiceEvent: (event) => events.push(event), onServiceFailed: (error) => failures.push(error) },
    );
  });
  afterAll(() => pipeline?.close());

  it.each([
    ['timestream', 'local Timestream'],
    ['kinesis', 'local Kinesis'],
    ['ingest', 'ingest'],
  ] as const)(
    '%s: logged with its reason, back on the same endpoint, readings before and after stored',
    async (thread, name) => {
      // Prepare: a reading stored before the crash
      const device = `supervised_${thread}`;
      const before = Date.now() - 10_000;
      expect((await post(pipeline, device, before)).status).toBe(202);
      await expect.poll(() => storedTimes(pipeline, device), { timeout: 30_000 }).toEqual([before]);
      const endpoints = { ...pipeline.endpoints };

      // Act: the thread dies
      await pipeline.terminateService(thread, `drill of ${thread}`);

      // Assess: reported with its reason, restarted on the same endpoint, a reading posted after is stored
      await expect
        .poll(() => events.filter((e) => e.service === name).map((e) => e.type), { timeout: 30_000 })
        .toEqual(['died', 'restarted']);
      expect(events.find((e) => e.service === name && e.type === 'died')).toMatchObject({
        reason: `terminated (drill of ${thread})`,
        endpoint: endpoints[thread],
      });
      expect(pipeline.endpoints).toEqual(endpoints);
      const after = Date.now() - 5_000;
      await expect
        .poll(async () => (await post(pipeline, device, after)).status, { timeout: 30_000 })
        .toBe(202);
      await expect.poll(() => storedTimes(pipeline, device), { timeout: 30_000 }).toEqual([before, after]);
      expect(failures).toEqual([]);
    },
    120_000,
  );
});

describe('npm start: a dead stream is not answered 202', () => {
  let pipeline: TestPipeline;
  const failures: ServiceFailedError[] = [];
  beforeAll(async () => {
    pipeline = await startTestPipeline(
      { SERVICE_MAX_RESTARTS: '0', INGEST_PUBLISH_TIMEOUT_MS: '500' },
      { onServiceEvent: () => undefined, onServiceFailed: (error) => failures.push(error) },
    );
  });
  afterAll(() => pipeline?.close());

  it('gives up after SERVICE_MAX_RESTARTS, and the ingest answers 503 with Retry-After meanwhile', async () => {
    await pipeline.terminateService('kinesis', 'drill');
    await expect.poll(() => failures.map((f) => f.service), { timeout: 10_000 }).toEqual(['local Kinesis']);
    expect(failures[0]?.message).toMatch(
      /local Kinesis .* stopped: terminated \(drill\)\. .*SERVICE_MAX_RESTARTS=0/,
    );
    const response = await post(pipeline, 'device_1', Date.now());
    expect(response.status).toBe(503);
    expect(response.retryAfter).toBe('1');
  });
});

describe('npm start (child process): a service that cannot be restarted stops the process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-unrestartable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 1 with a message naming the service, its reason and why it could not come back', async () => {
    const started = await startNpmStart({ ...freePorts, DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' });
    try {
      // Prepare: the local Timestream's data directory is replaced by a file, so it cannot start again
      renameSync(join(dataDir, 'timestream'), join(dataDir, 'timestream-moved'));
      writeFileSync(join(dataDir, 'timestream'), 'not a directory');

      // Act
      started.child.send({ type: 'terminate-service', service: 'timestream', reason: 'drill' });

      // Assess
      expect(await started.exited()).toBe(1);
      const output = started.output();
      expect(output).toMatch(/local Timestream \(http:\/\/127\.0\.0\.1:\d+\) stopped: terminated \(drill\)/);
      expect(output).toMatch(
        /The local pipeline cannot go on: local Timestream .* It could not be restarted: /,
      );
    } finally {
      await started.stop();
      mkdirSync(dataDir, { recursive: true });
    }
  }, 150_000);
});
