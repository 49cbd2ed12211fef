import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  InvalidArgumentException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { abortableSleep } from './abortable-sleep';
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
    let failures = 0;
    while (!env.signal.aborted && !this.finished) {
      try {
        await this.step();
        failures = 0;
      } catch (error) {
        failures++;
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
        await abortableSleep(this.backoffMs(failures), env.signal);
      }
    }
  }

  private async step(): Promise<void> {
    const { env } = this;
    const { batchSize } = env.settings;
    this.waitingForParent = this.parents.some((p) => !env.isFinished(p));
    if (this.waitingForParent) {
      await abortableSleep(env.pollIntervalMs, env.signal);
      return;
    }
    if (!this.shardEnd && this.pending.length < batchSize) await this.poll();
    if (this.pending.length === 0) {
      if (this.shardEnd) {
        await env.saveCheckpoint(this.shardId, { sequenceNumber: this.checkpoint, finished: true });
        this.finished = true;
        env.emit({ type: 'shard-finished', shardId: this.shardId });
      } else {
        await abortableSleep(env.pollIntervalMs, env.signal);
      }
      return;
    }
    const windowMs = env.settings.maximumBatchingWindowInSeconds * 1000;
    if (!this.shardEnd && this.pending.length < batchSize && windowMs > 0) {
      const waited = Date.now() - this.firstPendingAt;
      if (waited < windowMs) {
        await abortableSleep(Math.min(env.pollIntervalMs, windowMs - waited), env.signal);
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
    const { env } = this;
    const { settings } = env;
    this.delivering = true;
    try {
      const queue: Segment[] = [{ records: batch, retries: 0, invokes: 0, lastFunctionError: false }];
      while (queue.length > 0) {
        const segment = queue[0]!;
        const cutoff = env.now() - env.expiryAgeMs;
        let expired = 0;
        while (expired < segment.records.length && segment.records[expired]!.arrivalMs < cutoff) expired++;
        if (expired > 0) {
          const gone = segment.records.slice(0, expired);
          if (!(await this.discard(FailureCondition.recordAgeExceeded, gone, segment))) return;
          segment.records = segment.records.slice(expired);
          if (segment.records.length === 0) {
            queue.shift();
            continue;
          }
        }
        if (env.signal.aborted) return; // the rest is read again from the checkpoint after a restart
        const outcome = await this.invoke(segment);
        if (outcome.kind === 'success') {
          await this.advance(segment.records[segment.records.length - 1]!.sequenceNumber);
          queue.shift();
          continue;
        }
        if (outcome.kind === 'partial') {
          if (outcome.failedIndex > 0) {
            await this.advance(segment.records[outcome.failedIndex - 1]!.sequenceNumber);
            segment.records = segment.records.slice(outcome.failedIndex);
          }
          segment.lastFunctionError = false;
        } else {
          segment.lastFunctionError = true;
        }
        if (outcome.kind === 'error' && settings.bisectBatchOnFunctionError && segment.records.length > 1) {
          // Splitting does not use up a retry (Lambda's rule); each half keeps the count so far.
          const middle = Math.ceil(segment.records.length / 2);
          const halves: [Segment, Segment] = [
            { ...segment, records: segment.records.slice(0, middle) },
            { ...segment, records: segment.records.slice(middle) },
          ];
          queue.splice(0, 1, ...halves);
          env.emit({
            type: 'batch-bisected',
            shardId: this.shardId,
            sizes: [halves[0].records.length, halves[1].records.length],
          });
          await abortableSleep(this.backoffMs(segment.retries + 1), env.signal);
          continue;
        }
        if (settings.maximumRetryAttempts !== -1 && segment.retries >= settings.maximumRetryAttempts) {
          if (!(await this.discard(FailureCondition.retryAttemptsExhausted, segment.records, segment)))
            return;
          queue.shift();
          continue;
        }
        segment.retries++;
        await abortableSleep(this.backoffMs(segment.retries), env.signal);
      }
    } finally {
      this.delivering = false;
    }
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
    else {
      env.emit({ type: 'batch-failed', ...common, error: outcome.error });
      env.logger.warn('Batch failed', {
        ...common,
        error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      });
    }
    return outcome;
  }

  /**
   * Reports records to the on-failure destination, then checkpoints past them. The destination is retried until
   * it accepts (records are never dropped silently); false when the runner stopped first.
   */
  private async discard(
    condition: FailureCondition,
    records: ShardRecord[],
    segment: Segment,
  ): Promise<boolean> {
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
      for (let attempt = 1; ; attempt++) {
        try {
          await env.onFailure(record);
          break;
        } catch (error) {
          env.emit({ type: 'destination-error', shardId: this.shardId, error });
          env.logger.error('On-failure destination failed; retrying', {
            shardId: this.shardId,
            error: error instanceof Error ? error.message : String(error),
          });
          await abortableSleep(this.backoffMs(attempt), env.signal);
          if (env.signal.aborted) return false;
        }
      }
    }
    env.emit({ type: 'records-discarded', record });
    await this.advance(records[records.length - 1]!.sequenceNumber);
    return true;
  }

  private async advance(sequenceNumber: string): Promise<void> {
    this.checkpoint = sequenceNumber;
    await this.env.saveCheckpoint(this.shardId, { sequenceNumber });
  }

  private backoffMs(attempt: number): number {
    return Math.min(this.env.retryMaxMs, this.env.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  }
}
