import type { ColumnInfo, Row } from '@aws-sdk/client-timestream-query';
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { InternalServerException, TimestreamServiceError, ValidationException } from '../errors';
import type { QueryCatalog } from '../storage/catalog';
import { estimateBytesScanned } from './bytes-scanned';
import { isMetadataStatement, runMetadataStatement } from './metadata';
import { columnInfoOf, type FormattedResult, formatResult } from './result-format';
import { rowsJsonQuery } from './result-json-sql';
import { RowsText } from './rows-text';
import { positionPrefix, type Token, TokenKind, tokenize } from './tokenizer';
import { Translator } from './translator';

/** The complete answer to one query (the Query API's pagination is done by the caller). */
export interface QueryResultSet {
  readonly columnInfo: ColumnInfo[];
  /** the rows as the JSON text the Query API sends */
  readonly rowsText: RowsText;
  /** the rows as objects, parsed from `rowsText` when first read */
  readonly rows: Row[];
  /** Estimate of the bytes Timestream would have scanned (see bytes-scanned.ts). */
  readonly bytesScanned: number;
}

function resultSet(columnInfo: ColumnInfo[], rowsText: RowsText, bytesScanned: number): QueryResultSet {
  let rows: Row[] | undefined;
  return {
    columnInfo,
    rowsText,
    bytesScanned,
    get rows() {
      rows ??= rowsText.toRows();
      return rows;
    },
  };
}

export interface QueryEngineOptions {
  readonly connection: DuckDBConnection;
  readonly catalog: QueryCatalog;
  /** Clock in nanoseconds since the epoch; read once per query, so every now()/ago() in it agree. */
  readonly now?: () => bigint;
}

export interface QueryEngine {
  /** Sets the connection's session up (Trino's integer division); done by the first query when not called. */
  prepare(): Promise<void>;
  /**
   * Runs one Timestream SQL statement; user errors are thrown as ValidationException. When `signal` aborts,
   * DuckDB is interrupted and the call rejects with the signal's reason.
   */
  execute(sql: string, signal?: AbortSignal): Promise<QueryResultSet>;
}

/** How often a stopped query's interrupt is repeated until DuckDB returns. */
const interruptRepeatMs = 50;

const systemNowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function tokenAt(tokens: readonly Token[], name: string): Token | undefined {
  const wanted = name.toLowerCase();
  const typed = /^measure_value::(\w+)$/.exec(wanted);
  if (typed !== null) {
    return tokens.find(
      (t, i) =>
        t.value === 'measure_value' && tokens[i + 1]?.value === '::' && tokens[i + 2]?.value === typed[1],
    );
  }
  return tokens.find(
    (t) => (t.kind === TokenKind.Word || t.kind === TokenKind.Quoted) && t.value.toLowerCase() === wanted,
  );
}

/** Maps a DuckDB error on a translated query to the error Timestream gives, positioned in the user's SQL. */
function toServiceError(error: unknown, tokens: readonly Token[]): TimestreamServiceError {
  if (error instanceof TimestreamServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // WITH queries run under generated names (see Translator): the user's own names in messages
  const firstLine = (message.split('\n')[0] ?? message)
    .trim()
    .replace(/__ts_with_(\d+)/g, (generated, at: string) => tokens[Number(at)]?.value ?? generated);
  const where = (name: string) => {
    const t = tokenAt(tokens, name);
    return t ? positionPrefix(t) : '';
  };
  let m =
    /Referenced column "([^"]+)" not found/.exec(firstLine) ??
    /does not have a column named "([^"]+)"/.exec(firstLine);
  if (m?.[1] !== undefined)
    return new ValidationException(`${where(m[1])}Column '${m[1]}' cannot be resolved`);
  m = /Referenced table "([^"]+)" not found/.exec(firstLine);
  if (m?.[1] !== undefined)
    return new ValidationException(`${where(m[1])}Table or alias '${m[1]}' cannot be resolved`);
  m = /column "([^"]+)" must appear in the GROUP BY clause/.exec(firstLine);
  if (m?.[1] !== undefined)
    return new ValidationException(
      `${where(m[1])}'${m[1]}' must be an aggregate expression or appear in GROUP BY clause`,
    );
  m = /syntax error at or near "([^"]*)"/.exec(firstLine);
  if (m?.[1] !== undefined) {
    const near = m[1];
    const t = tokens.find((x) => x.text.toLowerCase() === near.toLowerCase());
    return new ValidationException(`${t ? positionPrefix(t) : ''}mismatched input '${near}'`);
  }
  // an error raised by the translated SQL itself (see Translator.divisor): its message is Timestream's
  m = /Could not convert string '__ts_error: ([^']*)'/.exec(firstLine);
  if (m?.[1] !== undefined) return new ValidationException(m[1]);
  if (
    /^(Binder|Parser|Conversion|Invalid Input|Out of Range|Catalog|Not implemented) Error/.test(firstLine)
  ) {
    return new ValidationException(firstLine.replace(/^[A-Za-z ]+ Error: /, ''));
  }
  const internal = new InternalServerException(`The query could not be run: ${firstLine}`);
  internal.cause = error;
  return internal;
}

/**
 * Runs a translated query and writes its rows as JSON text: by DuckDB where every column's type allows it
 * (result-json-sql.ts), else by result-format.ts from the result's values.
 */
async function runFormatted(connection: DuckDBConnection, sql: string): Promise<FormattedResult> {
  const prepared = await connection.prepare(sql);
  const names: string[] = [];
  const types: DuckDBType[] = [];
  try {
    for (let i = 0; i < prepared.columnCount; i++) {
      names.push(prepared.columnName(i));
      types.push(prepared.columnType(i));
    }
  } finally {
    prepared.destroySync();
  }
  const inDuckDB = rowsJsonQuery(sql, types);
  if (inDuckDB !== undefined) {
    const rows = inDuckDB.read(await connection.run(inDuckDB.sql));
    return { columnInfo: columnInfoOf(names, types), rows };
  }
  const result = await connection.run(sql);
  return formatResult(result.columnNames(), result.columnTypes(), result);
}

/**
 * The Query API's SQL engine: Timestream SQL in, Timestream-shaped results out, computed by DuckDB over the
 * storage tables the catalog describes. SHOW/DESCRIBE are answered from the catalog.
 *
 * Trino divides integers as integers, so the engine's connection (its own) runs with DuckDB's
 * `integer_division` on, set by {@link QueryEngine.prepare} before DuckDB's configuration is locked.
 * Queries of one engine run one after another.
 *
 * @example
 * const engine = createQueryEngine({ connection, catalog });
 * const { columnInfo, rows } = await engine.execute('SELECT count(*) FROM "RoomCondition"."conditions"');
 */
export function createQueryEngine(opts: QueryEngineOptions): QueryEngine {
  const now = opts.now ?? systemNowNs;
  let queue: Promise<unknown> = Promise.resolve();
  let prepared: Promise<void> | undefined;
  const prepare = () => {
    prepared ??= opts.connection.run('SET integer_division = true').then(() => undefined);
    return prepared;
  };
  const runQuery = async (sql: string, signal: AbortSignal | undefined): Promise<QueryResultSet> => {
    const tokens = tokenize(sql);
    const first = tokens[0];
    if (first === undefined) throw new ValidationException('line 1:1: empty query: nothing to run');
    if (isMetadataStatement(tokens)) {
      const { columnInfo, rows } = runMetadataStatement(tokens, opts.catalog);
      return resultSet(columnInfo, RowsText.fromRows(rows), 0);
    }
    const startsQuery =
      (first.kind === TokenKind.Word && (first.value === 'select' || first.value === 'with')) ||
      (first.kind === TokenKind.Symbol && first.value === '(');
    if (!startsQuery) {
      throw new ValidationException(
        `${positionPrefix(first)}Statement '${first.text.toUpperCase()}' is not supported: only SELECT, WITH, SHOW and DESCRIBE`,
      );
    }
    const translation = new Translator(tokens, opts.catalog, now()).translate();
    await prepare();
    signal?.throwIfAborted();
    // DuckDB forgets an interrupt that comes before its worker thread has begun the query (it clears the flag
    // when a query starts), so the interrupt is repeated until the call returns
    let repeat: NodeJS.Timeout | undefined;
    const interrupt = () => {
      opts.connection.interrupt();
      repeat ??= setInterval(() => opts.connection.interrupt(), interruptRepeatMs);
    };
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const { columnInfo, rows } = await runFormatted(opts.connection, translation.sql);
      signal?.throwIfAborted();
      const bytesScanned = await estimateBytesScanned(opts.connection, translation.tables);
      return resultSet(columnInfo, rows, bytesScanned);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toServiceError(error, tokens);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      clearInterval(repeat);
    }
  };
  return {
    prepare,
    execute(sql: string, signal?: AbortSignal): Promise<QueryResultSet> {
      const result = queue.then(() => runQuery(sql, signal));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
