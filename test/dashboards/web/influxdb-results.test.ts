import { describe, expect, it } from 'vitest';
import { influxDbVariableValues } from '#dashboards/grafana/influxdb-macros';
import { builtInMeasureUnits, influxSeriesToResult, toTimeSeries } from '#dashboards/web';

/** A picker's values from a `SHOW FIELD KEYS` answer holding `keys`, with the variable's regex and sort. */
const fieldKeyValues = (keys: readonly string[], options: { regex?: string; sort?: number }) =>
  influxDbVariableValues(
    { query: 'SHOW FIELD KEYS FROM "agg"', regex: options.regex ?? '', sort: options.sort ?? 0 },
    [{ values: keys.map((k) => [k, 'float']) }],
  );

describe('InfluxQL results as columns and rows', () => {
  it('puts time first, then the tags the series are grouped by, then the value columns under their names', () => {
    const result = influxSeriesToResult([
      { name: 'agg', tags: { measure: 'co2' }, columns: ['time', 'fleet_avg', 'n'], values: [[0, 500.5, 3]] },
      {
        name: 'agg',
        tags: { measure: 'humidity' },
        columns: ['time', 'fleet_avg', 'n'],
        values: [[0, null, 2]],
      },
    ]);
    expect(result.columns).toEqual([
      { name: 'time', type: 'TIMESTAMP' },
      { name: 'measure', type: 'VARCHAR' },
      { name: 'fleet_avg', type: 'DOUBLE' },
      { name: 'n', type: 'BIGINT' },
    ]);
    expect(result.rows).toEqual([
      [0, 'co2', 500.5, 3],
      [0, 'humidity', null, 2],
    ]);
    // one line per tag value, each with its measure's unit (as Grafana's alias $tag_measure names them)
    const chart = toTimeSeries(result, { units: builtInMeasureUnits() });
    expect(chart.series.map((s) => s.label)).toEqual(['co2 fleet_avg', 'co2 n', 'humidity n']);
  });

  it('has no columns when the statement returned no series (no data, or no such measurement yet)', () => {
    expect(influxSeriesToResult([])).toEqual({ columns: [], rows: [] });
  });
});

describe("a variable's values, as Grafana reads a metaquery", () => {
  it('takes the value column of SHOW TAG VALUES and the first column of SHOW FIELD KEYS', () => {
    const tags = [
      {
        name: 'agg',
        columns: ['key', 'value'],
        values: [
          ['deviceId', 'b'],
          ['deviceId', 'a'],
        ],
      },
    ];
    expect(
      influxDbVariableValues({ query: 'SHOW TAG VALUES FROM "agg" WITH KEY = "deviceId"', regex: '' }, tags),
    ).toEqual(['b', 'a']);
    const fields = [{ name: 'agg', columns: ['fieldKey', 'fieldType'], values: [['co2_avg', 'float']] }];
    expect(influxDbVariableValues({ query: 'show field keys from "agg"', regex: '' }, fields)).toEqual([
      'co2_avg',
    ]);
  });

  it("applies the variable's regex (the capture group, or the group named value) and sort", () => {
    const keys = ['humidity_avg', 'co2_avg', 'co2_min', 'co2_avg'];
    expect(fieldKeyValues(keys, { regex: '/(.*)_avg$/', sort: 1 })).toEqual(['co2', 'humidity']);
    expect(fieldKeyValues(keys, { regex: '/^(?<value>[a-z0-9]+)_min$/' })).toEqual(['co2']);
    expect(fieldKeyValues(['b', 'a', 'c'], { sort: 2 })).toEqual(['c', 'b', 'a']);
    expect(fieldKeyValues(['room10', 'room9'], { sort: 3 })).toEqual(['room9', 'room10']);
    expect(() => fieldKeyValues(['a'], { regex: '/a/q' })).toThrow(/not \/pattern\/flags/);
  });
});
