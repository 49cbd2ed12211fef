import { setTimeout as delay } from 'node:timers/promises';
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { CheckpointFile, type Checkpoints, type ShardCheckpoint } from './checkpoint-file';
import { CaughtUpTimeoutError, EventSourceStoppedError } from './errors';
import type { KinesisBatchHandler } from './invoke-handler';
import type { OnFailureDestination } from './on-failure-record';
import type { EventSourceLogger, EventSourceRunnerEvent, ShardLag } from './runner-events';
import { type EventSourceSettings, parseEventSourceSettings } from './settings';
import { type ShardStart, ShardWorker, type ShardWorkerEnv } from './shard-worker';

/** Options for {@link startEventSourceRunner}. */
export interface EventSourceRunnerOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly handler: KinesisBatchHandler;
  readonly settings: EventSourceSettings;
  /** JSON file with the last processed sequence number per shard (created if missing). */
  readonly checkpointFile: string;
  /** Receives the metadata of discarded records; retried until it succeeds. Without it they are logged as errors. */
  readonly onFailure?: OnFailureDestination;
  /** Observability: every batch, failure, discard, poll error. Must not throw. */
  readonly onEvent?: (event: EventSourceRunnerEvent) => void;
  /** @default warnings and errors to the console */
  readonly logger?: EventSourceLogger;
  /** The function's name in contexts and ARNs. @default 'writer' */
  readonly functionName?: string;
  /** @default 128 */
  readonly memoryLimitInMB?: number;
  /** Delay between two GetRecords of a shard with nothing new. @default 250 (Lambda polls each shard about once a second) */
  readonly pollIntervalMs?: number;
  /** How often ListShards looks for new shards (resharding). @default 10_000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Backoff before a retry: base * 2^(retry-1), at most max. @default { baseMs: 500, maxMs: 30_000 } */
  readonly retryBackoff?: { readonly baseMs: number; readonly maxMs: number };
  /** The clock used for record ages and on-failure timestamps (tests move it forward). @default Date.now */
  readonly now?: () => number;
}

/** A running event source, see {@link startEventSourceRunner}. */
export interface EventSourceRunner {
  readonly streamArn: string;
  /** Lets the in-flight invocation finish, stops polling, persists the checkpoints. Idempotent. */
  stop(): Promise<void>;
  /**
   * Resolves when every shard found so far has processed all records that were in the stream when this was
   * called (and is not retrying anything). Fails with {@link CaughtUpTimeoutError} after `timeoutMs` (default
   * 30 s), with {@link EventSourceStoppedError} once stopped.
   */
  whenCaughtUp(timeoutMs?: number): Promise<void>;
  /** Per shard progress. */
  lag(): ShardLag[];
  /** The checkpoints as they stand (also what the file holds once saved). */
  checkpoints(): Checkpoints;
}

const consoleLogger: EventSourceLogger = {
  info: () => undefined,
  warn: (message, extra) => console.warn(message, extra ?? ''),
  error: (message, extra) => console.error(message, extra ?? ''),
};

/**
 * Runs, for a (local) Kinesis stream, what Lambda's event source mapping does for a function: discovers shards
 * (also new ones after resharding; a child waits for its parents), polls each shard, hands batches to `handler`
 * as real `KinesisStreamEvent`s with a Lambda `Context`, and honours BatchSize, MaximumBatchingWindowInSeconds,
 * ReportBatchItemFailures, BisectBatchOnFunctionError, MaximumRetryAttempts, MaximumRecordAgeInSeconds and the
 * function timeout. Checkpoints go to `checkpointFile`, so a restart resumes where it stopped.
 *
 * ParallelizationFactor above 1 is accepted but not honoured: one batch per shard is in flight (logged).
 *
 * @example
 * const runner = await startEventSourceRunner({
 *   kinesis, streamName: config.streamName, handler, settings: eventSourceSettingsFrom(config),
 *   checkpointFile: '.data/event-source/writer.json', onFailure: (record) => dlq.send(record),
 * });
 * process.once('SIGTERM', () => void runner.stop());
 */
export async function startEventSourceRunner(options: EventSourceRunnerOptions): Promise<EventSourceRunner> {
  const settings = parseEventSourceSettings(options.settings);
  const logger = options.logger ?? consoleLogger;
  const functionName = options.functionName ?? 'writer';
  const { kinesis, streamName } = options;
  if (settings.parallelizationFactor > 1) {
    logger.warn('ParallelizationFactor > 1 is not supported locally; each shard runs one batch at a time', {
      parallelizationFactor: settings.parallelizationFactor,
    });
  }
  const { StreamDescriptionSummary: summary } = await kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: streamName }),
  );
  const streamArn = summary?.StreamARN ?? `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`;
  const [, , , region = 'us-east-1', account = '000000000000'] = streamArn.split(':');
  const retentionMs = (summary?.RetentionPeriodHours ?? 24) * 3_600_000;

  const file = new CheckpointFile(options.checkpointFile, streamName);
  const checkpoints: Record<string, ShardCheckpoint> = { ...(await file.load()) };
  const abort = new AbortController();
  const workers = new Map<string, ShardWorker>();
  const running: Promise<void>[] = [];
  const emit = (event: EventSourceRunnerEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      logger.error('onEvent listener threw', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const env: ShardWorkerEnv = {
    kinesis,
    streamName,
    handler: options.handler,
    settings,
    identity: {
      streamArn,
      awsRegion: region,
      invokeIdentityArn: `arn:aws:iam::${account}:role/${functionName}-role`,
    },
    fn: {
      functionName,
      functionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
      memoryLimitInMB: options.memoryLimitInMB ?? 128,
    },
    expiryAgeMs:
      settings.maximumRecordAgeInSeconds === -1 ? retentionMs : settings.maximumRecordAgeInSeconds * 1000,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    retryBaseMs: options.retryBackoff?.baseMs ?? 500,
    retryMaxMs: options.retryBackoff?.maxMs ?? 30_000,
    now: options.now ?? Date.now,
    signal: abort.signal,
    onFailure: options.onFailure,
    emit,
    logger,
    saveCheckpoint: (shardId, checkpoint) => {
      checkpoints[shardId] = checkpoint;
      return file.save({ ...checkpoints });
    },
    isFinished: (shardId) => workers.get(shardId)?.isFinished ?? checkpoints[shardId]?.finished === true,
  };

  const initialStart: ShardStart =
    settings.startingPosition === 'AT_TIMESTAMP'
      ? { type: 'AT_TIMESTAMP', timestamp: settings.startingPositionTimestamp ?? new Date() }
      : { type: settings.startingPosition };

  const discover = async (start: ShardStart) => {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await kinesis.send(
        new ListShardsCommand(
          nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken },
        ),
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (shardId === undefined || workers.has(shardId)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => p !== undefined && shards.some((s) => s.ShardId === p),
      );
      const worker = new ShardWorker(env, shardId, parents, checkpoints[shardId], start);
      workers.set(shardId, worker);
      running.push(worker.run());
    }
  };

  await discover(initialStart);
  const discoveryIntervalMs = options.shardDiscoveryIntervalMs ?? 10_000;
  const discovery = (async () => {
    for (;;) {
      try {
        await delay(discoveryIntervalMs, undefined, { signal: abort.signal });
      } catch {
        return; // stopped
      }
      try {
        // Shards appearing later are children of a reshard: Lambda reads them from their start.
        await discover({ type: 'TRIM_HORIZON' });
      } catch (error) {
        emit({ type: 'discovery-error', error });
        logger.error('ListShards failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  })();

  let stopping: Promise<void> | undefined;
  const lag = () => [...workers.values()].map((w) => w.lag());
  return {
    streamArn,
    stop() {
      stopping ??= (async () => {
        abort.abort();
        await discovery;
        await Promise.all(running);
        await file.save({ ...checkpoints });
      })();
      return stopping;
    },
    async whenCaughtUp(timeoutMs = 30_000) {
      const since = Date.now();
      const deadline = since + timeoutMs;
      for (;;) {
        if (abort.signal.aborted) throw new EventSourceStoppedError();
        if ([...workers.values()].every((w) => w.caughtUpSince(since))) return;
        if (Date.now() >= deadline) throw new CaughtUpTimeoutError(timeoutMs, lag());
        await delay(10);
      }
    },
    lag,
    checkpoints: () => ({ ...checkpoints }),
  };
}
