import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient } from '#adapters/kinesis-client';
import { ensureStream, startLocalKinesis } from '#local/kinesis';
import type { PutRecordsClient } from '#producers/ingest';

/** One record read back from the stream. */
export interface StreamedRecord {
  readonly partitionKey: string;
  readonly bytes: number;
  /** The record's data parsed as JSON (the ingest writes a JSON array of canonical readings). */
  readonly readings: Array<{
    deviceId: string;
    messageId?: string;
    time: string | number;
    measures: Record<string, unknown>;
  }>;
}

/** A kinesalite in a temp directory, and helpers to make fresh streams and read them back. */
export interface StreamFixture {
  readonly endpoint: string;
  readonly client: KinesisClient;
  /** Creates a new, empty stream and returns its name. */
  newStream(shards?: number): Promise<string>;
  /** Every record of the stream, from TRIM_HORIZON of every shard. */
  readAll(streamName: string): Promise<StreamedRecord[]>;
  close(): Promise<void>;
}

let streams = 0;

export async function startStreamFixture(): Promise<StreamFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'producers-test-'));
  const local = await startLocalKinesis({ port: 0, dataDir });
  const client = createKinesisClient(local.endpoint);
  return {
    endpoint: local.endpoint,
    client,
    async newStream(shards = 1) {
      const name = `readings-${process.pid}-${++streams}`;
      await ensureStream(client, name, shards);
      return name;
    },
    async readAll(streamName) {
      const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
      const out: StreamedRecord[] = [];
      for (const shard of Shards) {
        let iterator = (
          await client.send(
            new GetShardIteratorCommand({
              StreamName: streamName,
              ShardId: shard.ShardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
        while (iterator) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
          for (const r of page.Records ?? []) {
            const text = Buffer.from(r.Data ?? new Uint8Array()).toString('utf8');
            out.push({
              partitionKey: r.PartitionKey ?? '',
              bytes: r.Data?.length ?? 0,
              readings: JSON.parse(text),
            });
          }
          if ((page.Records ?? []).length === 0) break;
          iterator = page.NextShardIterator;
        }
      }
      return out;
    },
    async close() {
      client.destroy();
      await local.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Decides, per PutRecords entry and attempt, whether the entry fails and with which error code. */
export type FaultRule = (entry: {
  readonly index: number;
  readonly attempt: number;
  readonly partitionKey: string;
}) => 'ProvisionedThroughputExceededException' | 'InternalFailure' | undefined;

/**
 * A PutRecords client over a real kinesalite that fails chosen entries the way Kinesis does (kinesalite never
 * reports partial failures): failed entries are not forwarded, so they are truly absent from the stream, and
 * the answer carries ErrorCode at their positions, in request order.
 */
export function faultyPutRecordsClient(
  real: KinesisClient,
  rule: FaultRule,
): PutRecordsClient & { calls: number } {
  const state = { calls: 0 };
  return {
    get calls() {
      return state.calls;
    },
    async send(command, options) {
      const attempt = state.calls++;
      const entries = command.input.Records ?? [];
      const verdicts = entries.map((e, index) =>
        rule({ index, attempt, partitionKey: e.PartitionKey ?? '' }),
      );
      const forward = entries.filter((_, i) => verdicts[i] === undefined);
      let forwarded: PutRecordsCommandOutput['Records'] = [];
      if (forward.length > 0) {
        const out = await real.send(new PutRecordsCommand({ ...command.input, Records: forward }), options);
        forwarded = out.Records ?? [];
      }
      let next = 0;
      const records = verdicts.map((code) =>
        code === undefined ? forwarded[next++]! : { ErrorCode: code, ErrorMessage: `injected ${code}` },
      );
      return {
        $metadata: {},
        FailedRecordCount: verdicts.filter((v) => v !== undefined).length,
        Records: records,
      } as PutRecordsCommandOutput;
    },
  };
}
