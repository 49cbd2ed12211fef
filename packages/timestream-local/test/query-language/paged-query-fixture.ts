import { type ColumnInfo, type Datum, QueryCommand, type Type } from '@aws-sdk/client-timestream-query';
import type { Fixture } from '../local-timestream-fixture';

/** A datum as a plain value: scalars as their text, NULL as null, arrays as lists, rows as lists, series as [time, value] lists. */
export type Plain = string | null | Plain[];

function plain(d: Datum): Plain {
  if (d.NullValue) return null;
  if (d.ArrayValue !== undefined) return d.ArrayValue.map(plain);
  if (d.RowValue !== undefined) return (d.RowValue.Data ?? []).map(plain);
  if (d.TimeSeriesValue !== undefined)
    return d.TimeSeriesValue.map((p) => [p.Time ?? null, p.Value === undefined ? null : plain(p.Value)]);
  return d.ScalarValue ?? null;
}

/** A column type as short text: DOUBLE, array(INTEGER), timeseries(DOUBLE), row(field0 INTEGER, ...). */
function typeText(t: Type | undefined): string {
  if (t === undefined) return '?';
  if (t.ScalarType !== undefined) return t.ScalarType;
  if (t.ArrayColumnInfo !== undefined) return `array(${typeText(t.ArrayColumnInfo.Type)})`;
  if (t.TimeSeriesMeasureValueColumnInfo !== undefined)
    return `timeseries(${typeText(t.TimeSeriesMeasureValueColumnInfo.Type)})`;
  if (t.RowColumnInfo !== undefined)
    return `row(${t.RowColumnInfo.map((c: ColumnInfo) => `${c.Name} ${typeText(c.Type)}`).join(', ')})`;
  return '?';
}

/** Runs a query through the Query API (every page) and gives its column types and rows as plain values. */
export async function run(
  f: Fixture,
  sql: string,
): Promise<{ types: string[]; names: string[]; rows: Plain[][] }> {
  const rows: Plain[][] = [];
  let columns: ColumnInfo[] = [];
  let next: string | undefined;
  do {
    const out = await f.query.send(new QueryCommand({ QueryString: sql, NextToken: next }));
    if (out.ColumnInfo !== undefined && out.ColumnInfo.length > 0) columns = out.ColumnInfo;
    for (const r of out.Rows ?? []) rows.push((r.Data ?? []).map(plain));
    next = out.NextToken;
  } while (next !== undefined);
  return { types: columns.map((c) => typeText(c.Type)), names: columns.map((c) => c.Name ?? ''), rows };
}

/** The only row's only value of a query. */
export async function single(f: Fixture, sql: string): Promise<{ type: string; value: Plain }> {
  const { types, rows } = await run(f, sql);
  if (rows.length !== 1 || rows[0]?.length !== 1)
    throw new Error(`expected one value from ${sql}, got ${JSON.stringify(rows)}`);
  return { type: types[0] as string, value: rows[0][0] as Plain };
}
