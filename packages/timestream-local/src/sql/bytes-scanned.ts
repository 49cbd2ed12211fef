import type { DuckDBConnection } from '@duckdb/node-api';
import { timestampNsLiteral, visibleColumns } from './table-columns';
import type { TableRead } from './translator';

/**
 * Estimates the bytes a query scans, the figure Timestream bills: for every table reference,
 *   rows scanned  x  billed width of the columns the query names.
 * Rows scanned = rows of the table that are not past retention and satisfy the constant bounds on `time` found
 * in the WHERE clause of the SELECT that reads the table (`time BETWEEN a AND b`, `time >= ago(1h)`, ...;
 * all rows when there is none, as the service then scans the whole table).
 * Width = sum over the table's visible columns named anywhere in the query (all of them for `*`) of
 * 8 bytes (time, double, bigint, timestamp), 1 (boolean) or 16 (varchar, a typical dimension value);
 * the time column is always counted (every scan reads it to apply the time and retention filters).
 * One DuckDB query counts the rows of every reference; the counts use the time filters DuckDB pushes into
 * the scan, so they cost a fraction of the query itself.
 */
export async function estimateBytesScanned(
  connection: DuckDBConnection,
  tables: readonly TableRead[],
): Promise<number> {
  if (tables.length === 0) return 0;
  const counts = tables.map((t) => {
    const filters = [...t.timePredicates];
    if (t.view.retentionCutoffNs > 0n)
      filters.push(`"time" >= ${timestampNsLiteral(t.view.retentionCutoffNs)}`);
    const where = filters.length > 0 ? ` WHERE ${filters.map((f) => `(${f})`).join(' AND ')}` : '';
    return `(SELECT count(*) FROM ${t.view.relation}${where})`;
  });
  const reader = await connection.runAndReadAll(`SELECT ${counts.join(', ')}`);
  const row = reader.getRows()[0] ?? [];
  let total = 0;
  tables.forEach((t, i) => {
    const columns = visibleColumns(t.view);
    const used =
      t.referencedColumns === undefined
        ? columns
        : columns.filter((c) => c.name === 'time' || t.referencedColumns?.has(c.name.toLowerCase()));
    const width = used.reduce((sum, c) => sum + c.width, 0);
    total += Number(row[i] ?? 0) * width;
  });
  return total;
}
