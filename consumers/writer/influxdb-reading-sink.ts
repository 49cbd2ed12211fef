import {
  type InfluxDbClient,
  InfluxDbHttpError,
  InfluxDbNetworkError,
  InfluxQlError,
} from '#adapters/influxdb-client';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { RetriesExhaustedError, retry } from '#adapters/retry';
import { LinePrecision, ReadingLines, recordLine } from '#core/line-protocol';
import {
  type ReadingBatch,
  type ReadingSink,
  type RecordOutcome,
  type WriteRequest,
  writtenOutcome,
} from './reading-sink';

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

/** Lines to write in one precision, and the outcome slot of each (`slots[i]` is the slot of `lines[i]`). */
type Lines = { readonly lines: string[]; readonly slots: number[] };

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
 * InfluxDB): each reading (`writeReadings`, the writer's path) becomes one line-protocol line straight from the
 * reading (core's `ReadingLines`: measurement = the raw table, tags = deviceId and the dimensions, fields =
 * the canonical measures as floats, time in ms), in either record layout; each prebuilt record (`write`, the
 * rollup's aggregates) one line too (`recordLine`). Lines go in gzipped batches of up to `maxLines` lines with
 * `POST /write?db=...&precision=ms` (`ns` for a batch with sub-millisecond times).
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
 * - A reading or record line protocol cannot carry (a tag value with a line break, or a trailing backslash; the ingest
 *   refuses those at the door) is rejected with the reason, never sent.
 */
export class InfluxDbReadingSink implements ReadingSink {
  private database: Promise<void> | undefined;
  private readonly lines: ReadingLines;

  constructor(private readonly options: InfluxDbReadingSinkOptions) {
    this.lines = new ReadingLines(options.measurement);
  }

  /** The writer's path: each reading straight to one line (versions are not used: the last write wins). */
  async writeReadings(
    { readings }: ReadingBatch,
    { deadline }: { deadline: number },
  ): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = new Array(readings.length).fill(writtenOutcome);
    const ms: Lines = { lines: [], slots: [] };
    let ns: Lines | undefined;
    for (let i = 0; i < readings.length; i++) {
      const line = this.lines.line(readings[i]!);
      if (!line.ok) outcomes[i] = notStorable(line.reason);
      else if (line.precision === LinePrecision.milliseconds) {
        ms.lines.push(line.line);
        ms.slots.push(i);
      } else {
        ns ??= { lines: [], slots: [] };
        ns.lines.push(line.line);
        ns.slots.push(i);
      }
    }
    await this.writeLines(ms, ns, outcomes, deadline);
    return outcomes;
  }

  /** Prebuilt Timestream-shaped records (the rollup's aggregates), one line per record. */
  async write(
    requests: readonly WriteRequest[],
    { deadline }: { deadline: number },
  ): Promise<RecordOutcome[][]> {
    const outcomes: RecordOutcome[] = [];
    const ms: Lines = { lines: [], slots: [] };
    const ns: Lines = { lines: [], slots: [] };
    for (const request of requests) {
      for (const record of request.records) {
        const slot = outcomes.length;
        outcomes.push(writtenOutcome);
        const line = recordLine(this.options.measurement, request.commonAttributes, record);
        if (!line.ok) outcomes[slot] = notStorable(line.reason);
        else {
          const into = line.precision === LinePrecision.milliseconds ? ms : ns;
          into.lines.push(line.line);
          into.slots.push(slot);
        }
      }
    }
    await this.writeLines(ms, ns, outcomes, deadline);
    let at = 0;
    return requests.map((r) => {
      const from = at;
      at += r.records.length;
      return outcomes.slice(from, at);
    });
  }

  /** Sends the lines in batches of `maxLines`, `concurrency` at a time, and settles `outcomes` by slot. */
  private async writeLines(
    ms: Lines,
    ns: Lines | undefined,
    outcomes: RecordOutcome[],
    deadline: number,
  ): Promise<void> {
    const maxLines = this.options.maxLines ?? 5_000;
    const batches: { precision: LinePrecision; lines: Lines }[] = [];
    for (const [precision, all] of [
      [LinePrecision.milliseconds, ms],
      [LinePrecision.nanoseconds, ns],
    ] as const) {
      if (all === undefined) continue;
      for (let start = 0; start < all.lines.length; start += maxLines) {
        const lines =
          start === 0 && all.lines.length <= maxLines
            ? all
            : {
                lines: all.lines.slice(start, start + maxLines),
                slots: all.slots.slice(start, start + maxLines),
              };
        batches.push({ precision, lines });
      }
    }
    if (batches.length === 0) return;
    try {
      await this.ensureDatabase(deadline);
    } catch (error) {
      const failed: RecordOutcome = { status: 'failed', error: asError(error) };
      for (const b of batches) for (const slot of b.lines.slots) outcomes[slot] = failed;
      return;
    }
    await mapWithConcurrency(batches, this.options.concurrency, (batch) =>
      this.writeBatch(batch.lines, batch.precision, deadline, outcomes),
    );
  }

  /** Writes lines; on a line rejection, bisects until each refused line is alone. */
  private async writeBatch(
    batch: Lines,
    precision: LinePrecision,
    deadline: number,
    outcomes: RecordOutcome[],
  ): Promise<void> {
    try {
      await this.send(batch.lines, precision, deadline);
    } catch (error) {
      if (isLineRejection(error)) {
        if (batch.lines.length === 1) {
          outcomes[batch.slots[0]!] = {
            status: 'rejected',
            reason: `InfluxDB refused the point: ${error.serverMessage}`,
          };
          return;
        }
        const half = Math.ceil(batch.lines.length / 2);
        const part = (from: number, to?: number): Lines => ({
          lines: batch.lines.slice(from, to),
          slots: batch.slots.slice(from, to),
        });
        await this.writeBatch(part(0, half), precision, deadline, outcomes);
        await this.writeBatch(part(half), precision, deadline, outcomes);
        return;
      }
      const failed: RecordOutcome = { status: 'failed', error: this.explain(error) };
      for (const slot of batch.slots) outcomes[slot] = failed;
    }
  }

  private async send(lines: readonly string[], precision: LinePrecision, deadline: number) {
    const { client, database, observer } = this.options;
    const body = lines.join('\n');
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

const notStorable = (reason: string): RecordOutcome => ({
  status: 'rejected',
  reason: `not stored in InfluxDB: ${reason}`,
});

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
