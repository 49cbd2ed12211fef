import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { RetriesExhaustedError, retry } from '#adapters/retry';
import type { BatchWriter, StreamRecord } from '../writer/batch-writer';
import { type ReplayState, saveReplayState } from './replay-state';

export interface ReplayProgress {
  readonly records: number;
  readonly readings: number;
  /** arrival time (epoch ms) of the last record replayed */
  readonly positionMs: number;
  readonly shardId: string;
}

export interface StreamReplayDeps {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly writer: BatchWriter;
  readonly stateFile: string;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** attempts at a batch that keeps failing before the replay stops (resumable) */
  readonly maxBatchAttempts?: number;
  readonly now?: () => number;
}

/** The replay stopped on a batch that could not be written; run it again with --resume after the fix. */
export class ReplayBatchError extends Error {
  override readonly name = 'ReplayBatchError';
  constructor(
    readonly shardId: string,
    readonly sequenceNumber: string,
    override readonly cause: Error,
  ) {
    super(
      `replay stopped at ${shardId} sequence ${sequenceNumber}: ${cause.message}. Fix the cause and run the replay again with --resume`,
      { cause },
    );
  }
}

const getRecordsLimit = 10_000;

async function listAllShards(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const page = await kinesis.send(
      token ? new ListShardsCommand({ NextToken: token }) : new ListShardsCommand({ StreamName: streamName }),
    );
    shards.push(...(page.Shards ?? []));
    token = page.NextToken;
  } while (token);
  return shards;
}

function toStreamRecord(shardId: string, record: KinesisRecord): StreamRecord {
  return {
    data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
    sequenceNumber: record.SequenceNumber ?? '',
    partitionKey: record.PartitionKey ?? '',
    shardId,
    approximateArrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
  };
}

/**
 * Re-reads every shard of the stream from `from` (AT_TIMESTAMP) up to `to` or the tip, and runs the records
 * through the writer with the Lambda's semantics: the same dedupe, conversion and Versions (the original
 * arrival times), so re-writing what is already stored changes nothing. Progress is persisted after every
 * batch; a replay that stops can continue from there. Parent shards are read before their children.
 */
export async function replayStream(deps: StreamReplayDeps, initial: ReplayState): Promise<ReplayState> {
  const { kinesis, streamName, stateFile } = deps;
  const now = deps.now ?? Date.now;
  const fromMs = Date.parse(initial.from);
  const toMs = initial.to ? Date.parse(initial.to) : Number.POSITIVE_INFINITY;
  let state: ReplayState = initial;
  const shards = await listAllShards(kinesis, streamName);
  // parents before children, so that a device's readings are replayed in order across a reshard
  const order = (s: Shard) => (s.ParentShardId ? 1 : 0) + (s.AdjacentParentShardId ? 1 : 0);
  shards.sort((a, b) => order(a) - order(b));

  for (const shard of shards) {
    const shardId = shard.ShardId ?? '';
    const saved = state.shards[shardId];
    if (saved?.done) continue;
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand(
          saved?.lastSequenceNumber
            ? {
                StreamName: streamName,
                ShardId: shardId,
                ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                StartingSequenceNumber: saved.lastSequenceNumber,
              }
            : {
                StreamName: streamName,
                ShardId: shardId,
                ShardIteratorType: 'AT_TIMESTAMP',
                Timestamp: new Date(fromMs),
              },
        ),
      )
    ).ShardIterator;
    let lastSequenceNumber = saved?.lastSequenceNumber;
    let done = false;
    while (iterator && !done) {
      const page = await retry(
        () => kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: getRecordsLimit })),
        {
          deadline: now() + 60_000,
          isRetryable: (e) => e instanceof Error && /Throughput|Throttl|LimitExceeded/.test(e.name),
          baseDelayMs: 100,
          maxDelayMs: 2_000,
        },
      );
      const inRange = (page.Records ?? [])
        .map((r) => toStreamRecord(shardId, r))
        .filter((r) => r.approximateArrivalMs <= toMs);
      if (inRange.length < (page.Records?.length ?? 0)) done = true;
      if (inRange.length > 0) {
        const summary = await writeWithRetries(deps, inRange);
        const last = inRange.at(-1) as StreamRecord;
        lastSequenceNumber = last.sequenceNumber;
        state = {
          ...state,
          records: state.records + inRange.length,
          readings: state.readings + summary.readingsIn,
          ...mergeRange(state, summary.minTimeMs, summary.maxTimeMs),
          shards: { ...state.shards, [shardId]: { lastSequenceNumber, done: false } },
        };
        await saveReplayState(stateFile, state);
        deps.onProgress?.({
          records: state.records,
          readings: state.readings,
          positionMs: last.approximateArrivalMs,
          shardId,
        });
      }
      iterator = page.NextShardIterator;
      const atTip = (page.Records?.length ?? 0) === 0 && (page.MillisBehindLatest ?? 0) === 0;
      if (atTip || !iterator) done = true;
    }
    state = { ...state, shards: { ...state.shards, [shardId]: { lastSequenceNumber, done: true } } };
    await saveReplayState(stateFile, state);
  }
  state = { ...state, finished: true };
  await saveReplayState(stateFile, state);
  return state;
}

function mergeRange(state: ReplayState, min: number | undefined, max: number | undefined) {
  if (min === undefined || max === undefined) return {};
  return {
    minTimeMs: Math.min(state.minTimeMs ?? min, min),
    maxTimeMs: Math.max(state.maxTimeMs ?? max, max),
  };
}

/** Some records of a write attempt failed; the next attempt resumes from the lowest of them. */
class RecordsNotWritten extends Error {
  override readonly name = 'RecordsNotWritten';
  constructor(
    /** The records from the lowest failed one on, in order. */
    readonly pending: StreamRecord[],
    /** Why the lowest failed record failed. */
    override readonly cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

/**
 * Writes the records, retrying from the lowest failed one (the writer is idempotent, so already stored readings
 * are skipped or rewritten unchanged) with backoff; gives up with a resumable error after `maxBatchAttempts`.
 */
async function writeWithRetries(deps: StreamReplayDeps, records: StreamRecord[]) {
  const attempts = deps.maxBatchAttempts ?? 8;
  let pending = records;
  let readingsIn = 0;
  let minTimeMs: number | undefined;
  let maxTimeMs: number | undefined;
  const attempt = async (n: number) => {
    const { failures, summary } = await deps.writer.write(pending, { deadline: Date.now() + 30_000 });
    readingsIn += n === 1 ? summary.readingsIn : 0;
    if (summary.minTimeMs !== undefined)
      minTimeMs = Math.min(minTimeMs ?? summary.minTimeMs, summary.minTimeMs);
    if (summary.maxTimeMs !== undefined)
      maxTimeMs = Math.max(maxTimeMs ?? summary.maxTimeMs, summary.maxTimeMs);
    if (failures.size === 0) return;
    // as the event source does: resume from the lowest failed record, in order
    const firstFailed = pending.findIndex((r) => failures.has(r.sequenceNumber));
    const failed = pending[firstFailed] as StreamRecord;
    throw new RecordsNotWritten(pending.slice(firstFailed), failures.get(failed.sequenceNumber) as Error);
  };
  try {
    await retry(attempt, {
      isRetryable: (error) => error instanceof RecordsNotWritten,
      retries: attempts - 1,
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      onRetry: (error) => {
        pending = (error as RecordsNotWritten).pending;
      },
    });
  } catch (error) {
    const last = error instanceof RetriesExhaustedError ? error.cause : error;
    if (!(last instanceof RecordsNotWritten)) throw error;
    const failed = last.pending[0] as StreamRecord;
    throw new ReplayBatchError(failed.shardId, failed.sequenceNumber, last.cause);
  }
  return { readingsIn, minTimeMs, maxTimeMs };
}
