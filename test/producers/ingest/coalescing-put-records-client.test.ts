import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';
import { ensureStream, type LocalKinesis, startLocalKinesis } from '#local/kinesis';
import { CoalescingPutRecordsClient } from '#producers/ingest/coalescing-put-records-client';

describe('CoalescingPutRecordsClient on kinesalite', () => {
  let dir: string;
  let server: LocalKinesis;
  let kinesis: ReturnType<typeof createKinesisClient>;
  const calls: number[] = [];
  const counting = {
    send: (command: PutRecordsCommand) => {
      calls.push(command.input.Records?.length ?? 0);
      return kinesis.send(command);
    },
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coalesce-'));
    server = await startLocalKinesis({ port: 0, dataDir: join(dir, 'kinesis') });
    kinesis = createKinesisClient(server.endpoint);
    await ensureStream(kinesis, 'readings', 2);
  });
  afterAll(async () => {
    kinesis.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (client: CoalescingPutRecordsClient, keys: string[]) =>
    client.send(
      new PutRecordsCommand({
        StreamName: 'readings',
        Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from(k) })),
      }),
    );

  it('merges concurrent calls into fewer calls and gives each caller its own results, in order', async () => {
    calls.length = 0;
    const client = new CoalescingPutRecordsClient(counting, 1);
    const callers = Array.from({ length: 20 }, (_, c) =>
      Array.from({ length: 3 }, (_, e) => `dev_${c}_${e}`),
    );
    const outputs = await Promise.all(callers.map((keys) => put(client, keys)));
    expect(calls.reduce((a, b) => a + b, 0)).toBe(60);
    expect(calls.length).toBeLessThan(20);
    outputs.forEach((out: PutRecordsCommandOutput) => {
      expect(out.Records).toHaveLength(3);
      expect(out.FailedRecordCount).toBe(0);
      for (const r of out.Records ?? []) expect(r.SequenceNumber).toMatch(/^\d+$/);
    });
  });

  it("reports each caller's failed entries in its own output", async () => {
    server.setFaults({
      putRecordsEntry: (e) => (e.partitionKey.endsWith('_bad') ? 'InternalFailure' : undefined),
    });
    try {
      const client = new CoalescingPutRecordsClient(counting, 1);
      const [a, b] = await Promise.all([
        put(client, ['a_ok', 'a_bad']),
        put(client, ['b_bad', 'b_ok', 'b_ok2']),
      ]);
      expect(a?.Records?.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'InternalFailure']);
      expect(a?.FailedRecordCount).toBe(1);
      expect(b?.Records?.map((r) => r.ErrorCode ?? 'ok')).toEqual(['InternalFailure', 'ok', 'ok']);
      expect(b?.FailedRecordCount).toBe(1);
    } finally {
      server.setFaults(undefined);
    }
  });

  it('never merges beyond 500 entries in one call', async () => {
    calls.length = 0;
    const client = new CoalescingPutRecordsClient(counting, 1);
    await Promise.all(
      Array.from({ length: 4 }, (_, c) =>
        put(
          client,
          Array.from({ length: 200 }, (_, e) => `k${c}_${e}`),
        ),
      ),
    );
    expect(Math.max(...calls)).toBeLessThanOrEqual(500);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(800);
  });

  it('fails a waiting call whose caller gave up, without sending it', async () => {
    calls.length = 0;
    const slow = {
      send: async (command: PutRecordsCommand) => {
        await new Promise((r) => setTimeout(r, 100));
        return counting.send(command);
      },
    };
    const client = new CoalescingPutRecordsClient(slow, 1);
    const first = put(client, ['x1']);
    const controller = new AbortController();
    const second = client.send(
      new PutRecordsCommand({
        StreamName: 'readings',
        Records: [{ PartitionKey: 'x2', Data: Buffer.from('x') }],
      }),
      { abortSignal: controller.signal },
    );
    controller.abort(new Error('deadline'));
    await expect(second).rejects.toThrow('deadline');
    await first;
    expect(calls).toEqual([1]);
  });
});
