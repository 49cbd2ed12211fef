import { describe, expect, it } from 'vitest';
import { decodeKinesisPayload, encodeReadings, type Reading } from '#core/reading';
import { base64Text } from '#core/reading/kinesis-payload';
import {
  canonicalReadingFactory,
  kinesisData,
  readingFactory,
  testNowMs,
  testSchema,
} from '../../helpers/readings';

const opts = { schema: testSchema, nowMs: testNowMs };

describe('decodeKinesisPayload', () => {
  it('decodes one reading from base64 text or raw bytes', () => {
    const raw = canonicalReadingFactory();
    const fromBase64 = decodeKinesisPayload(kinesisData(raw), opts);
    const fromBytes = decodeKinesisPayload(new TextEncoder().encode(JSON.stringify(raw)), opts);
    expect(fromBase64.ok && fromBase64.readings).toHaveLength(1);
    expect(fromBase64.ok && fromBase64.rejected).toEqual([]);
    expect(fromBytes).toEqual(fromBase64);
  });

  it('keeps the valid readings of a batch and returns the invalid ones with their data and reasons', () => {
    const bad = canonicalReadingFactory({ time: '2030-01-01T00:00:00Z' });
    const r = decodeKinesisPayload(kinesisData([canonicalReadingFactory(), bad]), opts);
    expect(r.ok && r.readings).toHaveLength(1);
    expect(r.ok && r.rejected).toEqual([
      {
        index: 1,
        input: bad,
        issues: [expect.objectContaining({ index: 1, path: '[1].time', code: 'time_in_future' })],
      },
    ]);
  });

  it('rejects a single invalid reading as rejected index 0', () => {
    const r = decodeKinesisPayload(kinesisData({ deviceId: 'd' }), opts);
    expect(r.ok && r.readings).toEqual([]);
    expect(r.ok && r.rejected[0]!.issues.map((i) => i.path)).toEqual(['time', 'measures']);
  });

  it('reports a payload that is not base64 JSON, or an empty array, as undecodable', () => {
    const notJson = decodeKinesisPayload('not base64 json!', opts);
    expect(!notJson.ok && notJson.issues[0]!.code).toBe('invalid_json');
    const empty = decodeKinesisPayload(kinesisData([]), opts);
    expect(!empty.ok && empty.issues[0]!.code).toBe('empty');
  });
});

describe('encodeReadings', () => {
  it('round-trips through decodeKinesisPayload (converted values stay converted, nanoseconds kept)', () => {
    const readings: Reading[] = [
      readingFactory({ messageId: 'm-1' }),
      readingFactory({
        timeSubMsNanos: 456_789,
        dimensions: {},
        measures: { uv_index: { value: 3, unit: 'index' } },
      }),
    ];
    const payload = encodeReadings(readings);
    expect(JSON.parse(payload)[1].time).toBe('2022-04-19T20:51:00.000456789Z');
    const r = decodeKinesisPayload(Buffer.from(payload).toString('base64'), opts);
    expect(r).toEqual({ ok: true, readings, rejected: [] });
  });

  it('drops the original unit info, writing measures in canonical units', () => {
    const r = decodeKinesisPayload(
      kinesisData(canonicalReadingFactory({ measures: { temperature: { value: 75.2, unit: 'degF' } } })),
      opts,
    );
    const decoded = r.ok ? r.readings : [];
    expect(JSON.parse(encodeReadings(decoded))[0].measures).toEqual({
      temperature: { value: 24, unit: 'degC' },
    });
  });
});

describe('base64Text', () => {
  it("gives exactly Buffer's UTF-8 decoding for ASCII, non-ASCII, base64url, unpadded and odd input", () => {
    const texts = [
      '{"a":1}',
      '{"room":"会議室é"}',
      '\u00ff\u00fe',
      '\ufeff{"x":[1,2]}',
      'a',
      'ab',
      '',
      '~~~>>>???',
    ];
    const inputs = texts.flatMap((t) => {
      const b64 = Buffer.from(t).toString('base64');
      return [
        b64,
        b64.replace(/=+$/, ''),
        Buffer.from(t).toString('base64url'),
        `${b64.slice(0, 4)}\n${b64.slice(4)}`,
      ];
    });
    inputs.push('not base64 json!', 'YQ==YQ==', 'YR==', '====', '@@@@');
    for (const input of inputs) expect(base64Text(input)).toBe(Buffer.from(input, 'base64').toString('utf8'));
  });

  it('decodes a payload with non-ASCII dimension values (the Buffer path)', () => {
    const raw = canonicalReadingFactory({ dimensions: { room: '会議室' } });
    const r = decodeKinesisPayload(kinesisData(raw), opts);
    expect(r.ok && r.readings[0]!.dimensions).toEqual({ room: '会議室' });
  });
});
