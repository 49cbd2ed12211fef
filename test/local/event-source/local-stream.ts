import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { createKinesisClient } from '#adapters/kinesis-client';
import { defaults } from '#core/config';
import {
  type EventSourceLogger,
  type EventSourceSettings,
  eventSourceSettingsFrom,
} from '#local/event-source';
import { ensureStream, type LocalKinesis, startLocalKinesis } from '#local/kinesis';

/** A kinesalite on a free port and temp directory, shared by the tests of one file. */
export interface LocalStreams {
  readonly kinesis: KinesisClient;
  readonly endpoint: string;
  readonly dir: string;
  /** Creates a fresh stream (unique name) and returns its name. */
  stream(shardCount?: number): Promise<string>;
  close(): Promise<void>;
}

let streamCounter = 0;

export async function startLocalStreams(): Promise<LocalStreams> {
  const dir = await mkdtemp(join(tmpdir(), 'event-source-'));
  const local: LocalKinesis = await startLocalKinesis({ dataDir: join(dir, 'kinesis') });
  const kinesis = createKinesisClient(local.endpoint);
  return {
    kinesis,
    endpoint: local.endpoint,
    dir,
    async stream(shardCount = 1) {
      streamCounter++;
      const name = `s${streamCounter}-${process.pid}`;
      await ensureStream(kinesis, name, shardCount);
      return name;
    },
    async close() {
      kinesis.destroy();
      await local.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Puts `values` (as UTF-8 data) in order, one PutRecords call; returns their sequence numbers. */
export async function putValues(
  kinesis: KinesisClient,
  streamName: string,
  values: string[],
): Promise<string[]> {
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: values.map((v) => ({ PartitionKey: 'device-1', Data: Buffer.from(v) })),
    }),
  );
  return (out.Records ?? []).map((r) => r.SequenceNumber ?? '');
}

/** The values (decoded data) of an event's records. */
export function valuesOf(event: KinesisStreamEvent): string[] {
  return event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
}

/** Test settings: the pipeline defaults, made fast (no batching window, small batches). */
export function testSettings(overrides: Partial<EventSourceSettings> = {}): EventSourceSettings {
  return {
    ...eventSourceSettingsFrom(defaults),
    maximumBatchingWindowInSeconds: 0,
    batchSize: 10,
    ...overrides,
  };
}

/** A logger that keeps what it is told (tests expect failures; the console stays readable). */
const quietLogger: EventSourceLogger & { readonly lines: string[] } = {
  lines: [],
  info: (message) => quietLogger.lines.push(`info ${message}`),
  warn: (message) => quietLogger.lines.push(`warn ${message}`),
  error: (message) => quietLogger.lines.push(`error ${message}`),
};

/** Fast polling and retries for tests. */
export const fast = {
  pollIntervalMs: 20,
  retryBackoff: { baseMs: 5, maxMs: 20 },
  logger: quietLogger,
} as const;
