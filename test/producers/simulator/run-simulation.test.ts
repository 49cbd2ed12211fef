import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestServer, startIngestServer } from '#producers/ingest';
import { parseDuration, parseFraction, parsePositiveNumber, runSimulation } from '#producers/simulator';
import { testIngestApp, testSecret } from '../ingest-fixture';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

const run = promisify(execFile);

let kinesis: StreamFixture;
let server: IngestServer;
let streamName: string;
beforeAll(async () => {
  kinesis = await startStreamFixture();
  streamName = await kinesis.newStream(2);
  const { app } = testIngestApp({ client: kinesis.client, streamName, now: Date.now });
  server = await startIngestServer({ app, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await kinesis?.close();
});

describe('runSimulation against the ingest server and kinesalite', () => {
  it('publishes exactly what it reports as accepted, duplicates and late readings included', async () => {
    // Prepare
    const options = {
      endpoint: server.url,
      secret: testSecret,
      devices: 12,
      rate: 2_000,
      batch: 20,
      durationMs: 1_000,
      seed: 7,
      duplicates: 0.05,
      late: 0.05,
      fahrenheit: 0.3,
      concurrency: 8,
    };
    const outcomes: { status: number; messageIds: readonly string[]; deviceId: string }[] = [];
    // Act
    const summary = await runSimulation({
      ...options,
      onRequest: (o) =>
        outcomes.push({ status: o.status, messageIds: o.messageIds, deviceId: o.request.deviceId }),
    });
    // Assess
    expect(summary.requests).toBe(100);
    expect(summary.rejected).toEqual({});
    expect(summary.sentReadings).toBe(2_000 + summary.duplicatesSent);
    expect(summary.duplicatesSent).toBeGreaterThan(0);
    expect(summary.lateSent).toBeGreaterThan(0);
    expect(summary.acceptedReadings).toBe(summary.sentReadings);
    expect(summary.latencyMs.count).toBe(100);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
    const stored = (await kinesis.readAll(streamName)).flatMap((r) =>
      r.readings.map((x) => `${x.deviceId}:${x.messageId}`),
    );
    expect(stored).toHaveLength(summary.acceptedReadings);
    const reported = outcomes.flatMap((o) => o.messageIds.map((id) => `${o.deviceId}:${id}`));
    expect(stored.sort()).toEqual(reported.sort());
    expect(new Set(stored).size).toBe(2_000);
  });

  it('counts refused requests by status (a wrong secret gives 401s)', async () => {
    const summary = await runSimulation({
      endpoint: server.url,
      secret: Buffer.from('not-the-server-secret-0123456789'),
      devices: 2,
      rate: 1_000,
      batch: 5,
      durationMs: 20,
      seed: 1,
    });
    expect(summary.acceptedReadings).toBe(0);
    expect(summary.rejected['401']).toMatchObject({ requests: 4, readings: 20 });
    expect(summary.rejected['401']!.example).toMatch(/signature/);
  });
});

describe('simulator flags', () => {
  it('parses durations, fractions and rates, and says what is expected otherwise', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2')).toBe(2_000);
    expect(parseFraction('1%')).toBe(0.01);
    expect(parseFraction('0.3')).toBe(0.3);
    expect(() => parseDuration('soon')).toThrow(/duration such as 500ms/);
    expect(() => parseFraction('1.5')).toThrow(/fraction from 0 to 1/);
    expect(() => parsePositiveNumber(100)('abc')).toThrow(/number above 0/);
  });

  it('npm run simulate -- --rate abc fails with a clear message', async () => {
    const error = await run('npx', ['tsx', 'producers/simulator/cli.ts', '--rate', 'abc'], {
      env: { ...process.env, TOKEN_SECRET: 'x'.repeat(32) },
    }).catch((e) => e);
    expect(error.code).not.toBe(0);
    expect(error.stderr).toContain(
      "option '--rate <n>' argument 'abc' is invalid. expected a number above 0",
    );
  });
});
