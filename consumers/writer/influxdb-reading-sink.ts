import {
  type InfluxDbClient,
  InfluxDbHttpError,
  InfluxDbNetworkError,
  InfluxQlError,
} from '#adapters/influxdb-client';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { RetriesExhaustedError, retry } from '#adapters/retry';
import { LinePrecision, recordLine } from '#core/line-protocol';
import type { ReadingSink, RecordOutcome, WriteRequest } from './reading-sink';

/**
 * The InfluxDB server refused the writer's credentials or does not have the database: a fault of the
 * deployment, not of the readings. Records fail (the batch is retried, nothing is lost, nothing is
 * dead-lettered) and the writer logs it as an error until it is fixed.
 */
export class InfluxDbConfigurationError extends Error {
  override readonly name = 'InfluxDbConfigurationError';
}

export interface InfluxDbReadingSinkOptions {
  readonly client: InfluxDbClient;
  readonly database: string;
  /** The raw table's name, used as the measurement. */
  readonly measurement: string;
  /** Write requests in flight at once. */
  readonly concurrency: number;
  /** Lines per write request (InfluxData suggests batches of about 5,000 lines). @default 5000 */
  readonly maxLines?: number;
  /** Create the database on the first write when it is missing (`CREATE DATABASE`). @default true */
  readonly createDatabase?: boolean;
  readonly observer?: {
    onWrite?(latencyMs: number, records: number): void;
    onRetry?(error: unknown): void;
  };
  readonly retry?: { baseDelayMs?: number; maxDelayMs?: number };
}

/** A record to write: its line and where its outcome goes. */
type Pending = { readonly line: string; readonly request: number; readonly record: number };

/** Throttling (429), server errors (5xx) and network failures are worth another attempt; nothing else is. */
function isRetryable(error: unknown): boolean {
  if (error instanceof InfluxDbHttpError) return error.retryable;
  return error instanceof InfluxDbNetworkError;
}

/** Write rejections that concern the lines themselves: the batch is bisected down to the refused lines. */
function isLineRejection(error: unknown): error is InfluxDbHttpError {
  return (
    error instanceof InfluxDbHttpError &&
    (error.status === 400 || error.status === 422 || error.status === 413)
  );
}

/**
 * Adapter of the {@link ReadingSink} port for InfluxDB (1.x, 2 with a DBRP mapping, 3, Amazon Timestream for
 * InfluxDB): each record becomes one line-protocol line (measurement = the raw table, tags = deviceId and the
 * dimensions, fields = the canonical measures as floats, time in ms), sent in gzipped batches of up to
 * `maxLines` lines with `POST /write?db=...&precision=ms` (`ns` for a batch with sub-millisecond times).
 *
 * - 429, 5xx and network errors are retried with the shared backoff until the deadline, then the records fail
 *   (the event source retries the batch).
 * - 400/422/413 (a line the server refuses: a field type conflict, a malformed line, a partial write) bisects
 *   the batch until the refused lines are alone; those are `rejected` with the server's message (the
 *   dead-letter sink gets them), the rest is written. InfluxDB 1.x's "partial write" answer does not say
 *   which line failed, hence the bisection; lines written twice on the way are harmless (same series, same
 *   time: the last write wins with the same values).
 * - 401/403 (token) and 404 (database) fail every record with {@link InfluxDbConfigurationError}: a
 *   configuration error, never dead letters.
 * - A record line protocol cannot carry (a tag value with a line break, or a trailing backslash; the ingest
 *   refuses those at the door) is rejected with the reason, never sent.
 */
export class InfluxDbReadingSink implements ReadingSink {
  private database: Promise<void> | undefined;

  constructor(private readonly options: InfluxDbReadingSinkOptions) {}

  async write(
    requests: readonly WriteRequest[],
    { deadline }: { deadline: number },
  ): Promise<RecordOutcome[][]> {
    const outcomes: RecordOutcome[][] = requests.map((r) => r.records.map(() => written));
    const byPrecision: Record<LinePrecision, Pending[]> = { ms: [], ns: [] };
    requests.forEach((request, r) => {
      request.records.forEach((record, i) => {
        const line = recordLine(this.options.measurement, request.commonAttributes, record);
        if (line.ok) byPrecision[line.precision].push({ line: line.line, request: r, record: i });
        else outcomes[r]![i] = { status: 'rejected', reason: `not stored in InfluxDB: ${line.reason}` };
      });
    });
    const maxLines = this.options.maxLines ?? 5_000;
    const batches: { precision: LinePrecision; lines: Pending[] }[] = [];
    for (const precision of [LinePrecision.milliseconds, LinePrecision.nanoseconds]) {
      const all = byPrecision[precision];
      for (let start = 0; start < all.length; start += maxLines) {
        batches.push({ precision, lines: all.slice(start, start + maxLines) });
      }
    }
    if (batches.length === 0) return outcomes;
    try {
      await this.ensureDatabase(deadline);
    } catch (error) {
      const failed: RecordOutcome = { status: 'failed', error: asError(error) };
      for (const b of batches) for (const p of b.lines) outcomes[p.request]![p.record] = failed;
      return outcomes;
    }
    await mapWithConcurrency(batches, this.options.concurrency, (batch) =>
      this.writeBatch(batch.lines, batch.precision, deadline, outcomes),
    );
    return outcomes;
  }

  /** Writes lines; on a line rejection, bisects until each refused line is alone. */
  private async writeBatch(
    lines: readonly Pending[],
    precision: LinePrecision,
    deadline: number,
    outcomes: RecordOutcome[][],
  ): Promise<void> {
    const settle = (outcome: RecordOutcome, of: readonly Pending[] = lines) => {
      for (const p of of) outcomes[p.request]![p.record] = outcome;
    };
    try {
      await this.send(lines, precision, deadline);
    } catch (error) {
      if (isLineRejection(error)) {
        if (lines.length === 1) {
          settle({ status: 'rejected', reason: `InfluxDB refused the point: ${error.serverMessage}` });
          return;
        }
        const half = Math.ceil(lines.length / 2);
        await this.writeBatch(lines.slice(0, half), precision, deadline, outcomes);
        await this.writeBatch(lines.slice(half), precision, deadline, outcomes);
        return;
      }
      settle({ status: 'failed', error: this.explain(error) });
    }
  }

  private async send(lines: readonly Pending[], precision: LinePrecision, deadline: number) {
    const { client, database, observer } = this.options;
    const body = lines.map((p) => p.line).join('\n');
    await retry(
      async () => {
        const started = performance.now();
        try {
          await client.write(database, body, precision);
        } finally {
          observer?.onWrite?.(performance.now() - started, lines.length);
        }
      },
      {
        deadline,
        isRetryable,
        onRetry: (e) => observer?.onRetry?.(e),
        baseDelayMs: this.options.retry?.baseDelayMs ?? 100,
        maxDelayMs: this.options.retry?.maxDelayMs ?? 2_000,
      },
    );
  }

  /** Creates the database once per sink (a no-op when it exists); a failure is tried again on the next write. */
  private ensureDatabase(deadline: number): Promise<void> {
    if (this.options.createDatabase === false) return Promise.resolve();
    if (this.database === undefined) {
      const { client, database } = this.options;
      const pending = retry(
        async () => {
          try {
            await client.createDatabase(database);
          } catch (error) {
            // InfluxDB 3 and 2 have no CREATE DATABASE over the v1 API (3 creates the database on the first
            // write; 2 needs a bucket and a DBRP mapping): a refused statement is left to the write to judge.
            if (error instanceof InfluxQlError) return;
            const refused = error instanceof InfluxDbHttpError && !error.retryable;
            if (refused && error.status !== 401 && error.status !== 403) return;
            throw error;
          }
        },
        {
          deadline,
          isRetryable,
          onRetry: (e) => this.options.observer?.onRetry?.(e),
          baseDelayMs: this.options.retry?.baseDelayMs ?? 100,
          maxDelayMs: this.options.retry?.maxDelayMs ?? 2_000,
        },
      ).catch((error: unknown) => {
        this.database = undefined;
        throw this.explain(error);
      });
      this.database = pending;
    }
    return this.database;
  }

  /** A failure as the writer reports it: credentials and a missing database are named as what to fix. */
  private explain(error: unknown): Error {
    const { database, client } = this.options;
    const cause = error instanceof RetriesExhaustedError ? error.cause : error;
    if (cause instanceof InfluxDbHttpError && (cause.status === 401 || cause.status === 403)) {
      return new InfluxDbConfigurationError(
        `InfluxDB at ${client.url} refused the writer's credentials (${cause.status}: ${cause.serverMessage}): ` +
          'set INFLUXDB_TOKEN (or INFLUXDB_TOKEN_SECRET_ARN) to a token allowed to write to the database ' +
          `"${database}"; the readings wait in the stream meanwhile`,
        { cause },
      );
    }
    if (cause instanceof InfluxDbHttpError && cause.status === 404) {
      return new InfluxDbConfigurationError(
        `InfluxDB at ${client.url} has no database "${database}" (${cause.serverMessage}): create it, or set ` +
          'INFLUXDB_DATABASE to one that exists (on InfluxDB 2, a bucket with a DBRP mapping of that name); ' +
          'the readings wait in the stream meanwhile',
        { cause },
      );
    }
    return asError(error);
  }
}

const written: RecordOutcome = Object.freeze({ status: 'written' });

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
