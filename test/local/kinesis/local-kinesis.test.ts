import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';
import { ensureStream, type LocalKinesis, LocalKinesisStartError, startLocalKinesis } from '#local/kinesis';

const streamName = 'readings';
const shard0 = 'shardId-000000000000';

async function readAll(client: KinesisClient, iterator: string | undefined): Promise<string[]> {
  const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
  return Records.map((r) => Buffer.from(r.Data ?? []).toString());
}

async function iterator(
  client: KinesisClient,
  input: Omit<ConstructorParameters<typeof GetShardIteratorCommand>[0], 'StreamName' | 'ShardId'>,
): Promise<string | undefined> {
  const out = await client.send(
    new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard0, ...input }),
  );
  return out.ShardIterator;
}

/** Puts records whose keys all land on shard 0 of a 1-shard stream. */
async function put(client: KinesisClient, values: string[]) {
  return client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: values.map((v) => ({ PartitionKey: `device-${v}`, Data: Buffer.from(v) })),
    }),
  );
}

describe('local Kinesis (kinesalite)', () => {
  let dataDir: string;
  let local: LocalKinesis;
  let client: KinesisClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-kinesis-'));
    local = await startLocalKinesis({ dataDir, streamName, shardCount: 1 });
    client = createKinesisClient(local.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await local?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on a free loopback port and has the stream ACTIVE at once', async () => {
    expect(local.endpoint).toBe(`http://127.0.0.1:${local.port}`);
    expect(local.port).toBeGreaterThan(0);
    const again = await ensureStream(client, streamName, 1);
    expect(again).toMatchObject({ streamName, created: false, openShardCount: 1 });
    expect(again.streamArn).toMatch(/^arn:aws:kinesis:[a-z0-9-]+:\d{12}:stream\/readings$/);
  });

  it('answers PutRecords in request order with a sequence number and shard per entry', async () => {
    const out = await put(client, ['a', 'b', 'c']);
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(3);
    const seqs = (out.Records ?? []).map((r) => {
      expect(r.ShardId).toBe(shard0);
      expect(r.ErrorCode).toBeUndefined();
      return BigInt(r.SequenceNumber ?? '0');
    });
    expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
  });

  it('rejects a record over 1 MiB with the SDK’s ValidationException', async () => {
    const tooBig = new PutRecordCommand({
      StreamName: streamName,
      PartitionKey: 'k',
      Data: Buffer.alloc(1_048_577),
    });
    await expect(client.send(tooBig)).rejects.toBeInstanceOf(ValidationException);
  });

  it('reads with TRIM_HORIZON, AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP, arrival times in real time', async () => {
    const before = Date.now();
    const first = await put(client, ['t1', 't2']);
    const afterFirst = Date.now();
    await new Promise((r) => setTimeout(r, 20)); // two arrival times at least 20 ms apart
    const split = new Date();
    await put(client, ['t3']);

    const horizon = await readAll(client, await iterator(client, { ShardIteratorType: 'TRIM_HORIZON' }));
    expect(horizon.slice(-3)).toEqual(['t1', 't2', 't3']);

    const seqT1 = first.Records?.[0]?.SequenceNumber;
    const after = await readAll(
      client,
      await iterator(client, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: seqT1 }),
    );
    expect(after).toEqual(['t2', 't3']);

    const atTime = await readAll(
      client,
      await iterator(client, { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: split }),
    );
    expect(atTime).toEqual(['t3']);

    const { Records = [] } = await client.send(
      new GetRecordsCommand({ ShardIterator: await iterator(client, { ShardIteratorType: 'TRIM_HORIZON' }) }),
    );
    const t1 = Records.find((r) => r.SequenceNumber === seqT1);
    const arrival = t1?.ApproximateArrivalTimestamp?.getTime() ?? 0;
    expect(arrival).toBeGreaterThanOrEqual(before);
    expect(arrival).toBeLessThanOrEqual(afterFirst);
  });

  it('answers AT_TIMESTAMP after the newest record with an iterator for later records (kinesalite would hang)', async () => {
    const it1 = await iterator(client, { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date() });
    await new Promise((r) => setTimeout(r, 5));
    await put(client, ['later']);
    expect(await readAll(client, it1)).toEqual(['later']);
  });

  it('lists shards for the event source', async () => {
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    expect(Shards.map((s) => s.ShardId)).toEqual([shard0]);
  });
});

describe('local Kinesis persistence', () => {
  it('keeps streams and records across a restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-kinesis-restart-'));
    try {
      const first = await startLocalKinesis({ dataDir, streamName, shardCount: 1 });
      const c1 = createKinesisClient(first.endpoint);
      const before = await put(c1, ['old']);
      c1.destroy();
      await first.close();

      const second = await startLocalKinesis({ dataDir });
      const c2 = createKinesisClient(second.endpoint);
      try {
        expect(await ensureStream(c2, streamName, 1)).toMatchObject({ created: false });
        const after = await put(c2, ['new']);
        expect(BigInt(after.Records?.[0]?.SequenceNumber ?? '0')).toBeGreaterThan(
          BigInt(before.Records?.[0]?.SequenceNumber ?? '0'),
        );
        expect(await readAll(c2, await iterator(c2, { ShardIteratorType: 'TRIM_HORIZON' }))).toEqual([
          'old',
          'new',
        ]);
      } finally {
        c2.destroy();
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a data directory that a running local Kinesis holds, with a typed error', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-kinesis-lock-'));
    const first = await startLocalKinesis({ dataDir });
    try {
      const second = startLocalKinesis({ dataDir });
      await expect(second).rejects.toBeInstanceOf(LocalKinesisStartError);
      await expect(second).rejects.toMatchObject({ dataDir });
    } finally {
      await first.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('creates a stream only once when ensured concurrently', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-kinesis-ensure-'));
    const local = await startLocalKinesis({ dataDir });
    const client = createKinesisClient(local.endpoint);
    try {
      const results = await Promise.all([ensureStream(client, 'x', 2), ensureStream(client, 'x', 2)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(results.map((r) => r.openShardCount)).toEqual([2, 2]);
    } finally {
      client.destroy();
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('local Kinesis fault injection', () => {
  it('fails chosen PutRecords entries with the shape Kinesis uses, storing only the others', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-kinesis-faults-'));
    const local = await startLocalKinesis({
      dataDir,
      streamName,
      faults: {
        putRecordsEntry: ({ partitionKey, index }) =>
          partitionKey.startsWith('hot')
            ? 'ProvisionedThroughputExceededException'
            : index === 3
              ? 'InternalFailure'
              : undefined,
      },
    });
    const client = createKinesisClient(local.endpoint);
    try {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: ['ok-0', 'hot-1', 'ok-2', 'ok-3'].map((v) => ({ PartitionKey: v, Data: Buffer.from(v) })),
        }),
      );
      expect(out.FailedRecordCount).toBe(2);
      expect(out.Records?.[0]).toMatchObject({ ShardId: shard0, SequenceNumber: expect.any(String) });
      expect(out.Records?.[1]).toEqual({
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: expect.stringContaining('Rate exceeded'),
      });
      expect(out.Records?.[2]).toMatchObject({ ShardId: shard0 });
      expect(out.Records?.[3]).toMatchObject({ ErrorCode: 'InternalFailure' });

      local.setFaults(undefined);
      const resent = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: ['hot-1', 'ok-3'].map((v) => ({ PartitionKey: v, Data: Buffer.from(v) })),
        }),
      );
      expect(resent.FailedRecordCount).toBe(0);
      const stored = await readAll(client, await iterator(client, { ShardIteratorType: 'TRIM_HORIZON' }));
      expect(stored).toEqual(['ok-0', 'ok-2', 'hot-1', 'ok-3']);
    } finally {
      client.destroy();
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('local Kinesis fault injection when every entry fails', () => {
  it('still reports a missing stream', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-kinesis-faults-all-'));
    const local = await startLocalKinesis({ dataDir, faults: { putRecordsEntry: () => 'InternalFailure' } });
    const client = createKinesisClient(local.endpoint);
    try {
      const put = client.send(
        new PutRecordsCommand({
          StreamName: 'missing',
          Records: [{ PartitionKey: 'k', Data: Buffer.from('v') }],
        }),
      );
      await expect(put).rejects.toBeInstanceOf(ResourceNotFoundException);
    } finally {
      client.destroy();
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
