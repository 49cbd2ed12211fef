import { type ColumnInfo, QueryCommand, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { type ScalarCell, scalarCell } from '#adapters/timestream-query';
import { PanelQueryError } from './errors';

/** A column of a query result: its name and Timestream scalar type (`TIMESTAMP`, `DOUBLE`, `VARCHAR`...). */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** A whole query result, every page read, with what the service reported scanning. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  /** Rows as arrays in column order (TIMESTAMP as epoch ms, numbers as numbers, NULL as null). */
  readonly rows: readonly (readonly ScalarCell[])[];
  /**
   * QueryStatus.CumulativeBytesScanned of the last page: the bytes Timestream read for the whole query (what
   * it bills on for accounts with bytes-scanned pricing; TCU-billed accounts pay for query compute instead).
   */
  readonly bytesScanned: number;
  /** Query API calls made (1 + the NextToken pages followed). */
  readonly pages: number;
  readonly elapsedMs: number;
}

const columnOf = (info: ColumnInfo, i: number): ResultColumn => ({
  name: info.Name ?? `_col${i}`,
  type: info.Type?.ScalarType ?? 'UNKNOWN',
});

/**
 * Runs one SQL statement through the Timestream Query API to its end, following NextToken (pages may be
 * empty and still carry a token). A service error becomes a {@link PanelQueryError} naming `source`, so
 * that the page can show it in the panel that asked.
 */
export async function runQuery(
  client: TimestreamQueryClient,
  sql: string,
  source: string,
): Promise<QueryResult> {
  const started = performance.now();
  const rows: ScalarCell[][] = [];
  let infos: ColumnInfo[] = [];
  let bytesScanned = 0;
  let pages = 0;
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(new QueryCommand({ QueryString: sql, NextToken: nextToken }));
      pages++;
      if (page.ColumnInfo && page.ColumnInfo.length > 0) infos = page.ColumnInfo;
      for (const row of page.Rows ?? []) {
        rows.push(infos.map((info, i) => scalarCell(info, row.Data?.[i])));
      }
      bytesScanned = Math.max(bytesScanned, page.QueryStatus?.CumulativeBytesScanned ?? 0);
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    throw new PanelQueryError(source, sql, e.name, e.message);
  }
  return {
    columns: infos.map(columnOf),
    rows,
    bytesScanned,
    pages,
    elapsedMs: performance.now() - started,
  };
}
