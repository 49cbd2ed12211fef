import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPipelineConfig } from '#core/config';
import { dedupeKey } from '#core/dedupe';
import { validateReading } from '#core/reading';
import { signDeviceToken } from '#producers/auth';
import { createIngestAppFromConfig } from '#producers/ingest/ingest-app-from-config';
import { testNowMs, testSchema, testUnits } from '../../helpers/readings';
import { bearer, deviceReading, memoryLogger, testIngestApp, testSecret } from '../ingest-fixture';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

let kinesis: StreamFixture;
beforeAll(async () => {
  kinesis = await startStreamFixture();
});
afterAll(async () => {
  await kinesis?.close();
});

async function freshApp(options: Parameters<typeof testIngestApp>[0] = {}) {
  const streamName = await kinesis.newStream();
  return { streamName, ...testIngestApp({ client: kinesis.client, streamName, ...options }) };
}

const json = (body: unknown, deviceId = 'device_1', headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: bearer(deviceId), ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('accepted bodies', () => {
  it('stores the seed body as a reading of the token device, in the default units, timed at receipt', async () => {
    // Prepare
    const { app, streamName, logger } = await freshApp();
    // Act
    const res = await app.request('/', json({ co2: 550, temperature: 24.2, humidity: 48.2 }, 'room-1'));
    // Assess
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; messageIds: string[] };
    expect(body.accepted).toBe(1);
    expect(body.messageIds[0]).toMatch(/^h:/);
    const records = await kinesis.readAll(streamName);
    expect(records).toHaveLength(1);
    expect(records[0]!.partitionKey).toBe('room-1');
    expect(records[0]!.readings).toEqual([
      {
        deviceId: 'room-1',
        time: testNowMs,
        measures: {
          co2: { value: 550, unit: 'ppm' },
          temperature: { value: 24.2, unit: 'degC' },
          humidity: { value: 48.2, unit: 'percent' },
        },
      },
    ]);
    const decoded = validateReading(records[0]!.readings[0], { schema: testSchema, nowMs: testNowMs });
    expect(decoded.ok && dedupeKey(decoded.reading)).toBe(body.messageIds[0]);
    const logged = JSON.stringify(logger.entries);
    expect(logged).toContain('room-1');
    expect(logged).not.toMatch(/550|24\.2|48\.2/);
  });

  it('takes one canonical reading, a JSON array and NDJSON on /readings, converting units', async () => {
    const { app, streamName } = await freshApp();
    const one = await app.request('/readings', json(deviceReading('d1', 0), 'd1'));
    const batch = await app.request(
      '/readings',
      json([deviceReading('d1', 1), deviceReading('d1', 2)], 'd1'),
    );
    const ndjson = await app.request('/readings', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: bearer('d1') },
      body: `${JSON.stringify(deviceReading('d1', 3))}\n\n${JSON.stringify(deviceReading('d1', 4))}\n`,
    });
    expect([one.status, batch.status, ndjson.status]).toEqual([202, 202, 202]);
    expect(await one.json()).toEqual({ accepted: 1, messageIds: ['m-0'] });
    expect(await batch.json()).toEqual({ accepted: 2, messageIds: ['m-1', 'm-2'] });
    expect(await ndjson.json()).toEqual({ accepted: 2, messageIds: ['m-3', 'm-4'] });
    const readings = (await kinesis.readAll(streamName)).flatMap((r) => r.readings);
    expect(readings.map((r) => r.messageId)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    // 70 degF stored as 21.1111111111 degC (12 significant digits)
    expect(readings[0]!.measures.temperature).toEqual({ value: 21.1111111111, unit: 'degC' });
  });

  it('gives a reading without messageId the same id when it is resent', async () => {
    const { app } = await freshApp();
    const { messageId: _, ...reading } = deviceReading('d2', 7);
    const first = (await (await app.request('/readings', json(reading, 'd2'))).json()) as {
      messageIds: string[];
    };
    const again = (await (await app.request('/readings', json(reading, 'd2'))).json()) as {
      messageIds: string[];
    };
    expect(first.messageIds[0]).toMatch(/^h:/);
    expect(again.messageIds).toEqual(first.messageIds);
  });

  it('answers GET /health', async () => {
    const { app } = await freshApp();
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('refused requests publish nothing', () => {
  it('401 without a token, with a bad or foreign token, with a challenge', async () => {
    const { app, streamName } = await freshApp();
    const body = JSON.stringify({ co2: 550 });
    const noHeader = await app.request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const token = signDeviceToken('d1', Buffer.from('another-secret-0123456789abcdef'));
    const foreign = await app.request('/', json(body, 'd1', { authorization: `Bearer ${token}` }));
    const altered = await app.request(
      '/',
      json(body, 'd1', { authorization: `${bearer('d1').replace('d1', 'd2')}` }),
    );
    const basic = await app.request('/', json(body, 'd1', { authorization: 'Basic dXNlcjpwYXNz' }));
    for (const res of [noHeader, foreign, altered, basic]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="ingest"/);
      const answer = (await res.json()) as { error: string; code: string };
      expect(answer.code).toBe('unauthorized');
      expect(answer.error.length).toBeGreaterThan(20);
    }
    expect(foreign.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });

  it('403 when a reading of the batch names another device', async () => {
    const { app, streamName } = await freshApp();
    const res = await app.request('/readings', json([deviceReading('d1', 0), deviceReading('d9', 1)], 'd1'));
    expect(res.status).toBe(403);
    const answer = (await res.json()) as {
      code: string;
      issues: { index: number; path: string; code: string }[];
    };
    expect(answer.code).toBe('device_mismatch');
    expect(answer.issues).toEqual([
      expect.objectContaining({ index: 1, path: '[1].deviceId', code: 'device_mismatch' }),
    ]);
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });

  it('413 for a body over the byte limit, by Content-Length and by the bytes streamed', async () => {
    const { app, streamName } = await freshApp({ limits: { maxBodyBytes: 1_000 } });
    const big = JSON.stringify([deviceReading('d1', 0, { dimensions: { note: 'x'.repeat(1_200) } })]);
    const declared = await app.request('/readings', json(big, 'd1'));
    const bytes = new TextEncoder().encode(big);
    const streamed = await app.request('/readings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer('d1') },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.subarray(i, i + 100));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    for (const res of [declared, streamed]) {
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'body_too_large', maxBytes: 1_000 });
    }
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });

  it('413 for more readings than allowed', async () => {
    const { app, streamName } = await freshApp({ limits: { maxReadings: 5 } });
    const res = await app.request(
      '/readings',
      json(
        [0, 1, 2, 3, 4, 5].map((n) => deviceReading('d1', n)),
        'd1',
      ),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'too_many_readings' });
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });

  it('415 for a missing or unsupported content type', async () => {
    const { app } = await freshApp();
    const body = JSON.stringify({ co2: 1 });
    const plain = await app.request('/', json(body, 'd1', { 'content-type': 'text/plain' }));
    const form = await app.request(
      '/',
      json(body, 'd1', { 'content-type': 'application/x-www-form-urlencoded' }),
    );
    const none = await app.request('/', {
      method: 'POST',
      headers: { authorization: bearer('d1') },
      body: new TextEncoder().encode(body),
    });
    for (const res of [plain, form, none]) {
      expect(res.status).toBe(415);
      const answer = (await res.json()) as { code: string; error: string };
      expect(answer.code).toBe('unsupported_content_type');
      expect(answer.error).toContain('application/json');
    }
  });

  it('400 lists every issue with its index and path', async () => {
    const { app, streamName } = await freshApp();
    const body = [
      deviceReading('d1', 0),
      deviceReading('d1', 1, { time: 'yesterday' }),
      deviceReading('d1', 2, { measures: { co2: 'high', temperature: { value: 20, unit: 'kelvinish' } } }),
    ];
    const res = await app.request('/readings', json(body, 'd1'));
    expect(res.status).toBe(400);
    const answer = (await res.json()) as {
      code: string;
      error: string;
      issues: { index: number; path: string; code: string }[];
    };
    expect(answer.code).toBe('invalid_readings');
    const where = answer.issues.map((i) => `${i.index} ${i.path}`);
    expect(where).toContain('1 [1].time');
    expect(where).toContain('2 [2].measures.co2');
    for (const issue of answer.issues)
      expect(issue).toEqual(expect.objectContaining({ message: expect.any(String) }));
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });

  it('400 stays small whatever the request: the first 100 issues in full, then how many there were', async () => {
    // Prepare: 500 readings (the most a request may hold), each with 64 problems
    const { app, streamName } = await freshApp();
    const measures = Object.fromEntries(
      Array.from({ length: 64 }, (_, m) => [`a${m}`, { value: 1, unit: 'x' }]),
    );
    const body = Array.from({ length: 500 }, (_, n) => ({ ...deviceReading('d1', n), measures }));
    // Act
    const res = await app.request('/readings', json(body, 'd1'));
    // Assess
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(100_000);
    const answer = JSON.parse(text) as {
      error: string;
      issues: { index: number; path: string; code: string; message: string }[];
      issueCount: number;
      issuesOmitted: number;
    };
    expect(answer.issueCount).toBe(500 * 64);
    expect(answer.issuesOmitted).toBe(500 * 64 - 100);
    expect(answer.issues).toHaveLength(100);
    expect(answer.issues[0]).toEqual({
      index: 0,
      path: '[0].measures.a0',
      code: expect.any(String),
      message: expect.stringContaining('"a0"'),
    });
    expect(answer.issues[99]).toMatchObject({ index: 1, path: '[1].measures.a35' });
    expect(answer.error).toContain('32000 problem(s) in 500 reading(s)');
    expect(answer.error).toContain('the first 100 are listed');
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });

  it('400 clips each listed issue, so long names sent back cannot make the answer large', async () => {
    const { app } = await freshApp();
    const body = Array.from({ length: 90 }, (_, n) => ({
      ...deviceReading('d1', n),
      measures: { [`-${String(n).padEnd(10_000, 'x')}`]: 1 },
    }));
    const res = await app.request('/readings', json(body, 'd1'));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(200_000);
    const answer = JSON.parse(text) as { issues: { path: string; message: string }[]; issueCount: number };
    expect(answer.issueCount).toBe(90);
    expect(answer.issues[5]!.path).toMatch(
      /^\[5\]\.measures\["-5xxx.*\.\.\. \(\d+ characters\) \.\.\.x*"\]$/,
    );
    expect(answer.issues[5]!.message).toMatch(
      /^measure name "-5xx.*\(\d+ characters\).*must start with a letter/,
    );
  });

  it('400 for invalid JSON and invalid UTF-8, 404 and 405 as JSON', async () => {
    const { app } = await freshApp();
    const broken = await app.request('/readings', json('{"co2": ', 'd1'));
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ issues: [{ code: 'invalid_json' }] });
    const latin1 = await app.request('/', { ...json('', 'd1'), body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(latin1.status).toBe(400);
    expect(await latin1.json()).toMatchObject({ code: 'invalid_encoding' });
    const missing = await app.request('/nope', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'not_found' });
    const wrongMethod = await app.request('/readings');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('publishing', () => {
  it('packs many readings into few records of at most 256 KiB, per device', async () => {
    const { app, streamName } = await freshApp();
    const readings = Array.from({ length: 400 }, (_, n) =>
      deviceReading('d1', n, { dimensions: { room: `${n}`.padEnd(1_500, '.') } }),
    );
    const res = await app.request('/readings', json(readings, 'd1'));
    expect(res.status).toBe(202);
    const records = await kinesis.readAll(streamName);
    const total = records.reduce((s, r) => s + r.bytes, 0);
    expect(total).toBeGreaterThan(2 * 256 * 1024);
    expect(records.length).toBe(Math.ceil(total / (256 * 1024)));
    for (const r of records) {
      expect(r.bytes).toBeLessThanOrEqual(256 * 1024);
      expect(r.partitionKey).toBe('d1');
    }
    expect(records.flatMap((r) => r.readings.map((x) => x.messageId))).toEqual(
      readings.map((r) => r.messageId),
    );
  });

  it('resends only the entries that failed, and each reading lands once', async () => {
    const streamName = await kinesis.newStream();
    const { faultyPutRecordsClient } = await import('../stream-fixture');
    const client = faultyPutRecordsClient(kinesis.client, ({ index, attempt }) =>
      attempt === 0 && index % 2 === 0
        ? 'ProvisionedThroughputExceededException'
        : attempt === 1 && index === 0
          ? 'InternalFailure'
          : undefined,
    );
    const { app, logger } = testIngestApp({ client, streamName, maxRecordBytes: 4_096 });
    const readings = Array.from({ length: 40 }, (_, n) => deviceReading('d1', n));
    const res = await app.request('/readings', json(readings, 'd1'));
    expect(res.status).toBe(202);
    expect(client.calls).toBe(3);
    const stored = (await kinesis.readAll(streamName)).flatMap((r) => r.readings.map((x) => x.messageId));
    expect(stored.sort()).toEqual(readings.map((r) => r.messageId).sort());
    const accepted = logger.entries.find((e) => e.message === 'readings accepted');
    expect(accepted?.attributes.retries).toBeGreaterThan(0);
  });

  it('503 with Retry-After when the deadline passes, claiming only the readings published', async () => {
    const streamName = await kinesis.newStream();
    const { faultyPutRecordsClient } = await import('../stream-fixture');
    const client = faultyPutRecordsClient(kinesis.client, ({ index, attempt }) =>
      attempt === 0 && index === 0 ? undefined : 'ProvisionedThroughputExceededException',
    );
    const { app } = testIngestApp({
      client,
      streamName,
      maxRecordBytes: 4_096,
      limits: { publishTimeoutMs: 300, retryAfterSeconds: 2 },
    });
    const readings = Array.from({ length: 40 }, (_, n) => deviceReading('d1', n));
    const res = await app.request('/readings', json(readings, 'd1'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    const answer = (await res.json()) as {
      code: string;
      published: number;
      messageIds: string[];
      unpublishedIndexes: number[];
    };
    expect(answer.code).toBe('publish_incomplete');
    expect(answer).not.toHaveProperty('accepted');
    const stored = (await kinesis.readAll(streamName)).flatMap((r) => r.readings.map((x) => x.messageId!));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(40);
    expect(answer.messageIds).toEqual(stored);
    expect(answer.published).toBe(stored.length);
    expect(answer.unpublishedIndexes.length + stored.length).toBe(40);
    expect(client.calls).toBeGreaterThan(2);
  });

  it('takes the publish timeout from INGEST_PUBLISH_TIMEOUT_MS when wired from the configuration', async () => {
    const streamName = await kinesis.newStream();
    const { faultyPutRecordsClient } = await import('../stream-fixture');
    const client = faultyPutRecordsClient(kinesis.client, () => 'ProvisionedThroughputExceededException');
    const answerTime = async (timeoutMs: string) => {
      const app = createIngestAppFromConfig({
        config: readPipelineConfig({ STREAM_NAME: streamName, INGEST_PUBLISH_TIMEOUT_MS: timeoutMs }),
        kinesis: client,
        secret: testSecret,
        units: testUnits,
        logger: memoryLogger(),
      });
      const started = performance.now();
      const res = await app.request('/', json({ co2: 550 }, 'd1'));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'publish_incomplete', published: 0 });
      return performance.now() - started;
    };
    // the publisher stops retrying when the next backoff would not fit in what is left
    expect(await answerTime('400')).toBeLessThan(1_000);
    expect(await answerTime('2500')).toBeGreaterThanOrEqual(1_000);
  });

  it('503, not 500, when the stream does not exist', async () => {
    const { app } = testIngestApp({
      client: kinesis.client,
      streamName: 'no-such-stream',
      logger: memoryLogger(),
    });
    const res = await app.request('/', json({ co2: 550 }, 'd1'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'publish_incomplete', published: 0, messageIds: [] });
  });
});
