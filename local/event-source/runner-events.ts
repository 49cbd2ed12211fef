import type { OnFailureRecord } from './on-failure-record';

/** What the runner reports while it works (for logs, metrics and tests). */
export type EventSourceRunnerEvent =
  | { readonly type: 'shard-started'; readonly shardId: string; readonly startingFrom: string }
  | {
      readonly type: 'batch-succeeded' | 'batch-failed';
      readonly shardId: string;
      readonly batchSize: number;
      readonly firstSequenceNumber: string;
      readonly lastSequenceNumber: string;
      /** 1 for the first invocation of these records, 2 for the first retry, ... */
      readonly attempt: number;
      readonly awsRequestId: string;
      readonly durationMs: number;
      /** For batch-failed: the error, or undefined for a partial batch response. */
      readonly error?: unknown;
      /** For a partial batch response: index of the lowest failed record. */
      readonly failedIndex?: number;
    }
  | { readonly type: 'batch-bisected'; readonly shardId: string; readonly sizes: readonly [number, number] }
  | { readonly type: 'records-discarded'; readonly record: OnFailureRecord }
  | { readonly type: 'destination-error'; readonly shardId: string; readonly error: unknown }
  /** The function failed for want of a service (connection refused, reset): the batch is kept, retries are not used up. */
  | { readonly type: 'service-unreachable'; readonly shardId: string; readonly error: unknown }
  /** After a `service-unreachable`, the function got through (or failed for another reason). */
  | { readonly type: 'service-reachable'; readonly shardId: string; readonly unreachableForMs: number }
  /** GetRecords, GetShardIterator or the checkpoint file failed; the shard re-reads from its checkpoint after a backoff. */
  | { readonly type: 'poll-error'; readonly shardId: string; readonly error: unknown }
  | { readonly type: 'iterator-expired'; readonly shardId: string }
  | {
      readonly type: 'checkpoint-reset';
      readonly shardId: string;
      readonly sequenceNumber: string;
      readonly error: unknown;
    }
  | { readonly type: 'shard-finished'; readonly shardId: string }
  | { readonly type: 'discovery-error'; readonly error: unknown };

/** Where the runner writes what an operator should know (Powertools' Logger fits). */
export interface EventSourceLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Per shard state, as returned by `lag()`. */
export interface ShardLag {
  readonly shardId: string;
  /** Last sequence number processed (delivered, or discarded to the on-failure destination). */
  readonly checkpoint: string | undefined;
  readonly finished: boolean;
  /** From the last GetRecords. */
  readonly millisBehindLatest: number;
  /** Records read but not yet processed. */
  readonly pendingRecords: number;
  readonly delivering: boolean;
  readonly waitingForParent: boolean;
}
