import { describe, expect, it } from 'vitest';
import {
  escapeKey,
  escapeMeasurement,
  floatText,
  quoteString,
  recordLine,
  tagValueProblem,
} from '#core/line-protocol';

describe('line protocol escaping (the spec: measurement `, `; keys and tag values `,= `; strings `"\\`)', () => {
  it('escapes commas and spaces in measurements, and nothing else', () => {
    expect(escapeMeasurement('room conditions,v2')).toBe('room\\ conditions\\,v2');
    expect(escapeMeasurement('a=b"c\\d')).toBe('a=b"c\\d');
  });

  it('escapes commas, equals signs and spaces in tag keys, tag values and field keys', () => {
    expect(escapeKey('a,b=c d')).toBe('a\\,b\\=c\\ d');
    expect(escapeKey('"quoted"\\x')).toBe('"quoted"\\x');
  });

  it('quotes string field values, escaping double quotes and backslashes', () => {
    expect(quoteString('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('writes every float with a decimal point or an exponent, so no field reads as an integer', () => {
    expect(floatText(550)).toBe('550.0');
    expect(floatText(-0)).toBe('0.0');
    expect(floatText(24.2)).toBe('24.2');
    expect(floatText(1e21)).toBe('1e+21');
    expect(floatText(-1.5e-7)).toBe('-1.5e-7');
    expect(() => floatText(Number.NaN)).toThrow(/cannot carry/);
  });

  it('names the tag values line protocol cannot carry, and accepts the rest', () => {
    expect(tagValueProblem('a\nb')).toMatch(/line break/);
    expect(tagValueProblem('a\rb')).toMatch(/line break/);
    expect(tagValueProblem('a\\')).toMatch(/ends with a backslash/);
    expect(tagValueProblem('a\\,b')).toMatch(/backslash before ","/);
    expect(tagValueProblem('a\\ b')).toMatch(/backslash before " "/);
    expect(tagValueProblem('a\\=b')).toMatch(/backslash before "="/);
    expect(tagValueProblem('')).toMatch(/empty/);
    for (const fine of ['Tokyo', 'a,b=c d', 'x\\y', '"quoted"', 'Zürich 東京 🌡', 'tab\there']) {
      expect(tagValueProblem(fine), fine).toBeUndefined();
    }
  });
});

describe('recordLine', () => {
  const common = {
    Dimensions: [{ Name: 'room', Value: 'Lab, 2nd floor' }],
    MeasureName: 'reading',
    MeasureValueType: 'MULTI' as const,
    Time: '1700000000000',
    TimeUnit: 'MILLISECONDS' as const,
  };

  it('maps a MULTI record to one line: tags sorted by key, floats, ms time', () => {
    const line = recordLine('conditions', common, {
      Dimensions: [{ Name: 'deviceId', Value: 'device_1' }],
      MeasureValues: [
        { Name: 'co2', Value: '550', Type: 'DOUBLE' },
        { Name: 'temperature', Value: '24.2', Type: 'DOUBLE' },
      ],
    });
    expect(line).toEqual({
      ok: true,
      line: 'conditions,deviceId=device_1,room=Lab\\,\\ 2nd\\ floor co2=550.0,temperature=24.2 1700000000000',
      precision: 'ms',
    });
  });

  it('maps a single-layout DOUBLE record to a line with one field, and nanosecond times to ns precision', () => {
    const line = recordLine(
      'conditions',
      { MeasureValueType: 'DOUBLE' },
      {
        Dimensions: [{ Name: 'deviceId', Value: 'd1' }],
        MeasureName: 'co2',
        MeasureValue: '412',
        Time: '1700000000000123456',
        TimeUnit: 'NANOSECONDS',
      },
    );
    expect(line).toEqual({
      ok: true,
      line: 'conditions,deviceId=d1 co2=412.0 1700000000000123456',
      precision: 'ns',
    });
  });

  it('refuses a record whose tag value line protocol cannot carry, naming the tag', () => {
    const line = recordLine('conditions', common, {
      Dimensions: [
        { Name: 'deviceId', Value: 'd1' },
        { Name: 'site', Value: 'north\\' },
      ],
      MeasureValues: [{ Name: 'co2', Value: '1', Type: 'DOUBLE' }],
    });
    expect(line).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^tag "site" ends with a backslash/),
    });
  });

  it('writes BIGINT measures as integers (the aggregate count)', () => {
    const line = recordLine('conditions_daily', undefined, {
      Dimensions: [{ Name: 'deviceId', Value: 'd1' }],
      MeasureValueType: 'MULTI',
      MeasureValues: [
        { Name: 'avg', Value: '1.5', Type: 'DOUBLE' },
        { Name: 'count', Value: '12', Type: 'BIGINT' },
      ],
      Time: '1700000000000',
    });
    expect(line).toMatchObject({
      ok: true,
      line: 'conditions_daily,deviceId=d1 avg=1.5,count=12i 1700000000000',
    });
  });
});
