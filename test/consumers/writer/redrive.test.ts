import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';
import type { DeadLetter } from '#consumers/writer/dead-letter/dead-letter-sink';
import { FileDeadLetterSink } from '#consumers/writer/dead-letter/file-dead-letter-sink';
import { redriveDeadLetters } from '#consumers/writer/dead-letter/redrive';
import { ensureStream, type LocalKinesis, startLocalKinesis } from '#local/kinesis';

const letter = (i: number, code: DeadLetter['code']): DeadLetter => ({
  id: `shardId-000000000000:${i}`,
  code,
  reason: 'test',
  source: {
    shardId: 'shardId-000000000000',
    sequenceNumber: String(i),
    partitionKey: `device_${i}`,
    approximateArrivalTime: new Date().toISOString(),
  },
  payload: Buffer.from(
    JSON.stringify({ deviceId: `device_${i}`, time: Date.now(), measures: { co2: i } }),
  ).toString('base64'),
  deadLetteredAt: new Date().toISOString(),
});

describe('redriveDeadLetters', () => {
  let dir: string;
  let server: LocalKinesis;
  let kinesis: ReturnType<typeof createKinesisClient>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redrive-'));
    server = await startLocalKinesis({ port: 0, dataDir: join(dir, 'kinesis') });
    kinesis = createKinesisClient(server.endpoint);
    await ensureStream(kinesis, 'readings', 1);
  });
  afterAll(async () => {
    kinesis.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function streamContents() {
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'readings' }));
    const out: { key: string; data: string }[] = [];
    for (const shard of Shards) {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: 'readings',
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      for (const r of page.Records ?? [])
        out.push({ key: r.PartitionKey ?? '', data: Buffer.from(r.Data ?? []).toString() });
    }
    return out;
  }

  it('puts the chosen letters back into the stream with their keys and removes only those accepted', async () => {
    // Prepare: three letters; the stream refuses device_2's entry every time
    const sink = new FileDeadLetterSink(join(dir, 'dead-letters.jsonl'));
    await sink.send([
      letter(1, 'invalid-payload'),
      letter(2, 'invalid-payload'),
      letter(3, 'version-conflict'),
    ]);
    server.setFaults({
      putRecordsEntry: (entry) =>
        entry.partitionKey === 'device_2' ? 'ProvisionedThroughputExceededException' : undefined,
    });
    // Act
    const result = await redriveDeadLetters(sink, kinesis, 'readings', {
      limit: 100,
      code: 'invalid-payload',
      attempts: 2,
    });
    server.setFaults(undefined);
    // Assess
    expect(result).toEqual({ considered: 2, redriven: 1 });
    const left = (await sink.list(100)).map((l) => l.letter.id);
    expect(left).toEqual(['shardId-000000000000:2', 'shardId-000000000000:3']);
    const stream = await streamContents();
    expect(stream).toHaveLength(1);
    expect(stream[0]?.key).toBe('device_1');
    expect(JSON.parse(stream[0]?.data ?? '{}')).toMatchObject({ deviceId: 'device_1', measures: { co2: 1 } });
  });
});
