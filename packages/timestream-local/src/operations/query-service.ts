import { randomUUID } from 'node:crypto';
import type { ColumnInfo, Row } from '@aws-sdk/client-timestream-query';
import { queryResultTtlMs, TimestreamLimits } from '../constants';
import { TimestreamServiceError, ValidationException } from '../errors';

/** What the SQL engine answers for one query string (see sql/index.ts). */
export interface QueryResult {
  readonly columnInfo: ColumnInfo[];
  readonly rows: Row[];
  readonly bytesScanned: number;
}

/** Runs one Timestream SQL query (the SQL engine, bound to a connection). */
export interface QueryRunner {
  execute(sql: string): Promise<QueryResult>;
}

export interface QueryRequest {
  readonly QueryString: string;
  readonly MaxRows?: number;
  readonly NextToken?: string;
}

export interface QueryResponse {
  QueryId: string;
  NextToken?: string;
  Rows: Row[];
  ColumnInfo: ColumnInfo[];
  QueryStatus: { ProgressPercentage: number; CumulativeBytesScanned: number; CumulativeBytesMetered: number };
}

/** Size of a row on the wire, estimated without serializing it (scalars are most of it). */
function rowSize(row: Row): number {
  let size = 12;
  for (const d of row.Data ?? []) {
    size += d.ScalarValue !== undefined ? d.ScalarValue.length + 20 : JSON.stringify(d).length + 2;
  }
  return size;
}

interface StoredResult {
  readonly queryId: string;
  readonly queryString: string;
  readonly result: QueryResult;
  /** JSON size of each row, for ~1 MB pages */
  readonly rowBytes: number[];
  expiresAt: number;
  cancelled: boolean;
}

/**
 * The Query protocol around the SQL engine: a QueryId per query, pages of at most MaxRows rows and about
 * 1 MB, NextToken tied to its query string (another query string with it is "Invalid pagination token"),
 * results kept per token until they expire, and CancelQuery.
 * Queries run on a small pool of runners (each its own DuckDB connection). A new query first waits for
 * `beforeQuery` (the store's journal apply up to the writes answered before it: read-your-writes).
 */
export class QueryService {
  private readonly results = new Map<string, StoredResult>();
  private readonly tokens = new Map<string, { queryId: string; offset: number }>();
  private readonly idle: QueryRunner[];
  private readonly waiting: Array<(r: QueryRunner) => void> = [];

  constructor(
    runners: readonly QueryRunner[],
    private readonly now: () => number = Date.now,
    private readonly beforeQuery: () => Promise<void> = () => Promise.resolve(),
  ) {
    if (runners.length === 0) throw new Error('QueryService needs at least one query runner');
    this.idle = [...runners];
  }

  async query(request: QueryRequest): Promise<QueryResponse> {
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
      return this.page(stored, position.offset, MaxRows);
    }
    await ready;
    const result = await this.run(QueryString);
    const stored: StoredResult = {
      queryId: `AEDQ${randomUUID().replaceAll('-', '').toUpperCase()}`,
      queryString: QueryString,
      result,
      rowBytes: result.rows.map(rowSize),
      expiresAt: this.now() + queryResultTtlMs,
      cancelled: false,
    };
    this.results.set(stored.queryId, stored);
    return this.page(stored, 0, MaxRows);
  }

  /** Cancels a query: its remaining pages are dropped. */
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
    for (const [token, p] of this.tokens) if (p.queryId === queryId) this.tokens.delete(token);
    return { CancellationMessage: `Query ${queryId} has been cancelled.` };
  }

  private async run(sql: string): Promise<QueryResult> {
    const runner =
      this.idle.pop() ?? (await new Promise<QueryRunner>((resolve) => this.waiting.push(resolve)));
    try {
      return await runner.execute(sql);
    } catch (error) {
      if (error instanceof TimestreamServiceError) throw error;
      const failure = new ValidationException(
        `The query failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      failure.cause = error;
      throw failure;
    } finally {
      const next = this.waiting.shift();
      if (next) next(runner);
      else this.idle.push(runner);
    }
  }

  private page(stored: StoredResult, offset: number, maxRows: number | undefined): QueryResponse {
    const { rows, columnInfo, bytesScanned } = stored.result;
    const limit = maxRows ?? Number.POSITIVE_INFINITY;
    let end = offset;
    let bytes = 0;
    while (end < rows.length && end - offset < limit) {
      const size = stored.rowBytes[end]!;
      if (end > offset && bytes + size > TimestreamLimits.pageBytes) break;
      bytes += size;
      end++;
    }
    const response: QueryResponse = {
      QueryId: stored.queryId,
      Rows: rows.slice(offset, end),
      ColumnInfo: columnInfo,
      QueryStatus: {
        ProgressPercentage: 100,
        CumulativeBytesScanned: bytesScanned,
        CumulativeBytesMetered: Math.max(bytesScanned, TimestreamLimits.minBytesMetered),
      },
    };
    if (end < rows.length) {
      const token = randomUUID();
      this.tokens.set(token, { queryId: stored.queryId, offset: end });
      stored.expiresAt = this.now() + queryResultTtlMs;
      response.NextToken = token;
    }
    return response;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, r] of this.results) if (r.expiresAt <= now) this.results.delete(id);
    for (const [token, p] of this.tokens) if (!this.results.has(p.queryId)) this.tokens.delete(token);
  }
}
