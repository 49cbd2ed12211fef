import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';
import { replayAndRollUp } from '#consumers/replay/replay-backfill';
import type { ReplayState } from '#consumers/replay/replay-state';
import { loadReplayState } from '#consumers/replay/replay-state';
import { ReplayBatchError } from '#consumers/replay/stream-replay';
import { timestreamDailyRollup } from '#consumers/rollup/daily-rollup-port';
import { BatchWriter } from '#consumers/writer/batch-writer';
import { FileDeadLetterSink } from '#consumers/writer/dead-letter/file-dead-letter-sink';
import type { ReadingSink } from '#consumers/writer/reading-sink';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { createUnitRegistry, RecentKeys } from '#core';
import { readPipelineConfig } from '#core/config';
import { ensureStream, type LocalKinesis, startLocalKinesis } from '#local/kinesis';
import { dailyRollupDeps, startTimestreamStack, type TimestreamStack } from '../local-stack';

const stream = 'readings';
const devices = ['r_1', 'r_2', 'r_3', 'r_4'];
const hour = 3_600_000;

describe('replay: backfill from the stream', () => {
  let stack: TimestreamStack;
  let kinesisServer: LocalKinesis;
  let kinesis: ReturnType<typeof createKinesisClient>;
  let startedAt: string;
  const sent: { deviceId: string; time: number; co2: number }[] = [];

  beforeAll(async () => {
    stack = await startTimestreamStack();
    kinesisServer = await startLocalKinesis({ port: 0, dataDir: join(stack.dataDir, 'kinesis') });
    kinesis = createKinesisClient(kinesisServer.endpoint);
    await ensureStream(kinesis, stream, 2);
    startedAt = new Date(Date.now() - 1000).toISOString();
    // 4 devices x 30 hourly readings over the last days, 10 readings per Kinesis record, plus one copy sent twice
    const base = Date.now() - 40 * hour;
    for (const deviceId of devices) {
      for (let h = 0; h < 30; h++)
        sent.push({ deviceId, time: base + h * hour, co2: 400 + h * 3 + deviceId.length });
    }
    for (let i = 0; i < sent.length; i += 10) {
      const chunk = sent.slice(i, i + 10);
      const payload = chunk.map((r) => ({ deviceId: r.deviceId, time: r.time, measures: { co2: r.co2 } }));
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: [{ Data: Buffer.from(JSON.stringify(payload)), PartitionKey: chunk[0]?.deviceId ?? 'x' }],
        }),
      );
    }
    const again = sent[5];
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [
          {
            Data: Buffer.from(
              JSON.stringify([
                { deviceId: again?.deviceId, time: again?.time, measures: { co2: again?.co2 } },
              ]),
            ),
            PartitionKey: again?.deviceId ?? 'x',
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    kinesis.destroy();
    await kinesisServer.close();
    await stack.close();
  });

  const writer = (sink?: Pick<ReadingSink, 'writeReadings'>) =>
    new BatchWriter({
      sink:
        sink ??
        new TimestreamReadingSink({
          client: stack.write,
          database: stack.config.database,
          table: stack.config.rawTable,
          concurrency: 4,
        }),
      deadLetters: new FileDeadLetterSink(join(stack.dataDir, 'dead-letters.jsonl')),
      units: createUnitRegistry(),
      recent: new RecentKeys(10_000),
    });
  const rollup = () => ({
    timeZone: 'Asia/Tokyo',
    rollup: timestreamDailyRollup(dailyRollupDeps(stack), stack.endpoint),
  });
  const fresh = (): ReplayState => ({
    streamName: stream,
    from: startedAt,
    shards: {},
    records: 0,
    readings: 0,
    finished: false,
  });
  const stored = () =>
    stack.rows(
      `SELECT deviceId, to_milliseconds(time) AS t, co2 FROM "RoomCondition"."conditions" ORDER BY deviceId, t`,
    );
  const expectedRows = () =>
    [...sent]
      .sort((a, b) => (a.deviceId === b.deviceId ? a.time - b.time : a.deviceId < b.deviceId ? -1 : 1))
      .map((r) => ({ deviceId: r.deviceId, t: r.time, co2: r.co2 }));
  const dailyCounts = async () =>
    stack.rows(
      `SELECT deviceId, to_milliseconds(time) AS day, "count", "avg" FROM "RoomCondition"."conditions_daily" ORDER BY deviceId, day`,
    );

  it('restores every reading exactly once after the raw table is emptied, and the rollup matches again', async () => {
    // Prepare: a first pass, as the writer Lambda would have stored it, and its rollup
    const first = await replayAndRollUp(
      { kinesis, streamName: stream, writer: writer(), stateFile: join(stack.dataDir, 'replay-1.json') },
      fresh(),
      rollup(),
    );
    expect(first.state.finished).toBe(true);
    expect(await stored()).toEqual(expectedRows());
    const aggregatesBefore = await dailyCounts();
    expect(aggregatesBefore.reduce((n, r) => n + (r.count as number), 0)).toBe(sent.length);

    // Act: the raw table is lost and recreated empty, then the stream is replayed
    const config = readPipelineConfig({});
    await stack.write.send(
      new DeleteTableCommand({ DatabaseName: config.database, TableName: config.rawTable }),
    );
    await stack.write.send(
      new CreateTableCommand({
        DatabaseName: config.database,
        TableName: config.rawTable,
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      }),
    );
    expect(await stack.rows(`SELECT count(*) AS n FROM "RoomCondition"."conditions"`)).toEqual([{ n: 0 }]);
    const second = await replayAndRollUp(
      { kinesis, streamName: stream, writer: writer(), stateFile: join(stack.dataDir, 'replay-2.json') },
      fresh(),
      rollup(),
    );

    // Assess
    expect(second.state.records).toBe(first.state.records);
    expect(await stored()).toEqual(expectedRows());
    expect(await dailyCounts()).toEqual(aggregatesBefore);
    expect(second.rollup.length).toBeGreaterThanOrEqual(2);
  });

  it('changes nothing when replayed over data already stored', async () => {
    const before = await stored();
    await replayAndRollUp(
      { kinesis, streamName: stream, writer: writer(), stateFile: join(stack.dataDir, 'replay-3.json') },
      fresh(),
      undefined,
    );
    expect(await stored()).toEqual(before);
  });

  it('stops on a batch that keeps failing and resumes from where it stopped', async () => {
    const stateFile = join(stack.dataDir, 'replay-4.json');
    let calls = 0;
    const real = new TimestreamReadingSink({
      client: stack.write,
      database: stack.config.database,
      table: stack.config.rawTable,
      concurrency: 2,
    });
    const flaky: Pick<ReadingSink, 'writeReadings'> = {
      writeReadings: async (batch, options) => {
        calls++;
        if (calls > 1) return batch.readings.map(() => ({ status: 'failed', error: new Error('down') }));
        return real.writeReadings(batch, options);
      },
    };
    const error = await replayAndRollUp(
      { kinesis, streamName: stream, writer: writer(flaky), stateFile, maxBatchAttempts: 2 },
      fresh(),
      undefined,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayBatchError);
    expect((error as Error).message).toMatch(/run the replay again with --resume/);
    const saved = await loadReplayState(stateFile);
    expect(saved?.finished).toBe(false);
    const resumed = await replayAndRollUp(
      { kinesis, streamName: stream, writer: writer(), stateFile },
      saved as ReplayState,
      undefined,
    );
    expect(resumed.state.finished).toBe(true);
    expect(resumed.state.records).toBe(Math.ceil(sent.length / 10) + 1);
    expect(await stored()).toEqual(expectedRows());
  });
});
