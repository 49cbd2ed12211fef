import { describe, expect, it } from 'vitest';
import { parseRequestBody } from '#core/reading';
import { canonicalReadingFactory, testNowMs, testSchema } from '../../helpers/readings';

const opts = { schema: testSchema, receivedAtMs: testNowMs, deviceId: 'device_1' };

describe('parseRequestBody: formats', () => {
  it('reads the seed body exactly: device from the caller, time of receipt, default units', () => {
    const r = parseRequestBody('{"co2": 550, "temperature": 24.2, "humidity": 48.2}', opts);
    expect(r).toEqual({
      ok: true,
      readings: [
        {
          deviceId: 'device_1',
          timeMs: testNowMs,
          dimensions: {},
          measures: {
            co2: { value: 550, unit: 'ppm' },
            temperature: { value: 24.2, unit: 'degC' },
            humidity: { value: 48.2, unit: 'percent' },
          },
        },
      ],
    });
  });

  it('reads one canonical reading', () => {
    const body = JSON.stringify(
      canonicalReadingFactory({ measures: { co2: 652, temperature: { value: 75.2, unit: 'degF' } } }),
    );
    const r = parseRequestBody(body, { ...opts, contentType: 'application/json; charset=utf-8' });
    expect(r.ok && r.readings).toHaveLength(1);
    expect(r.ok && r.readings[0]!.measures.temperature).toEqual({
      value: 24,
      unit: 'degC',
      original: { value: 75.2, unit: 'degF' },
    });
    expect(r.ok && r.readings[0]!.dimensions).toEqual({ prefecture: 'Tokyo' });
  });

  it('reads a JSON array and NDJSON of canonical readings', () => {
    const a = canonicalReadingFactory({ time: 1650401460000 });
    const b = canonicalReadingFactory({ time: 1650401520000 });
    const fromArray = parseRequestBody(JSON.stringify([a, b]), opts);
    const fromNdjson = parseRequestBody(`${JSON.stringify(a)}\r\n\n${JSON.stringify(b)}\n`, {
      ...opts,
      contentType: 'application/x-ndjson',
    });
    expect(fromArray.ok && fromArray.readings.map((r) => r.timeMs)).toEqual([1650401460000, 1650401520000]);
    expect(fromNdjson).toEqual(fromArray);
  });

  it('ignores a byte order mark at the start of the body', () => {
    expect(parseRequestBody('\ufeff{"co2": 550}', opts).ok).toBe(true);
  });

  it('accepts canonical readings without a caller device (e.g. a trusted gateway)', () => {
    const r = parseRequestBody(JSON.stringify(canonicalReadingFactory({ deviceId: 'device_9' })), {
      schema: testSchema,
      receivedAtMs: testNowMs,
    });
    expect(r.ok && r.readings[0]!.deviceId).toBe('device_9');
  });
});

describe('parseRequestBody: rejections', () => {
  it('returns every error of a batch with index and path, and no readings', () => {
    const body = JSON.stringify([
      canonicalReadingFactory(),
      canonicalReadingFactory({ time: 'soon' }),
      canonicalReadingFactory(),
      canonicalReadingFactory({ measures: { temperature: { value: 500, unit: 'degR' } } }),
    ]);
    const r = parseRequestBody(body, opts);
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          index: 1,
          path: '[1].time',
          code: 'invalid_time',
          message: 'must be ISO 8601 with seconds and an offset, e.g. 2022-04-20T05:51:00+09:00',
        },
        {
          index: 3,
          path: '[3].measures.temperature.unit',
          code: 'unknown_unit',
          message: 'unknown unit "degR" for temperature (expected one of degC, degF, K)',
        },
      ],
    });
  });

  it('gives NDJSON issues their index and line, including lines that are not JSON', () => {
    const body = `${JSON.stringify(canonicalReadingFactory())}\n\n{oops\n${JSON.stringify(canonicalReadingFactory({ deviceId: '' }))}`;
    const r = parseRequestBody(body, { ...opts, contentType: 'application/x-ndjson' });
    expect(!r.ok && r.issues.map((i) => [i.index, i.line, i.path, i.code])).toEqual([
      [1, 3, '[1]', 'invalid_json'],
      [2, 4, '[2].deviceId', 'invalid_device_id'],
    ]);
  });

  it('maps a reading for another device to device_mismatch (403 at the endpoint)', () => {
    const r = parseRequestBody(JSON.stringify([canonicalReadingFactory({ deviceId: 'device_2' })]), opts);
    expect(!r.ok && r.issues).toEqual([
      {
        index: 0,
        path: '[0].deviceId',
        code: 'device_mismatch',
        message: 'reading is for device "device_2" but the caller is authenticated as "device_1"',
      },
    ]);
  });

  it.each([
    ['seed body without a caller device', '{"co2": 550}', { deviceId: undefined }, '', 'device_required'],
    ['seed body with a bad value', '{"co2": "550"}', {}, 'co2', 'invalid_type'],
    [
      'seed body with an unknown unit',
      '{"co2": {"value": 1, "unit": "mol"}}',
      {},
      'co2.unit',
      'unknown_unit',
    ],
    ['seed body empty', '{}', {}, '', 'no_measures'],
    ['not JSON', '{"co2": ', {}, '', 'invalid_json'],
    ['empty body', '  ', {}, '', 'empty'],
    ['empty array', '[]', {}, '', 'empty'],
    ['empty NDJSON', '\n\n', { contentType: 'application/x-ndjson' }, '', 'empty'],
    ['too many readings', '[{}, {}, {}]', { maxReadings: 2 }, '', 'too_many_readings'],
    [
      'too many NDJSON lines',
      '{}\n{}\n{}',
      { maxReadings: 2, contentType: 'application/x-ndjson' },
      '',
      'too_many_readings',
    ],
    ['a string body', '"co2"', {}, '', 'invalid_type'],
    [
      'unsupported content type',
      'co2=1',
      { contentType: 'application/x-www-form-urlencoded' },
      '',
      'unsupported_content_type',
    ],
  ])('%s', (_name, body, extra, path, code) => {
    const r = parseRequestBody(body, { ...opts, ...extra });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => [i.path, i.code])).toEqual([[path, code]]);
  });
});
