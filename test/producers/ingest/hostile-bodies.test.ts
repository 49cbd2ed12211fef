import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeviceToken } from '#producers/auth';
import { mulberry32 } from '#producers/simulator';
import { bearer, deviceReading, testIngestApp } from '../ingest-fixture';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

let kinesis: StreamFixture;
beforeAll(async () => {
  kinesis = await startStreamFixture();
});
afterAll(async () => {
  await kinesis?.close();
});

/** The simulator's seeded PRNG (mulberry32), so that a failing case can be reproduced, plus a picker. */
function prng(seed: number) {
  const random = mulberry32(seed);
  return {
    ...random,
    pick: <T>(items: readonly T[]) => items[random.int(items.length)]!,
  };
}

type Case = { kind: string; headers: Record<string, string>; body: string | Uint8Array<ArrayBuffer> };

const wrongValues: unknown[] = [
  null,
  true,
  [],
  {},
  'x',
  '',
  -1,
  1.5,
  '1e400',
  { __proto__: { polluted: true } },
  [1, 2],
  'yesterday',
  { value: 'hot' },
];
const hostileKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'a'.repeat(300),
];

/** Generates invalid-by-construction requests of many kinds; none may be accepted or crash the app. */
function hostileCase(r: ReturnType<typeof prng>): Case {
  const device = 'd1';
  const ok = { 'content-type': 'application/json', authorization: bearer(device) };
  const valid = JSON.stringify([deviceReading(device, r.int(1000)), deviceReading(device, r.int(1000))]);
  switch (r.int(14)) {
    case 0: // truncated JSON
      return { kind: 'truncated', headers: ok, body: valid.slice(0, 1 + r.int(valid.length - 2)) };
    case 1: {
      // random bytes
      const bytes = new Uint8Array(1 + r.int(200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
      bytes[0] = 0x7b;
      bytes[bytes.length - 1] = 0x01;
      return { kind: 'random bytes', headers: ok, body: bytes };
    }
    case 2: {
      // wrong type for a field of the reading
      const reading = deviceReading(device, r.int(1000)) as Record<string, unknown>;
      const field = r.pick(['deviceId', 'time', 'messageId', 'measures', 'dimensions']);
      let value = r.pick(wrongValues);
      if (field === 'dimensions' && (value === null || typeof value === 'object') && !Array.isArray(value))
        value = 5;
      if (field === 'messageId' && typeof value === 'string' && value.length > 0) value = 42;
      reading[field] = value;
      return { kind: `wrong ${field}`, headers: ok, body: JSON.stringify([reading]) };
    }
    case 3: {
      // wrong measure values
      const measures: Record<string, unknown> = {
        co2: r.pick([null, 'x', [], true, { value: null }, { unit: 'ppm' }]),
      };
      return {
        kind: 'wrong measure',
        headers: ok,
        body: JSON.stringify({ deviceId: device, time: 1650401460000, measures }),
      };
    }
    case 4: {
      // huge numbers as text (JSON.parse gives Infinity) and out-of-range times
      const text = r.pick([
        `{"co2": 1e400}`,
        `{"co2": -1e999, "humidity": 1}`,
        `{"deviceId":"d1","time":1e300,"measures":{"co2":1}}`,
        `{"deviceId":"d1","time":${'9'.repeat(400)},"measures":{"co2":1}}`,
        `[{"deviceId":"d1","time":1650401460000.5,"measures":{"co2":1}}]`,
        `{"deviceId":"d1","time":-8640000000000001,"measures":{"co2":1}}`,
      ]);
      return { kind: 'huge number', headers: ok, body: text };
    }
    case 5: {
      // deep nesting
      const depth = 1 + r.int(20_000);
      const open = r.pick(['[', '{"a":', '{"measures":']);
      const close = open === '[' ? ']' : '}';
      return { kind: 'deep nesting', headers: ok, body: `${open.repeat(depth)}1${close.repeat(depth)}` };
    }
    case 6: {
      // prototype pollution keys, anywhere
      const key = r.pick(hostileKeys);
      const where = r.int(3);
      const text =
        where === 0
          ? `{"${key}": {"polluted": true}, "co2": "bad"}`
          : where === 1
            ? `{"deviceId":"d1","time":1650401460000,"measures":{"${key}":1,"co2":"x"}}`
            : `{"deviceId":"d1","time":1650401460000,"dimensions":{"${key}":"x"},"measures":{"co2":1},"${key}":1}`;
      return { kind: `key ${key.slice(0, 12)}`, headers: ok, body: text };
    }
    case 7: // wrong content types
      return {
        kind: 'content type',
        headers: {
          ...ok,
          'content-type': r.pick([
            'text/plain',
            'application/xml',
            'multipart/form-data; boundary=x',
            'json',
            '*/*',
            'application/json-seq',
          ]),
        },
        body: valid,
      };
    case 8: {
      // bad tokens
      const token = signDeviceToken(device, Buffer.from('another-secret-0123456789abcdef'));
      const authorization = r.pick([
        '',
        'Bearer',
        'Bearer ',
        `Bearer ${token}`,
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${bearer(device).slice(7)}x`,
        `Bearer dt2.${device}.${'A'.repeat(43)}`,
        `Bearer dt1..${'A'.repeat(43)}`,
        `Bearer dt1.${'é'.repeat(10)}.${'A'.repeat(43)}`,
        `Bearer ${'x'.repeat(5000)}`,
        `Token ${bearer(device).slice(7)}`,
        'Bearer a b c',
      ]);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization !== '') headers.authorization = authorization;
      return { kind: 'bad token', headers, body: valid };
    }
    case 9: // NDJSON with a bad line
      return {
        kind: 'ndjson',
        headers: { ...ok, 'content-type': 'application/x-ndjson' },
        body: `${JSON.stringify(deviceReading(device, 1))}\n${r.pick(['{', 'null', '[]', '"x"', '{"deviceId":1}'])}\n`,
      };
    case 10: // unicode and control characters in names and ids
      return {
        kind: 'unicode',
        headers: ok,
        body: JSON.stringify({
          deviceId: r.pick(['d\u0000', 'd1\ud800', 'd 1', '\u202e1d']),
          time: 1650401460000,
          measures: { co2: 1 },
        }),
      };
    case 11: // too many readings
      return {
        kind: 'too many',
        headers: ok,
        body: `[${Array(501 + r.int(3000))
          .fill('{}')
          .join(',')}]`,
      };
    case 12: // empty and whitespace bodies
      return {
        kind: 'empty',
        headers: ok,
        body: r.pick(['', ' ', '\n\n', '[]', '{}', 'null', '0', '"text"']),
      };
    default: // another device's reading
      return { kind: 'other device', headers: ok, body: JSON.stringify(deviceReading('d2', r.int(1000))) };
  }
}

describe('hostile bodies', () => {
  it('answers thousands of malformed or hostile requests with JSON 4xx and stays up', async () => {
    // Prepare
    const streamName = await kinesis.newStream();
    const { app, logger } = testIngestApp({ client: kinesis.client, streamName });
    const r = prng(20220420);
    const statuses = new Map<number, number>();
    // Act
    for (let i = 0; i < 3000; i++) {
      const c = hostileCase(r);
      const res = await app.request(r.pick(['/', '/readings']), {
        method: 'POST',
        headers: c.headers,
        body: c.body,
      });
      const text = await res.text();
      // Assess (each answer)
      if (res.status < 400 || res.status >= 500) {
        throw new Error(`case ${i} (${c.kind}) got ${res.status}: ${text.slice(0, 300)}`);
      }
      const answer = JSON.parse(text) as { error?: unknown; code?: unknown };
      expect(typeof answer.error).toBe('string');
      expect(typeof answer.code).toBe('string');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // Assess (the whole run)
    expect([...statuses.keys()].sort()).toEqual([400, 401, 403, 413, 415]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
    expect(await kinesis.readAll(streamName)).toEqual([]);
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    const good = await app.request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer('d1') },
      body: '{"co2": 550, "temperature": 24.2, "humidity": 48.2}',
    });
    expect(good.status).toBe(202);
  });

  it('refuses oversize bodies (1 MiB limit) without publishing', async () => {
    const streamName = await kinesis.newStream();
    const { app } = testIngestApp({ client: kinesis.client, streamName });
    const sizes = [1_048_577, 2_000_000, 5_000_000];
    for (const size of sizes) {
      const res = await app.request('/readings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer('d1') },
        body: `[${' '.repeat(size - 2)}]`,
      });
      expect(res.status).toBe(413);
    }
    expect(await kinesis.readAll(streamName)).toEqual([]);
  });
});
