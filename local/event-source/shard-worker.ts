import { setTimeout as delay } from 'node:timers/promises';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  InvalidArgumentException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { backoffDelay, RetriesExhaustedError, retry } from '#adapters/retry';
import type { ShardCheckpoint } from './checkpoint-file';
import { type InvocationOutcome, invokeHandler, type KinesisBatchHandler } from './invoke-handler';
import {
  type EventSourceIdentity,
  payloadBytes,
  type ShardRecord,
  toKinesisStreamEvent,
  toShardRecord,
} from './kinesis-event';
import { createLambdaContext, type FunctionIdentity } from './lambda-context';
import { FailureCondition, type OnFailureDestination, toOnFailureRecord } from './on-failure-record';
import type { EventSourceLogger, EventSourceRunnerEvent, ShardLag } from './runner-events';
import { isServiceUnreachable } from './service-unreachable';
import type { EventSourceSettings } from './settings';

/** Lambda's invocation payload limit for a batch. */
const maxPayloadBytes = 6 * 1024 * 1024;
/** Iterators expire after 5 minutes; renew before that rather than fail. */
const iteratorRenewMs = 4 * 60_000;

/** What every shard worker of one runner shares. */
export interface ShardWorkerEnv {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly handler: KinesisBatchHandler;
  readonly settings: EventSourceSettings;
  readonly identity: EventSourceIdentity;
  readonly fn: FunctionIdentity;
  /** Records older than this many ms are discarded (MaximumRecordAgeInSeconds, else the stream's retention). */
  readonly expiryAgeMs: number;
  readonly pollIntervalMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly now: () => number;
  readonly signal: AbortSignal;
  readonly onFailure: OnFailureDestination | undefined;
  readonly emit: (event: EventSourceRunnerEvent) => void;
  readonly logger: EventSourceLogger;
  readonly saveCheckpoint: (shardId: string, checkpoint: ShardCheckpoint) => Promise<void>;
  readonly isFinished: (shardId: string) => boolean;
}

/** Where a shard without checkpoint starts. */
export type ShardStart =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date };

/** A part of a batch on its way through retries and bisection. */
interface Segment {
  records: ShardRecord[];
  retries: number;
  invokes: number;
  lastFunctionError: boolean;
}

/**
 * Drives one shard as Lambda's event source mapping does: reads in order, gathers a batch (BatchSize, batching
 * window, 6 MB payload), invokes the handler and retries, bisects or discards on failure, and checkpoints.
 * One batch in flight at a time, so order is kept.
 */
export class ShardWorker {
  private checkpoint: string | undefined;
  private finished: boolean;
  private pending: ShardRecord[] = [];
  private firstPendingAt = 0;
  /** Last sequence number read (pending or processed); the next iterator starts after it. */
  private readUpTo: string | undefined;
  private iterator: string | undefined;
  private iteratorAt = 0;
  private shardEnd = false;
  private millisBehindLatest = 0;
  private lastEmptyPollAt = Number.NEGATIVE_INFINITY;
  private delivering = false;
  private waitingForParent = false;
  /** Since when (epoch ms) the handler has failed for want of a service; undefined while it reaches them. */
  private unreachableSince: number | undefined;

  constructor(
    private readonly env: ShardWorkerEnv,
    readonly shardId: string,
    private readonly parents: readonly string[],
    initial: ShardCheckpoint | undefined,
    private readonly start: ShardStart,
  ) {
    this.checkpoint = initial?.sequenceNumber;
    this.finished = initial?.finished === true;
    this.readUpTo = this.checkpoint;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** True when nothing is pending and a poll that started at or after `since` found the shard's tip. */
  caughtUpSince(since: number): boolean {
    if (this.finished) return true;
    return !this.delivering && this.pending.length === 0 && this.lastEmptyPollAt >= since;
  }

  lag(): ShardLag {
    return {
      shardId: this.shardId,
      checkpoint: this.checkpoint,
      finished: this.finished,
      millisBehindLatest: this.millisBehindLatest,
      pendingRecords: this.pending.length,
      delivering: this.delivering,
      waitingForParent: this.waitingForParent,
    };
  }

  /** Works until the runner stops or the (closed) shard is done. */
  async run(): Promise<void> {
    const { env } = this;
    if (!this.finished) {
      env.emit({
        type: 'shard-started',
        shardId: this.shardId,
        startingFrom: this.checkpoint ?? this.start.type,
      });
    }
    try {
      while (!env.signal.aborted && !this.finished) {
        await retry(() => this.step(), {
          isRetryable: () => !env.signal.aborted,
          ...this.backoff,
          onRetry: (error) => {
            env.emit({ type: 'poll-error', shardId: this.shardId, error });
            env.logger.error('Event source shard error; re-reading from the checkpoint', {
              shardId: this.shardId,
              checkpoint: this.checkpoint,
              error: error instanceof Error ? error.message : String(error),
            });
            // Whatever was read but not processed is read again from the checkpoint: nothing is skipped.
            this.pending = [];
            this.readUpTo = this.checkpoint;
            this.iterator = undefined;
          },
        });
      }
    } catch (error) {
      if (!env.signal.aborted) throw error;
    }
  }

  /** The runner's backoff (plain exponential, as Lambda's: one reader per shard, nothing to spread) and stop signal. */
  private get backoff() {
    const { env } = this;
    return {
      baseDelayMs: env.retryBaseMs,
      maxDelayMs: env.retryMaxMs,
      random: () => 1,
      signal: env.signal,
    };
  }

  private async step(): Promise<void> {
    const { env } = this;
    const { batchSize } = env.settings;
    this.waitingForParent = this.parents.some((p) => !env.isFinished(p));
    if (this.waitingForParent) {
      await delay(env.pollIntervalMs, undefined, { signal: env.signal });
      return;
    }
    if (!this.shardEnd && this.pending.length < batchSize) await this.poll();
    if (this.pending.length === 0) {
      if (this.shardEnd) {
        await env.saveCheckpoint(this.shardId, { sequenceNumber: this.checkpoint, finished: true });
        this.finished = true;
        env.emit({ type: 'shard-finished', shardId: this.shardId });
      } else {
        await delay(env.pollIntervalMs, undefined, { signal: env.signal });
      }
      return;
    }
    const windowMs = env.settings.maximumBatchingWindowInSeconds * 1000;
    if (!this.shardEnd && this.pending.length < batchSize && windowMs > 0) {
      const waited = Date.now() - this.firstPendingAt;
      if (waited < windowMs) {
        await delay(Math.min(env.pollIntervalMs, windowMs - waited), undefined, { signal: env.signal });
        return;
      }
    }
    if (env.signal.aborted) return;
    await this.deliver(this.takeBatch());
  }

  private takeBatch(): ShardRecord[] {
    let bytes = 0;
    let count = 0;
    for (const record of this.pending) {
      if (count >= this.env.settings.batchSize) break;
      const size = payloadBytes(record);
      if (count > 0 && bytes + size > maxPayloadBytes) break;
      bytes += size;
      count++;
    }
    const batch = this.pending.splice(0, count);
    this.firstPendingAt = Date.now();
    return batch;
  }

  private async poll(): Promise<void> {
    const { env } = this;
    if (this.iterator === undefined || Date.now() - this.iteratorAt > iteratorRenewMs) {
      this.iterator = await this.newIterator();
      this.iteratorAt = Date.now();
    }
    const startedAt = Date.now();
    const limit = Math.min(10_000, env.settings.batchSize - this.pending.length);
    let out: Awaited<ReturnType<typeof this.getRecords>>;
    try {
      out = await this.getRecords(this.iterator, limit);
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException)) throw error;
      env.emit({ type: 'iterator-expired', shardId: this.shardId });
      this.iterator = undefined;
      return;
    }
    const records = (out.Records ?? []).map(toShardRecord);
    this.millisBehindLatest = out.MillisBehindLatest ?? 0;
    this.iterator = out.NextShardIterator;
    this.iteratorAt = Date.now();
    if (this.iterator === undefined) this.shardEnd = true;
    const last = records[records.length - 1];
    if (last !== undefined) {
      if (this.pending.length === 0) this.firstPendingAt = Date.now();
      this.pending.push(...records);
      this.readUpTo = last.sequenceNumber;
    } else if (this.pending.length === 0 && this.millisBehindLatest === 0) {
      this.lastEmptyPollAt = startedAt;
    }
  }

  private getRecords(iterator: string | undefined, limit: number) {
    return this.env.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
  }

  private async newIterator(): Promise<string | undefined> {
    const base = { StreamName: this.env.streamName, ShardId: this.shardId };
    const fromStart = (): GetShardIteratorCommandInput =>
      this.start.type === 'AT_TIMESTAMP'
        ? { ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: this.start.timestamp }
        : { ...base, ShardIteratorType: this.start.type };
    const after = this.readUpTo;
    if (after === undefined)
      return (await this.env.kinesis.send(new GetShardIteratorCommand(fromStart()))).ShardIterator;
    try {
      const input = {
        ...base,
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const,
        StartingSequenceNumber: after,
      };
      return (await this.env.kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
    } catch (error) {
      // A checkpoint from an earlier incarnation of the stream (its local data was deleted): start afresh.
      if (
        !(error instanceof InvalidArgumentException) ||
        this.pending.length > 0 ||
        after !== this.checkpoint
      ) {
        throw error;
      }
      this.env.emit({ type: 'checkpoint-reset', shardId: this.shardId, sequenceNumber: after, error });
      this.env.logger.warn('Checkpoint does not belong to this stream; reading the shard from TRIM_HORIZON', {
        shardId: this.shardId,
        checkpoint: after,
        error: error.message,
      });
      this.checkpoint = undefined;
      this.readUpTo = undefined;
      const input = { ...base, ShardIteratorType: 'TRIM_HORIZON' as const };
      return (await this.env.kinesis.send(new GetShardIteratorCommand(input))).ShardIterator;
    }
  }

  /** Processes one batch to its end: delivered, or retried, bisected and finally discarded. */
  private async deliver(batch: ShardRecord[]): Promise<void> {
    this.delivering = true;
    try {
      await this.deliverSegment({ records: batch, retries: 0, invokes: 0, lastFunctionError: false });
    } catch (error) {
      if (!this.env.signal.aborted) throw error;
      // stopped: the rest is read again from the checkpoint after a restart
    } finally {
      this.delivering = false;
    }
  }

  /**
   * Retries a segment with backoff until it is delivered, bisected (each half then goes the same way) or has used
   * up MaximumRetryAttempts (then it is discarded). A failure that comes down to a service being unreachable
   * uses up no retry: the local services come back, and the batch is delivered then.
   */
  private async deliverSegment(segment: Segment): Promise<void> {
    const { env } = this;
    const { maximumRetryAttempts } = env.settings;
    let halves: [Segment, Segment] | undefined;
    try {
      halves = await retry(() => this.attempt(segment), {
        isRetryable: (error) => error instanceof SegmentFailed,
        countsAsRetry: (error) => !(error as SegmentFailed).serviceUnreachable,
        retries:
          maximumRetryAttempts === -1
            ? Number.POSITIVE_INFINITY
            : Math.max(0, maximumRetryAttempts - segment.retries),
        ...this.backoff,
        onRetry: (_, { counted }) => {
          if (counted) segment.retries++;
        },
      });
    } catch (error) {
      if (!(error instanceof RetriesExhaustedError)) throw error;
      await this.discard(FailureCondition.retryAttemptsExhausted, segment.records, segment);
      return;
    }
    if (halves === undefined) return;
    env.emit({
      type: 'batch-bisected',
      shardId: this.shardId,
      sizes: [halves[0].records.length, halves[1].records.length],
    });
    await delay(backoffDelay(segment.retries + 1, this.backoff), undefined, { signal: env.signal });
    for (const half of halves) await this.deliverSegment(half);
  }

  /**
   * One invocation of a segment: discards what expired first, then invokes. Resolves when the segment is done, or
   * with its halves when it is to be bisected (splitting does not use up a retry, Lambda's rule; each half keeps
   * the count so far); throws {@link SegmentFailed} when it is to be retried.
   */
  private async attempt(segment: Segment): Promise<[Segment, Segment] | undefined> {
    const { env } = this;
    const { settings } = env;
    if (this.unreachableSince === undefined) {
      // A batch held while a service is down is not dropped for its age: it is delivered when the service is back.
      const cutoff = env.now() - env.expiryAgeMs;
      let expired = 0;
      while (expired < segment.records.length && segment.records[expired]!.arrivalMs < cutoff) expired++;
      if (expired > 0) {
        await this.discard(FailureCondition.recordAgeExceeded, segment.records.slice(0, expired), segment);
        segment.records = segment.records.slice(expired);
        if (segment.records.length === 0) return undefined;
      }
    }
    env.signal.throwIfAborted(); // the rest is read again from the checkpoint after a restart
    const outcome = await this.invoke(segment);
    if (outcome.kind === 'success') {
      this.serviceAnswered();
      await this.advance(segment.records[segment.records.length - 1]!.sequenceNumber);
      return undefined;
    }
    if (outcome.kind === 'partial') {
      if (outcome.failedIndex > 0) {
        await this.advance(segment.records[outcome.failedIndex - 1]!.sequenceNumber);
        segment.records = segment.records.slice(outcome.failedIndex);
      }
      segment.lastFunctionError = false;
      throw new SegmentFailed(false);
    }
    segment.lastFunctionError = true;
    if (isServiceUnreachable(outcome.error)) {
      this.serviceUnreachable(segment, outcome.error);
      throw new SegmentFailed(true);
    }
    this.serviceAnswered();
    env.logger.warn('Batch failed', {
      shardId: this.shardId,
      firstSequenceNumber: segment.records[0]!.sequenceNumber,
      batchSize: segment.records.length,
      attempt: segment.retries + 1,
      error: errorText(outcome.error),
    });
    if (settings.bisectBatchOnFunctionError && segment.records.length > 1) {
      const middle = Math.ceil(segment.records.length / 2);
      return [
        { ...segment, records: segment.records.slice(0, middle) },
        { ...segment, records: segment.records.slice(middle) },
      ];
    }
    throw new SegmentFailed(false);
  }

  /** The handler failed for want of a service: said once, when it starts. */
  private serviceUnreachable(segment: Segment, error: unknown): void {
    if (this.unreachableSince !== undefined) return;
    this.unreachableSince = Date.now();
    this.env.emit({ type: 'service-unreachable', shardId: this.shardId, error });
    this.env.logger.warn(
      'A service the function calls is unreachable; the batch is kept and retried with backoff until it answers ' +
        '(no retry attempt is used up, no record is discarded)',
      {
        shardId: this.shardId,
        firstSequenceNumber: segment.records[0]!.sequenceNumber,
        batchSize: segment.records.length,
        error: errorText(error),
      },
    );
  }

  /** The handler got through (or failed for another reason): said once, when an outage ends. */
  private serviceAnswered(): void {
    if (this.unreachableSince === undefined) return;
    const unreachableForMs = Date.now() - this.unreachableSince;
    this.unreachableSince = undefined;
    this.env.emit({ type: 'service-reachable', shardId: this.shardId, unreachableForMs });
    this.env.logger.warn('The function reaches its services again; delivery goes on', {
      shardId: this.shardId,
      unreachableForMs,
    });
  }

  private async invoke(segment: Segment): Promise<InvocationOutcome> {
    const { env } = this;
    const timeoutMs = env.settings.functionTimeoutSeconds * 1000;
    const context = createLambdaContext(env.fn, timeoutMs);
    const event = toKinesisStreamEvent(this.shardId, segment.records, env.identity);
    segment.invokes++;
    const startedAt = Date.now();
    const outcome = await invokeHandler({
      handler: env.handler,
      event,
      context,
      timeoutMs,
      timeoutSeconds: env.settings.functionTimeoutSeconds,
      reportBatchItemFailures: env.settings.reportBatchItemFailures,
    });
    const common = {
      shardId: this.shardId,
      batchSize: segment.records.length,
      firstSequenceNumber: segment.records[0]!.sequenceNumber,
      lastSequenceNumber: segment.records[segment.records.length - 1]!.sequenceNumber,
      attempt: segment.retries + 1,
      awsRequestId: context.awsRequestId,
      durationMs: Date.now() - startedAt,
    };
    if (outcome.kind === 'success') env.emit({ type: 'batch-succeeded', ...common });
    else if (outcome.kind === 'partial')
      env.emit({ type: 'batch-failed', ...common, failedIndex: outcome.failedIndex });
    else env.emit({ type: 'batch-failed', ...common, error: outcome.error });
    return outcome;
  }

  /**
   * Reports records to the on-failure destination, then checkpoints past them. The destination is retried until
   * it accepts (records are never dropped silently); throws the stop signal's reason when the runner stops first.
   */
  private async discard(
    condition: FailureCondition,
    records: ShardRecord[],
    segment: Segment,
  ): Promise<void> {
    const { env } = this;
    const record = toOnFailureRecord({
      shardId: this.shardId,
      streamArn: env.identity.streamArn,
      functionArn: env.fn.functionArn,
      condition,
      records,
      invokeCount: segment.invokes,
      functionError: segment.lastFunctionError,
      now: env.now(),
    });
    if (env.onFailure === undefined) {
      env.logger.error('Records discarded and no on-failure destination is configured', { ...record });
    } else {
      const destination = env.onFailure;
      // retried until it accepts (records are never dropped silently), or the runner stops (this then throws)
      await retry(() => destination(record), {
        isRetryable: () => true,
        ...this.backoff,
        onRetry: (error) => {
          env.emit({ type: 'destination-error', shardId: this.shardId, error });
          env.logger.error('On-failure destination failed; retrying', {
            shardId: this.shardId,
            error: errorText(error),
          });
        },
      });
    }
    env.emit({ type: 'records-discarded', record });
    await this.advance(records[records.length - 1]!.sequenceNumber);
  }

  private async advance(sequenceNumber: string): Promise<void> {
    this.checkpoint = sequenceNumber;
    await this.env.saveCheckpoint(this.shardId, { sequenceNumber });
  }
}

/** The segment is to be retried; `serviceUnreachable` when it failed only for want of a service. */
class SegmentFailed extends Error {
  override readonly name = 'SegmentFailed';
  constructor(readonly serviceUnreachable: boolean) {
    super(serviceUnreachable ? 'a service the function calls is unreachable' : 'the batch failed');
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
