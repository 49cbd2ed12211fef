import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { RetriesExhaustedError, retry } from '#adapters/retry';
import type { Reading } from '#core/reading';
import { PublishIncompleteError } from './errors';
import { maxRecordBytes, type PackedRecord, packReadings } from './pack-readings';
import type { PublishOptions, PublishReport, ReadingPublisher } from './reading-publisher';

/** The one call the publisher makes: a `KinesisClient` fits, and so does a test double wrapping one. */
export interface PutRecordsClient {
  send(command: PutRecordsCommand, options?: { abortSignal?: AbortSignal }): Promise<PutRecordsCommandOutput>;
}

/** Options of {@link KinesisReadingPublisher}. */
export interface KinesisReadingPublisherOptions {
  readonly client: PutRecordsClient;
  readonly streamName: string;
  /** @default 256 KiB ({@link maxRecordBytes}) */
  readonly maxRecordBytes?: number;
  /** First backoff step; retry n waits a random time in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. @default 25 */
  readonly baseDelayMs?: number;
  /** @default 1000 */
  readonly maxDelayMs?: number;
  readonly now?: () => number;
  /** For tests: the jitter source. */
  readonly random?: () => number;
  /** For tests: the wait between attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** PutRecords limits: entries and bytes (data + partition keys) per call. */
const maxEntriesPerCall = 500;
const maxBytesPerCall = 5 * 1024 * 1024;

/** Call-level errors worth retrying: throttling, service faults, network trouble. */
const retryableNames = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'LimitExceededException',
  'KMSThrottlingException',
  'TimeoutError',
  'RequestTimeout',
]);

function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $fault?: string; $metadata?: unknown; code?: string };
  if (e.name !== undefined && retryableNames.has(e.name)) return true;
  if (e.$fault === 'server') return true;
  // No service answer at all (connection refused or reset): the request may be tried again.
  return e.$metadata === undefined && typeof e.code === 'string';
}

/** Some entries of an attempt were not published; the next attempt resends only these. */
class EntriesNotPublished extends Error {
  override readonly name = 'EntriesNotPublished';
  constructor(readonly failed: PackedRecord[]) {
    super(`${failed.length} record(s) not published`);
  }
}

/**
 * Publishes readings to a Kinesis stream with PutRecords: partition key = device id, the readings packed into
 * as few records as fit 256 KiB each. Entries that fail (ProvisionedThroughputExceededException,
 * InternalFailure) and calls that fail with a retryable error are resent, only those entries, with
 * exponential backoff and full jitter until the deadline; then a {@link PublishIncompleteError} says which
 * readings were published.
 *
 * @example
 * const publisher = new KinesisReadingPublisher({ client: kinesis, streamName: config.streamName });
 * await publisher.publish(readings, { timeoutMs: 5_000 });
 */
export class KinesisReadingPublisher implements ReadingPublisher {
  private readonly now: () => number;

  constructor(private readonly options: KinesisReadingPublisherOptions) {
    this.now = options.now ?? Date.now;
  }

  async publish(readings: readonly Reading[], options: PublishOptions): Promise<PublishReport> {
    const deadlineMs = this.now() + options.timeoutMs;
    const records = packReadings(readings, this.options.maxRecordBytes ?? maxRecordBytes);
    const published: PackedRecord[] = [];
    let pending = records;
    let retries = 0;
    let lastError = '';
    let cause: unknown;
    const fail = (why: string) => {
      const done = new Set(published.flatMap((r) => r.indexes));
      const publishedIndexes: number[] = [];
      const unpublishedIndexes: number[] = [];
      for (let i = 0; i < readings.length; i++) (done.has(i) ? publishedIndexes : unpublishedIndexes).push(i);
      return new PublishIncompleteError(
        `${unpublishedIndexes.length} of ${readings.length} readings were not published to stream ` +
          `"${this.options.streamName}" ${why} (last error: ${lastError || 'none'})`,
        publishedIndexes,
        unpublishedIndexes,
        lastError,
        { cause },
      );
    };
    /** One PutRecords round over what is pending; throws what is left for the next round. */
    const attempt = async () => {
      const failed: PackedRecord[] = [];
      for (const call of splitIntoCalls(pending)) {
        const remaining = deadlineMs - this.now();
        if (remaining <= 0 || options.signal?.aborted) {
          failed.push(...call);
          continue;
        }
        const signals = [AbortSignal.timeout(remaining)];
        if (options.signal) signals.push(options.signal);
        let out: PutRecordsCommandOutput;
        try {
          out = await this.options.client.send(
            new PutRecordsCommand({
              StreamName: this.options.streamName,
              Records: call.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })),
            }),
            { abortSignal: AbortSignal.any(signals) },
          );
        } catch (error) {
          cause = error;
          lastError = (error as Error).name ?? String(error);
          failed.push(...call);
          if (!isRetryable(error) && !isAbort(error)) throw fail(`because the stream refused the call`);
          continue;
        }
        const results = out.Records ?? [];
        for (let i = 0; i < call.length; i++) {
          const result = results[i];
          if (result !== undefined && result.ErrorCode === undefined && result.SequenceNumber !== undefined) {
            published.push(call[i]!);
          } else {
            lastError = result?.ErrorCode ?? 'missing result entry';
            failed.push(call[i]!);
          }
        }
      }
      if (failed.length > 0) throw new EntriesNotPublished(failed);
    };
    try {
      await retry(attempt, {
        isRetryable: (error) => error instanceof EntriesNotPublished,
        deadline: deadlineMs,
        baseDelayMs: this.options.baseDelayMs ?? 25,
        maxDelayMs: this.options.maxDelayMs ?? 1_000,
        now: this.now,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(this.options.random ? { random: this.options.random } : {}),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        onRetry: (error) => {
          pending = (error as EntriesNotPublished).failed;
          retries += pending.length;
        },
      });
      return { records: records.length, retries };
    } catch (error) {
      if (error instanceof PublishIncompleteError) throw error;
      if (options.signal?.aborted) throw fail('because the request was aborted');
      if (error instanceof RetriesExhaustedError) throw fail('before the deadline');
      throw error;
    }
  }
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** Groups records into PutRecords calls within the per-call entry and byte limits. */
function splitIntoCalls(records: readonly PackedRecord[]): PackedRecord[][] {
  const calls: PackedRecord[][] = [];
  let current: PackedRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = r.data.length + Buffer.byteLength(r.partitionKey);
    if (current.length > 0 && (current.length === maxEntriesPerCall || bytes + size > maxBytesPerCall)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
