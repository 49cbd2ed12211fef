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
