import {
  RejectedRecordsException,
  type TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { RetriesExhaustedError, retry as retryWrite } from '#adapters/retry';
import { toWriteChunks } from '#core';
import { RecordLayout } from '#core/config';
import {
  foldOutcomes,
  oneOutcomePerItem,
  type ReadingBatch,
  type ReadingSink,
  type RecordOutcome,
  type WriteRequest,
  writtenOutcome,
} from './reading-sink';

export interface TimestreamReadingSinkOptions {
  readonly client: TimestreamWriteClient;
  readonly database: string;
  readonly table: string;
  /**
   * How `writeReadings` maps readings to records (RECORD_LAYOUT): one MULTI record per reading, or one DOUBLE
   * record per measure. @default 'multi'
   */
  readonly layout?: RecordLayout;
  /** WriteRecords calls in flight at once. */
  readonly concurrency: number;
  readonly observer?: {
    onWrite?(latencyMs: number, records: number): void;
    onRetry?(error: unknown): void;
  };
  readonly retry?: { baseDelayMs?: number; maxDelayMs?: number };
}

const retryableNames = new Set(['ThrottlingException', 'InternalServerException', 'ServiceUnavailable']);
const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** Throttling, the service's own 5xx and network failures are worth another attempt; nothing else is. */
function isRetryableWriteError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (retryableNames.has(e.name) || e.$retryable) return true;
  if (e.name === 'TimeoutError' || (e.code !== undefined && networkCodes.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/**
 * Error names that concern the records themselves: the records are refused for good and go to the
 * dead-letter sink. Anything else that is not retryable (unknown table, access denied) is a fault of the
 * deployment: the batch fails so that nothing is lost while it is fixed.
 */
const recordLevelNames = new Set(['ValidationException']);

/**
 * Adapter: writes records to a Timestream table with WriteRecords, `concurrency` calls at a time, retrying
 * throttling and transient failures with jittered exponential backoff until the deadline. `writeReadings`
 * maps the writer's readings to records itself (core's `toWriteChunks`, in `layout`, with each reading's
 * version) and folds the records' outcomes back onto the readings.
 */
export class TimestreamReadingSink implements ReadingSink {
  constructor(private readonly options: TimestreamReadingSinkOptions) {}

  async writeReadings(
    { readings, version }: ReadingBatch,
    options: { deadline: number },
  ): Promise<RecordOutcome[]> {
    const chunks = toWriteChunks(readings, {
      layout: this.options.layout ?? RecordLayout.multi,
      version,
    });
    const outcomes = await this.write(chunks, options);
    const perReading: RecordOutcome[] = new Array(readings.length).fill(writtenOutcome);
    // a reading is stored only when all its records are (the single layout has one per measure)
    let problems: Map<number, RecordOutcome[]> | undefined;
    chunks.forEach((chunk, c) => {
      const perRecord = oneOutcomePerItem(
        outcomes[c],
        chunk.records.length,
        (n) =>
          new Error(
            `request ${c} of the write was answered with ${n} outcomes for ${chunk.records.length} records: it is retried`,
          ),
      );
      chunk.readingIndexes.forEach((readingIndex, r) => {
        const outcome = perRecord[r] as RecordOutcome;
        if (outcome.status === 'written') return;
        problems ??= new Map();
        const list = problems.get(readingIndex);
        if (list) list.push(outcome);
        else problems.set(readingIndex, [outcome]);
      });
    });
    if (problems !== undefined) for (const [i, list] of problems) perReading[i] = foldOutcomes(list);
    return perReading;
  }

  async write(
    requests: readonly WriteRequest[],
    { deadline }: { deadline: number },
  ): Promise<RecordOutcome[][]> {
    return mapWithConcurrency(requests, this.options.concurrency, (request) =>
      this.writeOne(request, deadline),
    );
  }

  private async writeOne(request: WriteRequest, deadline: number): Promise<RecordOutcome[]> {
    const { client, database, table, observer, retry } = this.options;
    const command = new WriteRecordsCommand({
      DatabaseName: database,
      TableName: table,
      CommonAttributes: request.commonAttributes,
      Records: [...request.records],
    });
    const all = (outcome: RecordOutcome) => request.records.map(() => outcome);
    try {
      await retryWrite(
        async () => {
          const started = performance.now();
          try {
            await client.send(command);
          } finally {
            observer?.onWrite?.(performance.now() - started, request.records.length);
          }
        },
        {
          deadline,
          isRetryable: isRetryableWriteError,
          onRetry: (e) => observer?.onRetry?.(e),
          baseDelayMs: retry?.baseDelayMs ?? 100,
          maxDelayMs: retry?.maxDelayMs ?? 2_000,
        },
      );
      return all({ status: 'written' });
    } catch (error) {
      if (error instanceof RejectedRecordsException) {
        const outcomes: RecordOutcome[] = all({ status: 'written' });
        for (const rejected of error.RejectedRecords ?? []) {
          const index = rejected.RecordIndex ?? -1;
          if (index < 0 || index >= outcomes.length) continue;
          outcomes[index] = {
            status: 'rejected',
            reason: rejected.Reason ?? 'rejected by Timestream without a reason',
            ...(rejected.ExistingVersion !== undefined ? { existingVersion: rejected.ExistingVersion } : {}),
          };
        }
        return outcomes;
      }
      if (error instanceof Error && recordLevelNames.has(error.name)) {
        return all({ status: 'rejected', reason: `${error.name}: ${error.message}` });
      }
      const cause = error instanceof RetriesExhaustedError ? error : (error as Error);
      return all({ status: 'failed', error: cause instanceof Error ? cause : new Error(String(cause)) });
    }
  }
}
