import {
  type ColumnInfo,
  type Datum,
  QueryCommand,
  type TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';

export type ScalarCell = string | number | boolean | null;
export type QueryRow = Record<string, ScalarCell>;

/**
 * Converts one scalar datum by its column type: DOUBLE/BIGINT/INTEGER to numbers, BOOLEAN to booleans,
 * TIMESTAMP (`2021-05-06 06:35:38.000000000`, UTC) to epoch ms, everything else as the string the service sent.
 */
export function scalarCell(column: ColumnInfo, datum: Datum | undefined): ScalarCell {
  if (!datum || datum.NullValue || datum.ScalarValue === undefined) return null;
  const value = datum.ScalarValue;
  switch (column.Type?.ScalarType) {
    case 'DOUBLE':
    case 'BIGINT':
    case 'INTEGER':
      return Number(value);
    case 'BOOLEAN':
      return value === 'true';
    case 'TIMESTAMP':
      return Date.parse(`${value.slice(0, 23).replace(' ', 'T')}Z`);
    default:
      return value;
  }
}

/**
 * Runs a query to its end, following NextToken (pages may be empty and still carry a token), and yields
 * each page's rows as objects keyed by column name.
 */
async function* queryPages(client: TimestreamQueryClient, sql: string): AsyncGenerator<QueryRow[]> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new QueryCommand({ QueryString: sql, NextToken: nextToken }));
    const columns = page.ColumnInfo ?? [];
    yield (page.Rows ?? []).map((row) => {
      const out: QueryRow = {};
      columns.forEach((column, i) => {
        out[column.Name ?? `_col${i}`] = scalarCell(column, row.Data?.[i]);
      });
      return out;
    });
    nextToken = page.NextToken;
  } while (nextToken);
}

/** Every row of a query (for results known to be small, such as aggregates). */
export async function queryAll(client: TimestreamQueryClient, sql: string): Promise<QueryRow[]> {
  const rows: QueryRow[] = [];
  for await (const page of queryPages(client, sql)) rows.push(...page);
  return rows;
}

/** Quotes an identifier for Timestream SQL ("db"."table", "deviceId"). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for Timestream SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
