import {
  type InfluxDbClient,
  InfluxDbHttpError,
  InfluxDbNetworkError,
  InfluxQlError,
} from '#adapters/influxdb-client';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { RetriesExhaustedError, retry } from '#adapters/retry';
import { LineBuffer, LinePrecision, ReadingLines, recordLine } from '#core/line-protocol';
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

/**
 * Lines of one precision to send in one request: `size` lines whose outcomes go to `slots`, split in halves
 * to find a line the server refuses.
 */
interface LineBatch {
  readonly size: number;
  readonly slots: readonly number[];
  body(): string | Uint8Array;
  halves(): [LineBatch, LineBatch];
}

/** Lines as strings (prebuilt records). */
class StringLines implements LineBatch {
  constructor(
    private readonly lines: readonly string[],
    readonly slots: readonly number[],
  ) {}
  get size() {
    return this.lines.length;
  }
  body() {
    return this.lines.join('\n');
  }
  halves(): [LineBatch, LineBatch] {
    const half = Math.ceil(this.size / 2);
    return [
      new StringLines(this.lines.slice(0, half), this.slots.slice(0, half)),
      new StringLines(this.lines.slice(half), this.slots.slice(half)),
    ];
  }
}

/** Lines `from`..`to` (exclusive) of a {@link LineBuffer} (readings), sent as its bytes. */
class BufferLines implements LineBatch {
  constructor(
    private readonly buffer: LineBuffer,
    private readonly from: number,
    private readonly to: number,
    readonly slots: readonly number[],
  ) {}
  get size() {
    return this.to - this.from;
  }
  body() {
    return this.buffer.bytes(this.from, this.to);
  }
  halves(): [LineBatch, LineBatch] {
    const half = Math.ceil(this.size / 2);
    return [
      new BufferLines(this.buffer, this.from, this.from + half, this.slots.slice(0, half)),
      new BufferLines(this.buffer, this.from + half, this.to, this.slots.slice(half)),
    ];
  }
}

/** Lines of one precision as built, and the outcome slot of each. */
type Built = { readonly buffer: LineBuffer; readonly slots: number[] };

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
    const ms: Built = { buffer: new LineBuffer(readings.length * 128), slots: [] };
    let ns: Built | undefined;
    for (let i = 0; i < readings.length; i++) {
      const reading = readings[i]!;
      let into = ms;
      if (ReadingLines.precision(reading) === LinePrecision.nanoseconds) {
        ns ??= { buffer: new LineBuffer(), slots: [] };
        into = ns;
      }
      const problem = this.lines.append(reading, into.buffer);
      if (problem !== undefined) outcomes[i] = notStorable(problem);
      else into.slots.push(i);
    }
    const batches = [
      ...this.batches(
        LinePrecision.milliseconds,
        ms.slots.length,
        (from, to) => new BufferLines(ms.buffer, from, to, ms.slots.slice(from, to)),
      ),
      ...(ns === undefined
        ? []
        : this.batches(
            LinePrecision.nanoseconds,
            ns.slots.length,
            (from, to) => new BufferLines(ns.buffer, from, to, ns.slots.slice(from, to)),
          )),
    ];
    await this.writeLines(batches, outcomes, deadline);
    return outcomes;
  }

  /** Prebuilt Timestream-shaped records (the rollup's aggregates), one line per record. */
  async write(
    requests: readonly WriteRequest[],
    { deadline }: { deadline: number },
  ): Promise<RecordOutcome[][]> {
    const outcomes: RecordOutcome[] = [];
    const byPrecision: Record<LinePrecision, { lines: string[]; slots: number[] }> = {
      ms: { lines: [], slots: [] },
      ns: { lines: [], slots: [] },
    };
    for (const request of requests) {
      for (const record of request.records) {
        const slot = outcomes.length;
        outcomes.push(writtenOutcome);
        const line = recordLine(this.options.measurement, request.commonAttributes, record);
        if (!line.ok) outcomes[slot] = notStorable(line.reason);
        else {
          byPrecision[line.precision].lines.push(line.line);
          byPrecision[line.precision].slots.push(slot);
        }
      }
    }
    const batches = [LinePrecision.milliseconds, LinePrecision.nanoseconds].flatMap((precision) => {
      const { lines, slots } = byPrecision[precision];
      return this.batches(
        precision,
        lines.length,
        (from, to) => new StringLines(lines.slice(from, to), slots.slice(from, to)),
      );
    });
    await this.writeLines(batches, outcomes, deadline);
    let at = 0;
    return requests.map((r) => {
      const from = at;
      at += r.records.length;
      return outcomes.slice(from, at);
    });
  }

  /** `count` lines of one precision cut into requests of at most `maxLines`, each made by `lines(from, to)`. */
  private batches(
    precision: LinePrecision,
    count: number,
    lines: (from: number, to: number) => LineBatch,
  ): { precision: LinePrecision; lines: LineBatch }[] {
    const maxLines = this.options.maxLines ?? 5_000;
    const out: { precision: LinePrecision; lines: LineBatch }[] = [];
    for (let from = 0; from < count; from += maxLines) {
      out.push({ precision, lines: lines(from, Math.min(from + maxLines, count)) });
    }
    return out;
  }

  /** Sends the batches, `concurrency` at a time, and settles `outcomes` by slot. */
  private async writeLines(
    batches: readonly { precision: LinePrecision; lines: LineBatch }[],
    outcomes: RecordOutcome[],
    deadline: number,
  ): Promise<void> {
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
    batch: LineBatch,
    precision: LinePrecision,
    deadline: number,
    outcomes: RecordOutcome[],
  ): Promise<void> {
    try {
      await this.send(batch, precision, deadline);
    } catch (error) {
      if (isLineRejection(error)) {
        if (batch.size === 1) {
          outcomes[batch.slots[0]!] = {
            status: 'rejected',
            reason: `InfluxDB refused the point: ${error.serverMessage}`,
          };
          return;
        }
        const [first, second] = batch.halves();
        await this.writeBatch(first, precision, deadline, outcomes);
        await this.writeBatch(second, precision, deadline, outcomes);
        return;
      }
      const failed: RecordOutcome = { status: 'failed', error: this.explain(error) };
      for (const slot of batch.slots) outcomes[slot] = failed;
    }
  }

  private async send(batch: LineBatch, precision: LinePrecision, deadline: number) {
    const { client, database, observer } = this.options;
    const body = batch.body();
    await retry(
      async () => {
        const started = performance.now();
        try {
          await client.write(database, body, precision);
        } finally {
          observer?.onWrite?.(performance.now() - started, batch.size);
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
