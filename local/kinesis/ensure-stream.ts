import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { StreamNotReadyError } from './errors';

/** Options for {@link ensureStream}. */
export interface EnsureStreamOptions {
  /** How long to wait for the stream to become ACTIVE. @default 30_000 */
  readonly timeoutMs?: number;
  /** Delay between two DescribeStreamSummary calls. @default 50 */
  readonly pollIntervalMs?: number;
}

/** What {@link ensureStream} found or made. */
export interface EnsuredStream {
  readonly streamName: string;
  readonly streamArn: string;
  /** Open shards (a stream that already existed keeps its own count, which may differ from the one asked). */
  readonly openShardCount: number;
  readonly retentionPeriodHours: number;
  /** True when this call created the stream. */
  readonly created: boolean;
}

/**
 * Creates the stream with `shardCount` shards when it does not exist, then waits until it is ACTIVE.
 * Idempotent: an existing stream (also one persisted by an earlier run on the same data directory, or one
 * created concurrently) is accepted as it is; its shard count is reported, not changed.
 *
 * Fails with {@link StreamNotReadyError} when the stream is not ACTIVE within `timeoutMs` — with kinesalite
 * this happens when a previous process died in the instant between CreateStream and ACTIVE, which leaves the
 * stream CREATING in the data directory for ever (delete the directory to recover).
 */
export async function ensureStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
  options: EnsureStreamOptions = {},
): Promise<EnsuredStream> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  let created = false;
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    created = true;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  let lastStatus: string | undefined;
  for (;;) {
    try {
      const { StreamDescriptionSummary: s } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      lastStatus = s?.StreamStatus;
      if (s !== undefined && (s.StreamStatus === 'ACTIVE' || s.StreamStatus === 'UPDATING')) {
        return {
          streamName,
          streamArn: s.StreamARN ?? '',
          openShardCount: s.OpenShardCount ?? shardCount,
          retentionPeriodHours: s.RetentionPeriodHours ?? 24,
          created,
        };
      }
    } catch (error) {
      // Right after CreateStream an eventually consistent service may not know the stream yet.
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() >= deadline) {
      throw new StreamNotReadyError(
        `Stream ${streamName} is not ACTIVE after ${timeoutMs} ms (last status: ${lastStatus ?? 'not found'}). ` +
          'If it stays CREATING on a local data directory, a previous run stopped while creating it: ' +
          'delete the local Kinesis data directory and start again.',
        streamName,
        lastStatus,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}
