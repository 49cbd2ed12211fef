// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { describe, expect, it } from 'vitest';
import {
  expandGrafanaMacros,
  InvalidMacroContextError,
  interpolateDashboardVariables,
  UnknownMacroError,
  UnknownVariableError,
} from '#dashboards/grafana';

// The data source's own test values: Unix ms 1500376552001 .. 1500376552002.
const base = {
  from: 1500376552001,
  to: 1500376552002,
  intervalMs: 60_000,
  nowMs: 1500376600000,
  database: '"ddb"',
  table: '"table"',
  measure: 'measure',
};

describe('expandGrafanaMacros', () => {
  it('expands $__timeFilter to a BETWEEN over from_milliseconds', () => {
    // Act
    const sql = expandGrafanaMacros('SELECT * FROM t WHERE $__timeFilter AND x = 1', base);
    // Assess
    expect(sql).toBe(
      'SELECT * FROM t WHERE time BETWEEN from_milliseconds(1500376552001) AND from_milliseconds(1500376552002) AND x = 1',
    );
  });

  it('expands the interval as a duration literal and as a raw number, without eating each other', () => {
    const sql = expandGrafanaMacros('bin(time, $__interval_ms) $__interval * $__interval_raw_ms', base);
    expect(sql).toBe('bin(time, 60000ms) 60000ms * 60000');
  });

  it('expands $__timeFrom, $__timeTo and $__now_ms to epoch milliseconds', () => {
    const sql = expandGrafanaMacros('$__timeFrom $__timeTo $__now_ms', base);
    expect(sql).toBe('1500376552001 1500376552002 1500376600000');
  });

  it('inserts database, table and measure verbatim, as the data source does', () => {
    const sql = expandGrafanaMacros("SELECT '$__measure' FROM $__database.$__table", base);
    expect(sql).toBe(`SELECT 'measure' FROM "ddb"."table"`);
  });

  it('expands dashboard variables in the SQL and in the database/table/measure selection', () => {
    const sql = expandGrafanaMacros(
      "FROM $__database.$__table WHERE deviceId = '${device}' AND m = '$m' [[m]]",
      {
        ...base,
        database: '"${db}"',
        table: '"$tbl"',
        variables: { device: 'dev-1', m: 'co2', db: 'RoomCondition', tbl: 'conditions' },
      },
    );
    expect(sql).toBe(`FROM "RoomCondition"."conditions" WHERE deviceId = 'dev-1' AND m = 'co2' co2`);
  });

  it('formats multi-value variables as SQL literals, doubling quotes', () => {
    const sql = interpolateDashboardVariables('deviceId IN (${device})', { device: ['a', "o'b"] });
    expect(sql).toBe("deviceId IN ('a','o''b')");
  });

  it('applies explicit formats', () => {
    const vars = { d: ['a', 'b'] };
    expect(interpolateDashboardVariables('${d:csv}|${d:sqlstring}|${d:pipe}', vars)).toBe("a,b|'a','b'|a|b");
  });

  it('expands the global $__from and $__to with the range', () => {
    expect(expandGrafanaMacros('${__from} $__to', base)).toBe('1500376552001 1500376552002');
  });

  it('rejects a variable with no value, naming it and the known ones', () => {
    const act = () => expandGrafanaMacros("deviceId = '$device'", { ...base, variables: { measure: 'co2' } });
    expect(act).toThrow(UnknownVariableError);
    expect(act).toThrow(/\$device .*given: measure/);
  });

  it('rejects unknown and removed macros', () => {
    expect(() => expandGrafanaMacros('$__intervalStr', base)).toThrow(/use \$__interval_ms/);
    expect(() => expandGrafanaMacros('$__nope', base)).toThrow(UnknownMacroError);
  });

  it('rejects a macro whose value is missing', () => {
    const { measure: _m, ...withoutMeasure } = base;
    expect(() => expandGrafanaMacros("measure_name = '$__measure'", withoutMeasure)).toThrow(/no measure/);
  });

  it('rejects a zero interval and a reversed range, showing the value', () => {
    expect(() => expandGrafanaMacros('x', { ...base, intervalMs: 0 })).toThrow(InvalidMacroContextError);
    expect(() => expandGrafanaMacros('x', { ...base, from: 10, to: 5 })).toThrow(
      /to=5 must not be before from/,
    );
  });

  it('leaves SQL without macros unchanged', () => {
    const sql = 'SELECT \'a$\' FROM "db"."t" WHERE x > 1';
    expect(expandGrafanaMacros(sql, base)).toBe(sql);
  });
});
