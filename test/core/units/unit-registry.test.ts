import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core/config';
import {
  applyConversion,
  createUnitRegistry,
  type LinearConversion,
  parseUnitsConfig,
  readUnitsConfig,
  roundConverted,
} from '#core/units';

const units = createUnitRegistry();
const convert = (measure: string, value: number, unit?: string) => {
  const r = units.toCanonical(measure, value, unit);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe('createUnitRegistry: built-in conversions (exact values)', () => {
  it.each([
    ['temperature', 75.2, 'degF', 24],
    ['temperature', 32, 'degF', 0],
    ['temperature', 212, 'degF', 100],
    ['temperature', -40, 'degF', -40],
    ['temperature', 0, 'K', -273.15],
    ['temperature', 300, 'K', 26.85],
    ['dew_point', 50, 'degF', 10],
    ['co2', 550_000, 'ppb', 550],
    ['co2', 0.04, 'percent', 400],
    ['humidity', 0.482, 'fraction', 48.2],
    ['soil_moisture', 0.25, 'fraction', 25],
    ['battery_level', 0.9, 'fraction', 90],
    ['pressure', 101_325, 'Pa', 1013.25],
    ['pressure', 101.325, 'kPa', 1013.25],
    ['pressure', 1.01325, 'bar', 1013.25],
    ['pressure', 760, 'torr', 1013.25],
    ['pressure', 760, 'mmHg', 1013.25014435],
    ['pressure', 1, 'mmHg', 1.33322387415],
    ['pressure', 29.92, 'inHg', 1013.20748119],
    ['pressure', 1, 'inHg', 33.8638864034],
    ['tvoc', 0.25, 'ppm', 250],
    ['co', 2000, 'ppb', 2],
    ['no2', 0.04, 'ppm', 40],
    ['o3', 0.07, 'ppm', 70],
    ['so2', 0.5, 'ppm', 500],
    ['pm2_5', 0.012, 'mg/m3', 12],
    ['pm10', 0.045, 'mg/m3', 45],
    ['pm1_0', 0.003, 'mg/m3', 3],
    ['pm4_0', 0.02, 'mg/m3', 20],
    ['illuminance', 10, 'fc', 107.6391],
    ['battery_voltage', 3700, 'mV', 3.7],
    ['wind_speed', 36, 'km/h', 10],
    ['wind_speed', 10, 'knots', 5.14444444444],
    ['wind_speed', 1, 'mph', 0.44704],
    ['wind_speed', 1, 'ft/s', 0.3048],
    ['wind_gust', 72, 'km/h', 20],
    ['wind_direction', Math.PI, 'rad', 180],
    ['rain', 1, 'in', 25.4],
    ['rain', 2.5, 'cm', 25],
    ['rain_rate', 0.5, 'in/h', 12.7],
  ])('%s %d %s -> %d', (measure, value, unit, expected) => {
    expect(convert(measure, value, unit)).toBe(expected);
  });

  it.each([
    ['temperature', 'degC'],
    ['co2', 'ppm'],
    ['humidity', 'percent'],
    ['pressure', 'hPa'],
    ['tvoc', 'ppb'],
    ['pm2_5', 'ug/m3'],
    ['illuminance', 'lx'],
    ['noise', 'dBA'],
    ['battery_voltage', 'V'],
    ['wind_speed', 'm/s'],
    ['rain', 'mm'],
    ['uv_index', 'index'],
    ['solar_radiation', 'W/m2'],
  ])('%s defaults to %s and keeps the value unchanged', (measure, unit) => {
    expect(units.toCanonical(measure, 24.2)).toEqual({ ok: true, value: 24.2, unit, converted: false });
    expect(units.toCanonical(measure, 24.2, unit)).toEqual({ ok: true, value: 24.2, unit, converted: false });
  });

  it('derives library units once, as linear conversions marked by their source', () => {
    const t = units.measure('temperature')!;
    expect(t.canonicalUnit).toBe('degC');
    expect([...t.units.keys()]).toEqual(['degC', 'degF', 'K']);
    expect(t.units.get('K')).toEqual({ factor: 1, offset: -273.15, source: 'library' });
    expect(units.measure('rain')!.units.get('in')).toEqual({ factor: 25.4, offset: 0, source: 'definition' });
  });

  it('refuses an unknown unit with the units it accepts', () => {
    expect(units.toCanonical('temperature', 500, 'degR')).toEqual({
      ok: false,
      code: 'unknown_unit',
      message: 'unknown unit "degR" for temperature (expected one of degC, degF, K)',
    });
  });

  it('stores a measure it does not know as a plain number, but refuses one with a unit it cannot check', () => {
    expect(units.toCanonical('co2_raw', 1234)).toEqual({ ok: true, value: 1234, unit: '', converted: false });
    const r = units.toCanonical('co2_raw', 1234, 'ppm');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.code).toBe('unregistered_measure_unit');
  });

  it('lists its measures sorted', () => {
    const names = units.measureNames();
    expect(names).toEqual([...names].sort());
    expect(names).toContain('pm2_5');
  });
});

describe('applyConversion', () => {
  it('gives the same value for a value seen before as for a fresh one, beyond the kept values too', () => {
    const degF = createUnitRegistry().measure('temperature')!.units.get('degF')!;
    const fresh = (v: number, c: LinearConversion) => {
      const product = v * c.factor;
      return roundConverted(product + c.offset, Math.max(Math.abs(product), Math.abs(c.offset)));
    };
    const values = Array.from({ length: 10_000 }, (_, i) => -40 + i / 10);
    for (let round = 0; round < 2; round++) {
      for (const v of values) expect(applyConversion(v, degF)).toBe(fresh(v, degF));
    }
    expect(applyConversion(75.2, degF)).toBe(24);
    const negativeZeroOffset: LinearConversion = { factor: 2, offset: -0, source: 'definition' };
    expect(Object.is(applyConversion(-0, negativeZeroOffset), fresh(-0, negativeZeroOffset))).toBe(true);
    expect(Object.is(applyConversion(0, negativeZeroOffset), fresh(0, negativeZeroOffset))).toBe(true);
  });
});

describe('roundConverted', () => {
  it('counts the 12 digits on the given scale, so a result that cancels out becomes exactly 0', () => {
    expect(roundConverted(-3.552713678800501e-15, 17.77777777777778)).toBe(0);
    expect(Object.is(roundConverted(-1e-15, 10), 0)).toBe(true);
    expect(roundConverted(1e-15, 1e-14)).toBe(1e-15);
  });

  it('keeps 12 significant digits and leaves zero and non-finite values alone', () => {
    expect(roundConverted(24.000000000000004)).toBe(24);
    expect(roundConverted(0.1 + 0.2)).toBe(0.3);
    expect(roundConverted(123456.7890123456)).toBe(123456.789012);
    expect(roundConverted(0)).toBe(0);
    expect(roundConverted(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('createUnitRegistry with UNITS_CONFIG', () => {
  it('adds measures and units to known measures', () => {
    const r = createUnitRegistry(
      parseUnitsConfig(
        JSON.stringify({
          measures: {
            radon: { canonicalUnit: 'Bq/m3', units: { 'pCi/L': { factor: 37 } } },
            temperature: { units: { degR: { library: 'R' } } },
            depth: { canonicalUnit: 'm', library: 'm', units: { km: { library: 'km' } } },
          },
        }),
      ),
    );
    expect(r.toCanonical('radon', 2, 'pCi/L')).toMatchObject({ ok: true, value: 74, unit: 'Bq/m3' });
    expect(r.toCanonical('temperature', 491.67, 'degR')).toMatchObject({ ok: true, value: 0, unit: 'degC' });
    expect(r.toCanonical('depth', 0.0125, 'km')).toMatchObject({ ok: true, value: 12.5, unit: 'm' });
    expect(r.toCanonical('temperature', 75.2, 'degF')).toMatchObject({ ok: true, value: 24 });
  });

  it('refuses to change a canonical unit, a new measure without one, and unknown library units, all at once', () => {
    const bad = {
      measures: {
        temperature: { canonicalUnit: 'degF' },
        radon: { units: { 'pCi/L': { factor: 37 } } },
        wind_speed: { units: { furlong_fortnight: { library: 'fur/fortnight' } } },
        radiance: { canonicalUnit: 'W', units: { mW: { library: 'mW' } } },
      },
    };
    const problems = registryProblems(bad);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('canonicalUnit "degF" differs from the existing "degC"');
    expect(problems[1]).toContain('measures.radon: a new measure needs "canonicalUnit"');
    expect(problems.join('\n')).toContain('convert-units cannot convert "fur/fortnight" to "m/s"');
    expect(problems.join('\n')).toContain(
      'measures.radiance.units.mW: "library" needs the measure\'s own "library"',
    );
  });

  it('refuses a new measure that differs from another only in letter case, or has a reserved name', () => {
    const bad = {
      measures: {
        CO2: { canonicalUnit: 'ppm' },
        Time: { canonicalUnit: 's' },
        deviceId: { canonicalUnit: 'x' },
        messageId: { canonicalUnit: 'x' },
        radon: { canonicalUnit: 'Bq/m3' },
        Radon: { canonicalUnit: 'Bq/m3' },
      },
    };
    const problems = registryProblems(bad);
    expect(problems).toEqual([
      expect.stringContaining('measures.CO2: differs from the measure "co2" only in letter case'),
      expect.stringContaining('measures.Time: "Time" is reserved by Timestream'),
      expect.stringContaining('measures.deviceId: "deviceId" is reserved'),
      expect.stringContaining('measures.messageId: "messageId" is reserved'),
      expect.stringContaining('measures.Radon: differs from the measure "radon" only in letter case'),
    ]);
  });

  it('validates the JSON and its shape', () => {
    expect(() => parseUnitsConfig('{oops')).toThrow(/UNITS_CONFIG: not valid JSON/);
    expect(() => parseUnitsConfig('{"measures": {"x": {"units": {"y": {"factor": 0}}}}}')).toThrow(
      /measures\.x\.units\.y\.factor: must not be 0/,
    );
    expect(() => parseUnitsConfig('{"measures": {"x": {"units": {"y": {"scale": 2}}}}}')).toThrow(
      /measures\.x\.units\.y: must be \{"library"/,
    );
    expect(() => parseUnitsConfig('{"measures": {"bad name": {"canonicalUnit": "x"}}}')).toThrow(ConfigError);
  });
});

describe('readUnitsConfig', () => {
  const noFile = (path: string): string => {
    throw new Error(`no file read expected, got ${path}`);
  };
  it('reads UNITS_CONFIG, or UNITS_CONFIG_FILE through the given reader, or nothing', () => {
    const json = '{"measures": {"radon": {"canonicalUnit": "Bq/m3"}}}';
    expect(readUnitsConfig({ UNITS_CONFIG: json }, noFile)?.measures.radon?.canonicalUnit).toBe('Bq/m3');
    expect(
      readUnitsConfig({ UNITS_CONFIG_FILE: '/etc/units.json' }, () => json)?.measures.radon,
    ).toBeDefined();
    expect(readUnitsConfig({}, noFile)).toBeUndefined();
  });

  it('fails naming the variable when both are set or the file cannot be read', () => {
    expect(() => readUnitsConfig({ UNITS_CONFIG: '{}', UNITS_CONFIG_FILE: 'x' }, noFile)).toThrow(
      /set only one/,
    );
    expect(() =>
      readUnitsConfig({ UNITS_CONFIG_FILE: '/nope.json' }, () => {
        throw new Error('ENOENT');
      }),
    ).toThrow(/UNITS_CONFIG_FILE="\/nope.json": cannot read the file \(ENOENT\)/);
  });
});

/** The problems of the ConfigError that building a registry from `config` throws (fails if none is thrown). */
function registryProblems(config: unknown): readonly string[] {
  let error: unknown;
  try {
    createUnitRegistry(parseUnitsConfig(JSON.stringify(config)));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}
