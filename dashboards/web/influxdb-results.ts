import type { InfluxSeries } from '#adapters/influxdb-client';
import type { ScalarCell } from '#adapters/timestream-query';
import type { ResultColumn } from './run-query';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The type of a value column, in Timestream's scalar type names, from the values InfluxDB's JSON holds (it
 * says nothing of field types): numbers are DOUBLE, or BIGINT when every one is a whole number (`count()`);
 * BOOLEAN and VARCHAR for booleans and text; DOUBLE when every value is null.
 */
function columnType(values: readonly unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'DOUBLE';
  if (present.every(isNumber)) return present.every((v) => Number.isSafeInteger(v)) ? 'BIGINT' : 'DOUBLE';
  if (present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  return 'VARCHAR';
}

const cell = (v: unknown): ScalarCell =>
  v === undefined || v === null
    ? null
    : typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
      ? v
      : JSON.stringify(v);

/**
 * An InfluxQL statement's series as one result of columns and rows, the shape the charts and tables are drawn
 * from (`toTimeSeries`, `toTable`), whatever the query selects: `time` (epoch ms, asked for with
 * `epoch=ms`) as the TIMESTAMP column, then each tag the series are grouped by as a VARCHAR column (so a
 * chart draws one line per tag value, as Grafana names InfluxQL series by their tags), then every value
 * column under the name the query gave it (its alias or field name), typed from its values. No series:
 * no columns (nothing stored in the range, or a measurement that does not exist yet).
 *
 * @example
 * influxSeriesToResult([{ name: 'm', tags: { measure: 'co2' }, columns: ['time', 'avg'], values: [[0, 1.5]] }]);
 * // { columns: [time:TIMESTAMP, measure:VARCHAR, avg:DOUBLE], rows: [[0, 'co2', 1.5]] }
 */
export function influxSeriesToResult(series: readonly InfluxSeries[]): {
  columns: ResultColumn[];
  rows: ScalarCell[][];
} {
  const tagKeys: string[] = [];
  const valueColumns: string[] = [];
  let hasTime = false;
  for (const s of series) {
    for (const key of Object.keys(s.tags ?? {})) if (!tagKeys.includes(key)) tagKeys.push(key);
    for (const column of s.columns) {
      if (column === 'time') hasTime = true;
      else if (!valueColumns.includes(column) && !tagKeys.includes(column)) valueColumns.push(column);
    }
  }
  const rows: ScalarCell[][] = [];
  for (const s of series) {
    const at = new Map(s.columns.map((c, i) => [c, i]));
    for (const values of s.values) {
      const value = (column: string) => {
        const i = at.get(column);
        return i === undefined ? null : cell(values[i]);
      };
      rows.push([
        ...(hasTime ? [value('time')] : []),
        ...tagKeys.map((k) => s.tags?.[k] ?? null),
        ...valueColumns.map(value),
      ]);
    }
  }
  const offset = (hasTime ? 1 : 0) + tagKeys.length;
  const columns: ResultColumn[] = [
    ...(hasTime ? [{ name: 'time', type: 'TIMESTAMP' }] : []),
    ...tagKeys.map((name) => ({ name, type: 'VARCHAR' })),
    ...valueColumns.map((name, i) => ({ name, type: columnType(rows.map((r) => r[offset + i])) })),
  ];
  return { columns, rows };
}

/**
 * The values a variable's metaquery offers, as Grafana's InfluxDB data source reads them (its response
 * parser): of each row, the second column (`SHOW TAG VALUES` answers `key, value`), or the first where the
 * row has one (`SHOW MEASUREMENTS`) or the query is `SHOW FIELD KEYS` / `SHOW RETENTION POLICIES` (which
 * answer the value first); unique, in the order returned.
 */
export function metaQueryValues(query: string, series: readonly InfluxSeries[]): string[] {
  const valueFirst = /show\s+(field\s+keys|retention\s+policies)/i.test(query);
  const out = new Set<string>();
  for (const s of series) {
    for (const row of s.values) {
      const value = valueFirst || row[1] === undefined ? row[0] : row[1];
      if (value !== null && value !== undefined) out.add(String(value));
    }
  }
  return [...out];
}

/** A variable's `regex` as Grafana reads it: `/pattern/flags`, or a bare pattern matched whole. */
function variableRegex(text: string): RegExp {
  if (!text.startsWith('/')) return new RegExp(`^${text}$`);
  const match = /^\/(.*?)\/([gimys]*)$/.exec(text);
  if (!match) throw new Error(`the variable regex ${JSON.stringify(text)} is not /pattern/flags`);
  return new RegExp(match[1]!, match[2]);
}

/**
 * Applies a dashboard variable's `regex` and `sort` to its values, as Grafana does: values the regex does not
 * match are dropped; a match with a capture group (or a group named `value`) offers the group; `sort` 0 keeps
 * the order, odd sorts ascend and even descend (3 and 4 by the number in the value, the others as text).
 *
 * @example
 * variableValues(['co2_avg', 'co2_min', 'humidity_avg'], { regex: '/(.*)_avg$/', sort: 1 }); // ['co2', 'humidity']
 */
export function variableValues(
  values: readonly string[],
  options: { readonly regex?: string; readonly sort?: number },
): string[] {
  let out = [...values];
  if (options.regex) {
    const regex = variableRegex(options.regex);
    out = out.flatMap((v) => {
      const match = new RegExp(regex.source, regex.flags.replace('g', '')).exec(v);
      if (!match) return [];
      return [match.groups?.value ?? match[1] ?? v];
    });
  }
  out = [...new Set(out)];
  const sort = options.sort ?? 0;
  if (sort > 0) {
    const numeric = sort === 3 || sort === 4;
    const numberOf = (v: string) => Number(/-?\d+(\.\d+)?/.exec(v)?.[0] ?? Number.NaN);
    out.sort((a, b) =>
      numeric
        ? numberOf(a) - numberOf(b)
        : sort === 5 || sort === 6
          ? a.toLowerCase().localeCompare(b.toLowerCase())
          : a < b
            ? -1
            : a > b
              ? 1
              : 0,
    );
    if (sort % 2 === 0) out.reverse();
  }
  return out;
}
