// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { describe, expect, it } from 'vitest';
import { InvalidMacroContextError, UnknownMacroError, UnknownVariableError } from '#dashboards/grafana';
import {
  expandInfluxDbPanelQuery,
  expandInfluxQlMacros,
  influxDbVariableValues,
  influxIntervalText,
  interpolateInfluxQlVariables,
} from '#dashboards/grafana/influxdb-macros';

const context = { from: 1_650_000_000_000, to: 1_650_086_400_000, intervalMs: 60_000 };

describe("Grafana's InfluxQL macros and variables, expanded as the InfluxDB data source does", () => {
  it('expands $timeFilter to an inclusive range in epoch ms and the interval macros to InfluxQL durations', () => {
    expect(
      expandInfluxQlMacros(
        'SELECT mean("co2") FROM "c" WHERE $timeFilter GROUP BY time($__interval), time($interval) -- $__interval_ms',
        context,
      ),
    ).toBe(
      'SELECT mean("co2") FROM "c" WHERE time >= 1650000000000ms and time <= 1650086400000ms ' +
        'GROUP BY time(1m), time(1m) -- 60000',
    );
  });

  it("formats intervals in Grafana's largest whole unit", () => {
    expect([250, 1_000, 90_000, 3_600_000, 86_400_000, 2 * 86_400_000 + 1].map(influxIntervalText)).toEqual([
      '250ms',
      '1s',
      '1m',
      '1h',
      '1d',
      '2d',
    ]);
  });

  it('regex-escapes a value used inside =~ /.../ and leaves it as it is elsewhere', () => {
    const query =
      'SELECT mean("$measure") FROM "${raw}" WHERE "deviceId" =~ /^$device$/ AND "room" = \'[[room]]\'';
    expect(
      interpolateInfluxQlVariables(query, {
        measure: 'co2',
        raw: 'conditions',
        device: 'a.b(1)/x',
        room: 'r.1',
      }),
    ).toBe(
      'SELECT mean("co2") FROM "conditions" WHERE "deviceId" =~ /^a\\.b\\(1\\)\\/x$/ AND "room" = \'r.1\'',
    );
  });

  it('passes a value that starts like a number through unescaped, as Grafana does', () => {
    expect(interpolateInfluxQlVariables('"deviceId" =~ /^$device$/', { device: '1.5' })).toBe(
      '"deviceId" =~ /^1.5$/',
    );
  });

  it('applies explicit formats', () => {
    expect(interpolateInfluxQlVariables('${d:regex} ${d:raw} ${d:singlequote}', { d: "it's.x" })).toBe(
      "it's\\.x it's.x 'it\\'s.x'",
    );
  });

  it('fails on a variable without a value, an unknown macro or format, and a bad range or interval', () => {
    expect(() => expandInfluxQlMacros('WHERE "deviceId" =~ /^$device$/', context)).toThrow(
      UnknownVariableError,
    );
    expect(() => expandInfluxQlMacros('WHERE $__timeFilter', context)).toThrow(UnknownMacroError);
    expect(() => interpolateInfluxQlVariables('${d:csv}', { d: 'x' })).toThrow(UnknownMacroError);
    expect(() => expandInfluxQlMacros('x', { ...context, intervalMs: 0 })).toThrow(InvalidMacroContextError);
    expect(() => expandInfluxQlMacros('x', { ...context, to: context.from - 1 })).toThrow(
      InvalidMacroContextError,
    );
    expect(() => expandInfluxQlMacros('x', { ...context, from: 10, to: 5 })).toThrow(
      /to=5 must not be before from \(10\)/,
    );
    expect(() => expandInfluxQlMacros('x', { ...context, to: Number.NaN })).toThrow(
      /to=null must be a finite epoch time/,
    );
  });

  it('runs a panel with a relative time override over the last N hours up to now', () => {
    const nowMs = 1_700_000_000_000;
    expect(
      expandInfluxDbPanelQuery({ query: 'WHERE $timeFilter', timeFrom: '24h' }, { ...context, nowMs }),
    ).toBe(`WHERE time >= ${nowMs - 86_400_000}ms and time <= ${nowMs}ms`);
  });

  it("takes a variable's values from its metaquery's answer as Grafana does: the value column, then the regex's capture", () => {
    // SHOW TAG VALUES answers [key, value]; SHOW FIELD KEYS [fieldKey, fieldType]
    expect(
      influxDbVariableValues({ query: 'SHOW TAG VALUES FROM "d" WITH KEY = "deviceId"', regex: '' }, [
        {
          values: [
            ['deviceId', 'room.1'],
            ['deviceId', 'room_b'],
          ],
        },
      ]),
    ).toEqual(['room.1', 'room_b']);
    const fields = [
      {
        values: [
          ['co2_avg', 'float'],
          ['co2_count', 'integer'],
          ['x_avg_avg', 'float'],
          ['x_avg_min', 'float'],
          ['x_avg', 'float'],
        ],
      },
    ];
    expect(
      influxDbVariableValues({ query: 'show field keys from "d"', regex: '/^(.+)_avg$/' }, fields),
    ).toEqual(['co2', 'x_avg', 'x']);
    expect(
      influxDbVariableValues(
        { query: 'SHOW FIELD KEYS FROM "d"', regex: '/^(?<value>[a-z]+)\\d?_avg$/' },
        fields,
      ),
    ).toEqual(['co', 'x']);
    // a bare pattern must match the whole value; no capture keeps the value
    expect(influxDbVariableValues({ query: 'SHOW FIELD KEYS FROM "d"', regex: 'co2_.*' }, fields)).toEqual([
      'co2_avg',
      'co2_count',
    ]);
    expect(() => influxDbVariableValues({ query: 'SHOW FIELD KEYS', regex: '/unclosed' }, fields)).toThrow(
      /unclosed/,
    );
  });
});
