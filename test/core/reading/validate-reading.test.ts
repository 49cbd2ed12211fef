import { describe, expect, it } from 'vitest';
import { createFleetSchema, parseIsoTime, validateReading } from '#core/reading';
import { isoTimePattern } from '#core/reading/field-rules';
import { createUnitRegistry, parseUnitsConfig } from '#core/units';
import { canonicalReadingFactory, testNowMs, testSchema, testUnits } from '../../helpers/readings';

const ctx = { schema: testSchema, nowMs: testNowMs };
const issuesOf = (raw: unknown, at = {}) => {
  const r = validateReading(raw, ctx, at);
  if (r.ok) throw new Error('expected the reading to be rejected');
  return r.issues.map((i) => ({ path: i.path, code: i.code, message: i.message }));
};

describe('validateReading: accepted readings', () => {
  it('maps the canonical example, converting units and keeping what was sent', () => {
    const r = validateReading(
      canonicalReadingFactory({
        messageId: 'm-1',
        measures: { co2: 652, temperature: { value: 75.2, unit: 'degF' }, humidity: { value: 48.2 } },
      }),
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      reading: {
        deviceId: 'device_1',
        timeMs: Date.UTC(2022, 3, 19, 20, 51),
        messageId: 'm-1',
        dimensions: { prefecture: 'Tokyo' },
        measures: {
          co2: { value: 652, unit: 'ppm' },
          temperature: { value: 24, unit: 'degC', original: { value: 75.2, unit: 'degF' } },
          humidity: { value: 48.2, unit: 'percent' },
        },
      },
    });
  });

  it('takes epoch milliseconds, no dimensions, and a measure registered by UNITS_CONFIG without unit', () => {
    const units = createUnitRegistry(
      parseUnitsConfig('{"measures": {"co2_raw": {"canonicalUnit": "count"}}}'),
    );
    const schema = createFleetSchema({ units });
    const r = validateReading(
      { deviceId: 'd', time: 1650401460000, measures: { co2_raw: 1234 } },
      { schema, nowMs: testNowMs },
    );
    expect(r).toEqual({
      ok: true,
      reading: {
        deviceId: 'd',
        timeMs: 1650401460000,
        dimensions: {},
        measures: { co2_raw: { value: 1234, unit: 'count' } },
      },
    });
  });

  it('takes every configured dimension, and only those', () => {
    const schema = createFleetSchema({ units: testUnits, dimensions: ['building', 'room'] });
    const at = (dimensions: Record<string, string>) =>
      validateReading(canonicalReadingFactory({ dimensions }), { schema, nowMs: testNowMs });
    expect(at({ building: 'B', room: 'kitchen' }).ok).toBe(true);
    const refused = at({ prefecture: 'Tokyo' });
    expect(refused.ok ? [] : refused.issues).toEqual([
      {
        path: 'dimensions.prefecture',
        code: 'unknown_dimension',
        message: expect.stringContaining('(configured: building, room): add it to DIMENSIONS'),
      },
    ]);
  });

  it('keeps nanoseconds of an ISO time and accepts times up to 15 minutes ahead', () => {
    const r = validateReading(canonicalReadingFactory({ time: '2022-04-20T06:14:59.123456789+09:00' }), ctx);
    expect(r.ok && r.reading.timeMs).toBe(testNowMs + 14 * 60_000 + 59_123);
    expect(r.ok && r.reading.timeSubMsNanos).toBe(456_789);
    const plain = validateReading(canonicalReadingFactory({ time: '2022-04-19T20:51:00.5Z' }), ctx);
    expect(plain.ok && plain.reading.timeSubMsNanos).toBeUndefined();
    expect(plain.ok && plain.reading.timeMs).toBe(Date.UTC(2022, 3, 19, 20, 51, 0, 500));
  });

  it('accepts names and sizes right at the limits', () => {
    const dims: Record<string, string> = {};
    for (let i = 0; i < 126; i++) dims[`d${i}`] = 'x';
    const longName = `a${'b'.repeat(59)}`;
    const schema = createFleetSchema({ units: testUnits, dimensions: [...Object.keys(dims), longName] });
    const wide = { schema, nowMs: testNowMs };
    dims[longName] = 'v';
    expect(
      validateReading(canonicalReadingFactory({ dimensions: dims, measures: { co2: 1 } }), wide).ok,
    ).toBe(true);
    expect(validateReading(canonicalReadingFactory({ dimensions: { [longName]: 'v' } }), wide).ok).toBe(true);
    expect(validateReading(canonicalReadingFactory({ deviceId: 'x'.repeat(128) }), ctx).ok).toBe(true);
  });
});

describe('validateReading: every rejection gives path, code and reason', () => {
  const tooManyDims: Record<string, string> = {};
  for (let i = 0; i < 128; i++) tooManyDims[`d${i}`] = 'x';
  const tooManyMeasures: Record<string, number> = {};
  for (let i = 0; i < 65; i++) tooManyMeasures[`m${i}`] = 1;
  const big: Record<string, string> = {};
  for (const name of ['prefecture', 'site', 'building']) big[name] = 'x'.repeat(700);

  it.each([
    ['not an object', 42, '', 'invalid_type', 'expected object'],
    [
      'missing deviceId',
      { time: 1650401460000, measures: { co2: 1 } },
      'deviceId',
      'missing_field',
      'missing',
    ],
    ['missing measures', { deviceId: 'd', time: 1650401460000 }, 'measures', 'missing_field', 'missing'],
    [
      'unknown field',
      canonicalReadingFactory({ measure: {} }),
      'measure',
      'unknown_field',
      'unknown field "measure"',
    ],
    [
      'empty deviceId',
      canonicalReadingFactory({ deviceId: '' }),
      'deviceId',
      'invalid_device_id',
      'must be 1..128',
    ],
    [
      'deviceId with a space',
      canonicalReadingFactory({ deviceId: 'a b' }),
      'deviceId',
      'invalid_device_id',
      'letters',
    ],
    [
      'deviceId too long',
      canonicalReadingFactory({ deviceId: 'x'.repeat(129) }),
      'deviceId',
      'invalid_device_id',
      '1..128',
    ],
    [
      'deviceId a number',
      canonicalReadingFactory({ deviceId: 1 as unknown as string }),
      'deviceId',
      'invalid_type',
      'expected string',
    ],
    [
      'bad messageId',
      canonicalReadingFactory({ messageId: 'a b' }),
      'messageId',
      'invalid_message_id',
      'printable ASCII',
    ],
    [
      'time without offset',
      canonicalReadingFactory({ time: '2022-04-20T05:51:00' }),
      'time',
      'invalid_time',
      'seconds and an offset',
    ],
    ['time not a date', canonicalReadingFactory({ time: 'yesterday' }), 'time', 'invalid_time', 'ISO 8601'],
    [
      'time Feb 30',
      canonicalReadingFactory({ time: '2022-02-30T00:00:00Z' }),
      'time',
      'invalid_time',
      'not a valid date',
    ],
    [
      'time fractional ms',
      canonicalReadingFactory({ time: 1650401460000.5 }),
      'time',
      'invalid_time',
      'whole number',
    ],
    [
      'time boolean',
      canonicalReadingFactory({ time: true as unknown as number }),
      'time',
      'invalid_time',
      'epoch milliseconds',
    ],
    [
      'time in seconds',
      canonicalReadingFactory({ time: 1650401460 }),
      'time',
      'time_too_old',
      'looks like epoch seconds',
    ],
    [
      'time 1970',
      canonicalReadingFactory({ time: '1970-01-01T00:00:00Z' }),
      'time',
      'time_too_old',
      'check the device clock',
    ],
    [
      'time ahead',
      canonicalReadingFactory({ time: '2022-04-20T06:16:00+09:00' }),
      'time',
      'time_in_future',
      '16 minutes ahead',
    ],
    [
      'reserved dimension',
      canonicalReadingFactory({ dimensions: { time: 'x' } }),
      'dimensions.time',
      'reserved_name',
      'reserved by Timestream',
    ],
    [
      'reserved measure_value prefix',
      canonicalReadingFactory({ measures: { 'measure_value::double': 1 } }),
      'measures["measure_value::double"]',
      'invalid_name',
      'must start with',
    ],
    [
      'reserved measure',
      canonicalReadingFactory({ measures: { Measure_Value_x: 1 } }),
      'measures.Measure_Value_x',
      'reserved_name',
      'reserved by Timestream',
    ],
    [
      'measure_name',
      canonicalReadingFactory({ measures: { measure_name: 1 } }),
      'measures.measure_name',
      'reserved_name',
      'reserved',
    ],
    [
      'deviceId as dimension',
      canonicalReadingFactory({ dimensions: { deviceId: 'x' } }),
      'dimensions.deviceId',
      'reserved_name',
      "reading's own field",
    ],
    [
      '__proto__ measure',
      JSON.parse('{"deviceId":"d","time":1650401460000,"measures":{"__proto__":1}}'),
      'measures.__proto__',
      'reserved_name',
      '__proto__',
    ],
    [
      'dimension name too long',
      canonicalReadingFactory({ dimensions: { [`a${'b'.repeat(60)}`]: 'v' } }),
      `dimensions.a${'b'.repeat(60)}`,
      'name_too_long',
      '61 bytes (at most 60)',
    ],
    [
      'measure name too long',
      canonicalReadingFactory({ measures: { [`a${'b'.repeat(256)}`]: 1 } }),
      `measures.a${'b'.repeat(256)}`,
      'name_too_long',
      '257 bytes (at most 256)',
    ],
    [
      'dimension name with dash',
      canonicalReadingFactory({ dimensions: { 'room-no': '1' } }),
      'dimensions["room-no"]',
      'invalid_name',
      'only letters, digits',
    ],
    [
      'empty dimension value',
      canonicalReadingFactory({ dimensions: { room: '' } }),
      'dimensions.room',
      'invalid_dimension_value',
      'must not be empty',
    ],
    [
      'dimension value too long',
      canonicalReadingFactory({ dimensions: { room: 'é'.repeat(1025) } }),
      'dimensions.room',
      'invalid_dimension_value',
      '2050 bytes (at most 2048)',
    ],
    [
      'dimension value a number',
      canonicalReadingFactory({ dimensions: { room: 1 as unknown as string } }),
      'dimensions.room',
      'invalid_type',
      'expected string',
    ],
    [
      'too many dimensions',
      canonicalReadingFactory({ dimensions: tooManyDims, measures: { co2: 1 } }),
      'dimensions',
      'too_many_dimensions',
      'at most 128 in all',
    ],
    [
      'dimension named like a measure',
      canonicalReadingFactory({ dimensions: { co2: 'x' } }),
      'dimensions.co2',
      'name_collision',
      'both a dimension and a measure',
    ],
    ['no measures', canonicalReadingFactory({ measures: {} }), 'measures', 'no_measures', 'at least one'],
    [
      'too many measures',
      canonicalReadingFactory({ measures: tooManyMeasures }),
      'measures',
      'too_many_measures',
      '65 measures (at most 64)',
    ],
    [
      'measure a string',
      canonicalReadingFactory({ measures: { co2: '652' as unknown as number } }),
      'measures.co2',
      'invalid_type',
      'must be a number or {"value"',
    ],
    [
      'measure null',
      canonicalReadingFactory({ measures: { co2: null as unknown as number } }),
      'measures.co2',
      'invalid_type',
      'must be a number or',
    ],
    [
      'measure infinite (1e400)',
      JSON.parse('{"deviceId":"d","time":1650401460000,"measures":{"co2":1e400}}'),
      'measures.co2',
      'invalid_type',
      'must be a number or',
    ],
    [
      'value a string',
      canonicalReadingFactory({ measures: { co2: { value: '1' } as unknown as number } }),
      'measures.co2.value',
      'invalid_type',
      'finite number',
    ],
    [
      'extra field in a measure',
      canonicalReadingFactory({ measures: { co2: { value: 1, note: 'x' } as unknown as number } }),
      'measures.co2.note',
      'unknown_field',
      'expected value, unit',
    ],
    [
      'malformed unit',
      canonicalReadingFactory({ measures: { co2: { value: 1, unit: 'p p m' } } }),
      'measures.co2.unit',
      'invalid_unit',
      'unit must be',
    ],
    [
      'unknown unit',
      canonicalReadingFactory({ measures: { temperature: { value: 500, unit: 'degR' } } }),
      'measures.temperature.unit',
      'unknown_unit',
      'unknown unit "degR" for temperature (expected one of degC, degF, K)',
    ],
    [
      'a measure the registry does not hold, with or without unit',
      canonicalReadingFactory({ measures: { co2: 1, co2_raw: { value: 1, unit: 'ppm' } } }),
      'measures.co2_raw',
      'unknown_measure',
      'unknown measure "co2_raw": register it in UNITS_CONFIG (or UNITS_CONFIG_FILE)',
    ],
    [
      'a measure in another letter case than registered',
      canonicalReadingFactory({ measures: { CO2: 1 } }),
      'measures.CO2',
      'unknown_measure',
      'names are case-sensitive, send it as "co2"',
    ],
    [
      'a dimension name sent as a measure',
      canonicalReadingFactory({ measures: { co2: 1, room: 3 } }),
      'measures.room',
      'unknown_measure',
      '"room" is a dimension, not a measure: send it in "dimensions"',
    ],
    [
      'a dimension not in DIMENSIONS',
      canonicalReadingFactory({ dimensions: { wing: 'east' } }),
      'dimensions.wing',
      'unknown_dimension',
      'unknown dimension "wing" (configured: prefecture, site, building, floor, room, zone): add it to DIMENSIONS',
    ],
    [
      'a dimension in another letter case than configured',
      canonicalReadingFactory({ dimensions: { Room: 'a' } }),
      'dimensions.Room',
      'unknown_dimension',
      'names are case-sensitive, send it as "room"',
    ],
    [
      'a measure name sent as a dimension',
      canonicalReadingFactory({ dimensions: { pm2_5: 'x' } }),
      'dimensions.pm2_5',
      'unknown_dimension',
      '"pm2_5" is a measure, not a dimension: send it in "measures"',
    ],
    [
      'deviceId in another letter case as a dimension',
      canonicalReadingFactory({ dimensions: { DeviceId: 'x' } }),
      'dimensions.DeviceId',
      'unknown_dimension',
      `deviceId is set from the reading's "deviceId" field`,
    ],
    [
      'record over 2 KB',
      canonicalReadingFactory({ dimensions: big }),
      '',
      'record_too_large',
      'Timestream allows 2048',
    ],
  ])('%s', (_name, raw, path, code, reason) => {
    const issues = issuesOf(raw);
    const match = issues.find((i) => i.path === path && i.code === code);
    expect(match, JSON.stringify(issues)).toBeDefined();
    expect(match!.message).toContain(reason);
  });

  it('returns every issue of a reading, with the batch index in the path', () => {
    const issues = issuesOf(
      { deviceId: '', time: 'soon', measures: { temperature: { value: 'x', unit: 1 } }, extra: true },
      { index: 3 },
    );
    expect(issues.map((i) => i.path)).toEqual([
      '[3].deviceId',
      '[3].time',
      '[3].measures.temperature.value',
      '[3].measures.temperature.unit',
      '[3].extra',
    ]);
    const r = validateReading({ deviceId: '' }, ctx, { index: 2, line: 5 });
    expect(!r.ok && r.issues[0]).toMatchObject({ index: 2, line: 5, path: '[2].deviceId' });
  });

  it('reports the unit and time problems of a well-formed reading together', () => {
    const issues = issuesOf({
      deviceId: 'd',
      time: 1650401460,
      measures: { temperature: { value: 1, unit: 'degR' }, co2: { value: 1, unit: 'mol' } },
    });
    expect(issues.map((i) => i.code)).toEqual(['time_too_old', 'unknown_unit', 'unknown_unit']);
  });

  it('refuses a reading for another device than the authenticated one', () => {
    const r = validateReading(canonicalReadingFactory({ deviceId: 'device_2' }), {
      ...ctx,
      deviceId: 'device_1',
    });
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          path: 'deviceId',
          code: 'device_mismatch',
          message: 'reading is for device "device_2" but the caller is authenticated as "device_1"',
        },
      ],
    });
  });
});

describe('parseIsoTime', () => {
  it('applies the offset and splits milliseconds from nanoseconds', () => {
    expect(parseIsoTime('2022-04-20T05:51:00+09:00')).toEqual({
      ms: Date.UTC(2022, 3, 19, 20, 51),
      subMsNanos: 0,
    });
    expect(parseIsoTime('2022-04-19T23:00:00.000001-01:30')).toEqual({
      ms: Date.UTC(2022, 3, 20, 0, 30),
      subMsNanos: 1000,
    });
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBeDefined();
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2022-13-01T00:00:00Z',
    '2022-01-01T24:00:00Z',
    '2022-01-01T00:60:00Z',
    '2022-01-01T00:00:60Z',
    '2022-01-01T00:00:00+24:00',
    '2022-01-01',
  ])('refuses %s', (s) => {
    expect(parseIsoTime(s)).toBeUndefined();
  });

  it('agrees with a parse by isoTimePattern on valid times and on every one-character change of them', () => {
    const reference = (t: string) => {
      const m = isoTimePattern.exec(t);
      if (!m) return undefined;
      const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
      const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
      if (mo! < 1 || mo! > 12 || d! < 1 || d! > days || h! > 23 || mi! > 59 || se! > 59) return undefined;
      let offsetMin = 0;
      if (m[8] !== 'Z') {
        if (Number(m[10]) > 23 || Number(m[11]) > 59) return undefined;
        offsetMin = (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
      }
      const frac = `${m[7] ?? ''}000000000`.slice(0, 9);
      const base = Date.UTC(y!, mo! - 1, d!, h!, mi!, se!);
      return { ms: base - offsetMin * 60_000 + Number(frac.slice(0, 3)), subMsNanos: Number(frac.slice(3)) };
    };
    const valid = [
      '2022-04-20T05:51:00+09:00',
      '2022-04-19T23:00:00.000001-01:30',
      '2024-02-29T23:59:59.999999999Z',
      '1999-12-31T00:00:00.5Z',
      '0050-01-01T00:00:00Z',
      '2022-04-20T05:51:00.123456789+00:00',
    ];
    const replacements = ['0', '9', '-', ':', '.', 'Z', '+', 'T', 'x', '\uff11'];
    const inputs = valid.flatMap((t) => [
      t,
      t.slice(0, -1),
      `${t}0`,
      ...[...t].flatMap((_, i) => [
        t.slice(0, i) + t.slice(i + 1),
        ...replacements.map((r) => t.slice(0, i) + r + t.slice(i + 1)),
      ]),
    ]);
    inputs.push('', '2022-04-20T05:51:00', '2022-04-20T05:51:00.Z', '2022-04-20T05:51:00.1234567890Z');
    for (const t of inputs) expect(parseIsoTime(t), t).toEqual(reference(t));
  });

  it('knows month lengths and leap years as Date.UTC does (years 0..99 read as 19xx)', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    for (const year of [0, 4, 99, 100, 400, 1900, 2000, 2023, 2024, 2100, 2400, 9999]) {
      for (let month = 1; month <= 12; month++) {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (const day of [28, 29, 30, 31]) {
          const parsed = parseIsoTime(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T00:00:00Z`);
          expect(parsed !== undefined, `${year}-${month}-${day}`).toBe(day <= days);
        }
      }
    }
  });
});
