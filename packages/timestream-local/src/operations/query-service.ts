import { randomUUID } from 'node:crypto';
import type { ColumnInfo, Row } from '@aws-sdk/client-timestream-query';
import { queryResultTtlMs, TimestreamLimits } from '../constants';
import { TimestreamServiceError, ValidationException } from '../errors';
import { RowsText } from '../sql/rows-text';

/** What the SQL engine answers for one query string (see sql/index.ts). */
export interface QueryResult {
  readonly columnInfo: ColumnInfo[];
  /** the rows as their JSON text */
  readonly rowsText: RowsText;
  readonly bytesScanned: number;
}

/** Runs one Timestream SQL query (the SQL engine, bound to a connection). */
export interface QueryRunner {
  /** Sets up its connection's session (before DuckDB's configuration is locked); optional. */
  prepare?(): Promise<void>;
  /** Runs a query; when `signal` aborts, stops it and rejects with the signal's reason. */
  execute(sql: string, signal?: AbortSignal): Promise<QueryResult>;
}

/** How long queries may run and how long a Query call waits for its result. */
export interface QueryLimits {
  /** a query still running this long after it arrived is stopped (Timestream: 60 s) */
  readonly timeoutMs: number;
  /**
   * how long a Query call waits for the result before it answers an empty page with the QueryId and a
   * NextToken (the client asks again with it, or cancels the query with CancelQuery)
   */
  readonly pageWaitMs: number;
}

/** Timestream's query timeout. */
const defaultQueryTimeoutMs = 60_000;
const defaultLimits: QueryLimits = { timeoutMs: defaultQueryTimeoutMs, pageWaitMs: 10_000 };

export interface QueryRequest {
  readonly QueryString: string;
  readonly MaxRows?: number;
  readonly NextToken?: string;
}

/** A page of the Query API's answer; its rows stay JSON text until sent (see {@link queryResponseChunks}). */
export interface QueryResponse {
  QueryId: string;
  NextToken?: string;
  /** the page's rows, as the JSON array's items, in pieces (views of the query's rows' text) */
  RowsText: readonly Buffer[];
  ColumnInfo: ColumnInfo[];
  QueryStatus: { ProgressPercentage: number; CumulativeBytesScanned: number; CumulativeBytesMetered: number };
}

const rowsEnd = Buffer.from(']}');
const noRows = RowsText.fromRows([]);

/**
 * The Query API's JSON body for a page, as the pieces to send one after the other: the rows' text goes out as
 * it is, never re-serialized nor copied.
 */
export function queryResponseChunks(response: QueryResponse): Buffer[] {
  const { RowsText: rows, ...rest } = response;
  const head = JSON.stringify(rest);
  return [Buffer.from(`${head.slice(0, -1)},"Rows":[`), ...rows, rowsEnd];
}

/** The Query API's JSON body for a page, in one buffer. */
export function queryResponseBody(response: QueryResponse): Buffer {
  return Buffer.concat(queryResponseChunks(response));
}

/** A page's rows as objects (for callers inside the process, and tests). */
export function queryResponseRows(response: QueryResponse): Row[] {
  return JSON.parse(`[${Buffer.concat(response.RowsText).toString('utf8')}]`) as Row[];
}

interface StoredResult {
  readonly queryId: string;
  readonly queryString: string;
  /** set when the query has finished */
  result?: QueryResult;
  /** the query's end: resolves when it finished, rejects with its error */
  done: Promise<void>;
  /** stops the running query with a reason (timeout, CancelQuery, client gone) */
  readonly stop: AbortController;
  expiresAt: number;
  cancelled: boolean;
}

/** Resolves after `ms` or when `signal` aborts, whichever is first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The Query protocol around the SQL engine: a QueryId per query, pages of at most MaxRows rows and about
 * 1 MB, NextToken tied to its query string (another query string with it is "Invalid pagination token"),
 * results kept per token until they expire, and CancelQuery.
 * Queries run on a small pool of runners (each its own DuckDB connection). A new query first waits for
 * `beforeQuery` (the store's journal apply up to the writes answered before it: read-your-writes).
 * A query still running after `timeoutMs` is stopped; a Query call answers an empty page with a NextToken
 * when the result takes longer than `pageWaitMs`; a client that disconnects while its call waits on the
 * query stops it.
 */
export class QueryService {
  private readonly results = new Map<string, StoredResult>();
  private readonly tokens = new Map<string, { queryId: string; offset: number }>();
  private readonly idle: QueryRunner[];
  private readonly waiting: Array<{ take: (r: QueryRunner) => void; signal: AbortSignal }> = [];
  private running = 0;
  private readonly limits: QueryLimits;

  constructor(
    runners: readonly QueryRunner[],
    private readonly now: () => number = Date.now,
    private readonly beforeQuery: () => Promise<void> = () => Promise.resolve(),
    limits: Partial<QueryLimits> = {},
  ) {
    if (runners.length === 0) throw new Error('QueryService needs at least one query runner');
    this.idle = [...runners];
    this.limits = { ...defaultLimits, ...limits };
  }

  /** Rows of finished queries kept for the pages still to be asked for with their NextToken. */
  get keptRows(): number {
    let rows = 0;
    for (const stored of this.results.values()) rows += stored.result?.rowsText.count ?? 0;
    return rows;
  }

  /** Queries DuckDB is running now (not those waiting for a connection). */
  get runningQueries(): number {
    return this.running;
  }

  /** `signal`: aborts when the client that sent this call disconnects. */
  async query(request: QueryRequest, signal?: AbortSignal): Promise<QueryResponse> {
    // taken at arrival: the writes answered before this query are the ones it must see
    const ready = request.NextToken === undefined ? this.beforeQuery() : undefined;
    ready?.catch(() => undefined);
    this.expire();
    const { QueryString, MaxRows, NextToken } = request;
    if (typeof QueryString !== 'string' || QueryString.length === 0) {
      throw new ValidationException(
        "1 validation error detected: Value null at 'queryString' failed to satisfy constraint: Member must not be null",
      );
    }
    if (QueryString.length > TimestreamLimits.queryStringChars) {
      throw new ValidationException(
        `1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to ${TimestreamLimits.queryStringChars}`,
      );
    }
    if (
      MaxRows !== undefined &&
      (!Number.isInteger(MaxRows) || MaxRows < 1 || MaxRows > TimestreamLimits.maxRowsPerPage)
    ) {
      throw new ValidationException(
        `1 validation error detected: Value '${MaxRows}' at 'maxRows' failed to satisfy constraint: Member must have value between 1 and ${TimestreamLimits.maxRowsPerPage}`,
      );
    }
    if (NextToken !== undefined) {
      const position = this.tokens.get(NextToken);
      const stored = position && this.results.get(position.queryId);
      if (!position || !stored || stored.queryString !== QueryString) {
        throw new ValidationException('Invalid pagination token');
      }
      if (stored.cancelled) throw new ValidationException(`Query ${stored.queryId} was cancelled.`);
      this.tokens.delete(NextToken);
      return this.answer(stored, position.offset, MaxRows, signal);
    }
    const queryId = `AEDQ${randomUUID().replaceAll('-', '').toUpperCase()}`;
    const stop = new AbortController();
    const timer = setTimeout(
      () =>
        stop.abort(
          new ValidationException(
            `Query ${queryId} was stopped: it ran longer than the query timeout of ${this.limits.timeoutMs} ms. Narrow its time range or aggregate more (the local Timestream's timeout is TIMESTREAM_QUERY_TIMEOUT_MS).`,
          ),
        ),
      this.limits.timeoutMs,
    );
    const stored: StoredResult = {
      queryId,
      queryString: QueryString,
      done: Promise.resolve(),
      stop,
      expiresAt: this.now() + queryResultTtlMs,
      cancelled: false,
    };
    stored.done = this.complete(stored, ready, timer);
    stored.done.catch(() => undefined);
    this.results.set(queryId, stored);
    return this.answer(stored, 0, MaxRows, signal);
  }

  /** Runs a stored query once the writes before it are applied, keeping its result. */
  private async complete(stored: StoredResult, ready: Promise<void> | undefined, timer: NodeJS.Timeout) {
    try {
      await ready;
      const result = await this.run(stored.queryString, stored.stop.signal);
      stored.result = result;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops every query still running (the service is closing). */
  stopAll(): void {
    for (const stored of this.results.values()) {
      if (stored.result === undefined)
        stored.stop.abort(
          new ValidationException(`Query ${stored.queryId} was stopped: the service is closing.`),
        );
    }
  }

  /** Cancels a query: a running one is stopped, the remaining pages of a finished one are refused. */
  cancel(queryId: unknown): { CancellationMessage: string } {
    this.expire();
    if (typeof queryId !== 'string' || queryId.length === 0) {
      throw new ValidationException(
        "1 validation error detected: Value null at 'queryId' failed to satisfy constraint: Member must not be null",
      );
    }
    const stored = this.results.get(queryId);
    if (!stored) {
      throw new ValidationException(`The query ${queryId} does not exist or its results have expired.`);
    }
    stored.cancelled = true;
    // its tokens stay until the result expires, so that asking with one says the query was cancelled
    stored.stop.abort(new ValidationException(`Query ${queryId} was cancelled.`));
    return { CancellationMessage: `Query ${queryId} has been cancelled.` };
  }

  /**
   * The page at `offset` once the query has finished, or an empty page with a NextToken when it is still
   * running after the page wait. A client gone while waiting stops the query.
   */
  private async answer(
    stored: StoredResult,
    offset: number,
    maxRows: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<QueryResponse> {
    if (stored.result === undefined) {
      const clientGone = () =>
        stored.stop.abort(
          new ValidationException(`Query ${stored.queryId} was stopped: its client closed the connection.`),
        );
      signal?.addEventListener('abort', clientGone, { once: true });
      if (signal?.aborted) clientGone();
      const waited = new AbortController();
      try {
        await Promise.race([stored.done, pause(this.limits.pageWaitMs, waited.signal)]);
      } catch (error) {
        this.results.delete(stored.queryId);
        throw error;
      } finally {
        waited.abort();
        signal?.removeEventListener('abort', clientGone);
      }
    }
    if (stored.result === undefined) return this.progressPage(stored);
    return this.page(stored, offset, maxRows);
  }

  /** An empty page of a query still running: its QueryId and a NextToken to ask again. */
  private progressPage(stored: StoredResult): QueryResponse {
    const token = randomUUID();
    this.tokens.set(token, { queryId: stored.queryId, offset: 0 });
    stored.expiresAt = this.now() + queryResultTtlMs;
    return {
      QueryId: stored.queryId,
      NextToken: token,
      RowsText: [],
      ColumnInfo: [],
      QueryStatus: { ProgressPercentage: 0, CumulativeBytesScanned: 0, CumulativeBytesMetered: 0 },
    };
  }

  private async run(sql: string, signal: AbortSignal): Promise<QueryResult> {
    const runner = await this.acquire(signal);
    this.running++;
    try {
      return await runner.execute(sql, signal);
    } catch (error) {
      if (error instanceof TimestreamServiceError) throw error;
      const failure = new ValidationException(
        `The query failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      failure.cause = error;
      throw failure;
    } finally {
      this.running--;
      this.release(runner);
    }
  }

  /** An idle runner, else the next one released; rejects with the signal's reason if it aborts first. */
  private acquire(signal: AbortSignal): Promise<QueryRunner> {
    signal.throwIfAborted();
    const runner = this.idle.pop();
    if (runner) return Promise.resolve(runner);
    return new Promise((resolve, reject) => {
      const waiter = {
        signal,
        take: (r: QueryRunner) => {
          signal.removeEventListener('abort', gone);
          resolve(r);
        },
      };
      const gone = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', gone, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(runner: QueryRunner): void {
    const next = this.waiting.shift();
    if (next) next.take(runner);
    else this.idle.push(runner);
  }

  private page(stored: StoredResult, offset: number, maxRows: number | undefined): QueryResponse {
    const { rowsText: rows, columnInfo, bytesScanned } = stored.result as QueryResult;
    const end = rows.pageEnd(offset, maxRows ?? Number.POSITIVE_INFINITY, TimestreamLimits.pageBytes);
    const response: QueryResponse = {
      QueryId: stored.queryId,
      RowsText: rows.pieces(offset, end),
      ColumnInfo: columnInfo,
      QueryStatus: {
        ProgressPercentage: 100,
        CumulativeBytesScanned: bytesScanned,
        CumulativeBytesMetered: Math.max(bytesScanned, TimestreamLimits.minBytesMetered),
      },
    };
    if (end < rows.count) {
      const token = randomUUID();
      this.tokens.set(token, { queryId: stored.queryId, offset: end });
      stored.expiresAt = this.now() + queryResultTtlMs;
      response.NextToken = token;
    } else {
      // the last page: no token can ask for these rows again, so they are let go now rather than when the
      // result expires (the query itself is still known, to CancelQuery)
      stored.result = { columnInfo, rowsText: noRows, bytesScanned };
    }
    return response;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, r] of this.results) {
      if (r.expiresAt > now) continue;
      r.stop.abort(new ValidationException(`Query ${id} was stopped: its results expired unread.`));
      this.results.delete(id);
    }
    for (const [token, p] of this.tokens) if (!this.results.has(p.queryId)) this.tokens.delete(token);
  }
}
