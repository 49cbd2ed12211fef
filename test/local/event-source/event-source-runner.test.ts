import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExpiredIteratorException, PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';
import {
  CaughtUpTimeoutError,
  type EventSourceRunner,
  type EventSourceRunnerEvent,
  type EventSourceRunnerOptions,
  FailureCondition,
  type OnFailureRecord,
  startEventSourceRunner,
} from '#local/event-source';
import { ensureStream } from '#local/kinesis';
import {
  fast,
  type LocalStreams,
  putValues,
  startLocalStreams,
  testSettings,
  valuesOf,
} from './local-stream';

interface Delivery {
  readonly values: string[];
  readonly event: KinesisStreamEvent;
  readonly context: Context;
}

/** A test handler that records every batch and answers through `answer`. */
function recordingHandler(
  answer: (
    event: KinesisStreamEvent,
    deliveries: Delivery[],
  ) => Promise<KinesisStreamBatchResponse | undefined>,
) {
  const deliveries: Delivery[] = [];
  const handler = async (event: KinesisStreamEvent, context: Context) => {
    deliveries.push({ values: valuesOf(event), event, context });
    return answer(event, deliveries);
  };
  return { handler, deliveries, all: () => deliveries.flatMap((d) => d.values) };
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('event source runner', () => {
  let local: LocalStreams;
  let checkpointCounter = 0;
  const runners: EventSourceRunner[] = [];

  beforeAll(async () => {
    local = await startLocalStreams();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await local?.close();
  });

  async function start(
    options: Omit<EventSourceRunnerOptions, 'kinesis' | 'checkpointFile' | 'settings'> & {
      kinesis?: EventSourceRunnerOptions['kinesis'];
      settings?: EventSourceRunnerOptions['settings'];
      checkpointFile?: string;
    },
  ) {
    checkpointCounter++;
    const runner = await startEventSourceRunner({
      kinesis: local.kinesis,
      checkpointFile: join(local.dir, `checkpoints-${checkpointCounter}.json`),
      settings: testSettings(),
      ...fast,
      ...options,
    });
    runners.push(runner);
    return runner;
  }

  it('delivers Lambda-shaped events in order, at most BatchSize records each, with a Lambda context', async () => {
    const streamName = await local.stream();
    const values = range('r', 25);
    const seqs = await putValues(local.kinesis, streamName, values);
    const { handler, deliveries, all } = recordingHandler(async () => undefined);

    const runner = await start({ streamName, handler, settings: testSettings({ batchSize: 10 }) });
    await runner.whenCaughtUp(10_000);

    expect(all()).toEqual(values);
    expect(deliveries.map((d) => d.values.length)).toEqual([10, 10, 5]);
    const first = deliveries[0]!.event.Records[0]!;
    expect(first).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'device-1',
        sequenceNumber: seqs[0],
        data: Buffer.from('r0').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${seqs[0]}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\/writer-role$/),
      awsRegion: expect.any(String),
      eventSourceARN: runner.streamArn,
    });
    // seconds since the epoch, not milliseconds
    expect(Math.abs(first.kinesis.approximateArrivalTimestamp - Date.now() / 1000)).toBeLessThan(60);
    const { context } = deliveries[0]!;
    expect(context.functionName).toBe('writer');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(60_000);
    expect(new Set(deliveries.map((d) => d.context.awsRequestId)).size).toBe(3);
    expect(runner.checkpoints()['shardId-000000000000']?.sequenceNumber).toBe(seqs[24]);
  });

  it('gathers records for MaximumBatchingWindowInSeconds before invoking', async () => {
    const streamName = await local.stream();
    const { handler, deliveries } = recordingHandler(async () => undefined);
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ batchSize: 100, maximumBatchingWindowInSeconds: 2 }),
    });
    await putValues(local.kinesis, streamName, ['w0']);
    // the window opens when w0 is read; the second put follows at once, well inside it
    await vi.waitFor(() => expect(runner.lag()[0]?.pendingRecords, 'w0 read').toBe(1), { timeout: 10_000 });
    await putValues(local.kinesis, streamName, ['w1', 'w2']);
    await runner.whenCaughtUp(10_000);
    expect(deliveries.map((d) => d.values)).toEqual([['w0', 'w1', 'w2']]);
  });

  it('retries from the lowest failed sequence number of a partial batch response, nothing before it again', async () => {
    const streamName = await local.stream();
    const values = range('p', 6);
    const seqs = await putValues(local.kinesis, streamName, values);
    let failedOnce = false;
    const { handler, deliveries, all } = recordingHandler(async (event) => {
      if (failedOnce) return { batchItemFailures: [] };
      failedOnce = true;
      // p4 and p2 failed: the lowest (p2) is where Lambda resumes.
      return {
        batchItemFailures: [
          { itemIdentifier: seqs[4]! },
          { itemIdentifier: event.Records[2]!.kinesis.sequenceNumber },
        ],
      };
    });

    const runner = await start({ streamName, handler });
    await runner.whenCaughtUp(10_000);

    expect(deliveries.map((d) => d.values)).toEqual([values, ['p2', 'p3', 'p4', 'p5']]);
    expect(all().filter((v) => v === 'p1')).toHaveLength(1);
  });

  it('fails the whole batch when an itemIdentifier is not in the batch', async () => {
    const streamName = await local.stream();
    await putValues(local.kinesis, streamName, ['u0', 'u1']);
    const events: EventSourceRunnerEvent[] = [];
    let calls = 0;
    const { handler, deliveries } = recordingHandler(async () =>
      ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : undefined,
    );
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ bisectBatchOnFunctionError: false }),
      onEvent: (e) => events.push(e),
    });
    await runner.whenCaughtUp(10_000);
    expect(deliveries.map((d) => d.values)).toEqual([
      ['u0', 'u1'],
      ['u0', 'u1'],
    ]);
    const failed = events.find((e) => e.type === 'batch-failed');
    expect(failed).toMatchObject({ error: { name: 'InvalidBatchResponseError' } });
  });

  it('retries a thrown error with the whole batch, then reports it to the on-failure destination and moves on', async () => {
    const streamName = await local.stream();
    const seqs = await putValues(local.kinesis, streamName, ['e0', 'e1', 'e2']);
    const failures: OnFailureRecord[] = [];
    const { handler, deliveries } = recordingHandler(async (event) => {
      if (valuesOf(event).includes('e1')) throw new Error('cannot store e1');
      return undefined;
    });

    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ maximumRetryAttempts: 2, bisectBatchOnFunctionError: false }),
      onFailure: async (record) => {
        failures.push(record);
      },
    });
    await runner.whenCaughtUp(10_000);
    const next = await putValues(local.kinesis, streamName, ['ok']);
    await runner.whenCaughtUp(10_000);

    expect(deliveries.map((d) => d.values)).toEqual([
      ['e0', 'e1', 'e2'],
      ['e0', 'e1', 'e2'],
      ['e0', 'e1', 'e2'],
      ['ok'],
    ]);
    expect(failures).toHaveLength(1);
    const failure = failures[0]!;
    expect(failure.requestContext).toMatchObject({
      condition: FailureCondition.retryAttemptsExhausted,
      approximateInvokeCount: 3,
      functionArn: expect.stringMatching(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:writer$/),
    });
    expect(failure.responseContext).toMatchObject({ functionError: 'Unhandled' });
    expect(failure.KinesisBatchInfo).toEqual({
      shardId: 'shardId-000000000000',
      startSequenceNumber: seqs[0],
      endSequenceNumber: seqs[2],
      approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      batchSize: 3,
      streamArn: runner.streamArn,
    });
    expect(JSON.stringify(failure)).not.toContain(Buffer.from('e1').toString('base64'));
    expect(runner.checkpoints()['shardId-000000000000']?.sequenceNumber).toBe(next[0]);
  });

  it('bisects a failing batch down to the bad record, which alone goes to the on-failure destination', async () => {
    const streamName = await local.stream();
    const values = range('b', 8);
    const seqs = await putValues(local.kinesis, streamName, values);
    const failures: OnFailureRecord[] = [];
    const { handler, deliveries, all } = recordingHandler(async (event) => {
      if (valuesOf(event).includes('b5')) throw new Error('b5 is poison');
      return undefined;
    });

    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ maximumRetryAttempts: 1, bisectBatchOnFunctionError: true }),
      onFailure: async (record) => {
        failures.push(record);
      },
    });
    await runner.whenCaughtUp(10_000);

    // 8 fails -> [0-3] ok, [4-7] fails -> [4,5] fails -> [4] ok, [5] fails twice (1 retry) -> [6,7] ok
    expect(deliveries.map((d) => d.values.join(','))).toEqual([
      values.join(','),
      'b0,b1,b2,b3',
      'b4,b5,b6,b7',
      'b4,b5',
      'b4',
      'b5',
      'b5',
      'b6,b7',
    ]);
    expect(new Set(all().filter((v) => v !== 'b5'))).toEqual(new Set(values.filter((v) => v !== 'b5')));
    expect(failures.map((f) => f.KinesisBatchInfo)).toMatchObject([
      { startSequenceNumber: seqs[5], endSequenceNumber: seqs[5], batchSize: 1 },
    ]);
  });

  it('skips records older than MaximumRecordAgeInSeconds and reports them as RecordAgeExceeded', async () => {
    const streamName = await local.stream();
    const seqs = await putValues(local.kinesis, streamName, ['old0', 'old1']);
    const failures: OnFailureRecord[] = [];
    let clockOffsetMs = 120_000; // the runner sees the records as 2 minutes old
    const { handler, all } = recordingHandler(async () => undefined);

    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ maximumRecordAgeInSeconds: 60 }),
      now: () => Date.now() + clockOffsetMs,
      onFailure: async (record) => {
        failures.push(record);
      },
    });
    await runner.whenCaughtUp(10_000);
    clockOffsetMs = 0;
    await putValues(local.kinesis, streamName, ['fresh']);
    await runner.whenCaughtUp(10_000);

    expect(all()).toEqual(['fresh']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      requestContext: { condition: FailureCondition.recordAgeExceeded, approximateInvokeCount: 0 },
      KinesisBatchInfo: { startSequenceNumber: seqs[0], endSequenceNumber: seqs[1], batchSize: 2 },
    });
    expect(failures[0]?.responseContext).toBeUndefined();
  });

  it('fails a batch whose handler runs past the function timeout', async () => {
    const streamName = await local.stream();
    await putValues(local.kinesis, streamName, ['slow']);
    const events: EventSourceRunnerEvent[] = [];
    let calls = 0;
    const { handler, deliveries } = recordingHandler(async () => {
      if (++calls === 1) await new Promise((r) => setTimeout(r, 500));
      return undefined;
    });
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ functionTimeoutSeconds: 0.05 }),
      onEvent: (e) => events.push(e),
    });
    await runner.whenCaughtUp(10_000);
    expect(deliveries).toHaveLength(2);
    expect(events.find((e) => e.type === 'batch-failed')).toMatchObject({
      error: { name: 'FunctionTimeoutError' },
    });
  });

  it('resumes from the checkpoint file after a restart: a second runner delivers only new records', async () => {
    const streamName = await local.stream(2);
    const checkpointFile = join(local.dir, 'restart.json');
    const first = recordingHandler(async () => undefined);
    const before = range('a', 20);
    await putValues(local.kinesis, streamName, before);
    const runner1 = await start({ streamName, handler: first.handler, checkpointFile });
    await runner1.whenCaughtUp(10_000);
    await runner1.stop();
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as { shards: Record<string, unknown> };
    expect(Object.keys(saved.shards).length).toBeGreaterThan(0);

    await putValues(local.kinesis, streamName, ['n0', 'n1']);
    const second = recordingHandler(async () => undefined);
    const runner2 = await start({ streamName, handler: second.handler, checkpointFile });
    await runner2.whenCaughtUp(10_000);

    expect(first.all()).toEqual(before);
    expect(second.all()).toEqual(['n0', 'n1']);
  });

  it('stop() lets the in-flight batch finish and persists its checkpoint', async () => {
    const streamName = await local.stream();
    const checkpointFile = join(local.dir, 'stop.json');
    const seqs = await putValues(local.kinesis, streamName, ['s0', 's1']);
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const { handler, deliveries } = recordingHandler(async () => {
      await released;
      return undefined;
    });
    const runner = await start({ streamName, handler, checkpointFile });
    await vi.waitFor(() => expect(deliveries, 'the batch is in flight').toHaveLength(1), { timeout: 10_000 });

    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;

    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as {
      shards: Record<string, { sequenceNumber?: string }>;
    };
    expect(saved.shards['shardId-000000000000']?.sequenceNumber).toBe(seqs[1]);
    expect(deliveries).toHaveLength(1);
  });

  it('gets a new iterator from the checkpoint when GetRecords answers ExpiredIteratorException', async () => {
    const streamName = await local.stream();
    await putValues(local.kinesis, streamName, ['x0', 'x1']);
    let expireNext = true;
    // Iterators expire after 5 minutes; the error is injected into this client's pipeline instead of waiting.
    const kinesis = createKinesisClient(local.endpoint);
    kinesis.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetRecordsCommand' && expireNext) {
          expireNext = false;
          throw new ExpiredIteratorException({ message: 'Iterator expired.', $metadata: {} });
        }
        return next(args);
      },
      { step: 'initialize', name: 'expireOneIterator' },
    );
    try {
      const events: EventSourceRunnerEvent[] = [];
      const { handler, all } = recordingHandler(async () => undefined);
      const runner = await start({ kinesis, streamName, handler, onEvent: (e) => events.push(e) });
      await runner.whenCaughtUp(10_000);
      expect(expireNext).toBe(false);
      expect(events.some((e) => e.type === 'iterator-expired')).toBe(true);
      expect(all()).toEqual(['x0', 'x1']);
      await runner.stop();
    } finally {
      kinesis.destroy();
    }
  });

  it('starts at LATEST when asked, skipping what was already in the stream', async () => {
    const streamName = await local.stream();
    await putValues(local.kinesis, streamName, ['before']);
    const { handler, all } = recordingHandler(async () => undefined);
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ startingPosition: 'LATEST' }),
    });
    await runner.whenCaughtUp(10_000);
    await putValues(local.kinesis, streamName, ['after']);
    await runner.whenCaughtUp(10_000);
    expect(all()).toEqual(['after']);
  });

  it('finds the children of a split shard and reads them only after the parent is done', async () => {
    const streamName = await local.stream(1);
    const putSpread = (values: string[]) =>
      local.kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: values.map((v) => ({ PartitionKey: v, Data: Buffer.from(v) })),
        }),
      );
    const parentValues = range('parent', 10);
    await putSpread(parentValues);
    const { handler, deliveries, all } = recordingHandler(async () => undefined);
    const runner = await start({
      streamName,
      handler,
      shardDiscoveryIntervalMs: 50,
      settings: testSettings({ batchSize: 3 }),
    });

    await local.kinesis.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await ensureStream(local.kinesis, streamName, 1);
    const childValues = range('child', 10);
    const children = await putSpread(childValues);
    expect(new Set(children.Records?.map((r) => r.ShardId)).size).toBe(2);
    await vi.waitFor(() => expect(runner.lag(), 'both children are found').toHaveLength(3), {
      timeout: 10_000,
    });
    await runner.whenCaughtUp(10_000);

    expect(new Set(all())).toEqual(new Set([...parentValues, ...childValues]));
    expect(all()).toHaveLength(20);
    const lastParentBatch = deliveries.findLastIndex((d) =>
      d.event.Records[0]!.eventID.startsWith('shardId-000000000000:'),
    );
    const firstChildBatch = deliveries.findIndex(
      (d) => !d.event.Records[0]!.eventID.startsWith('shardId-000000000000:'),
    );
    expect(lastParentBatch).toBeLessThan(firstChildBatch);
    expect(all().slice(0, 10)).toEqual(parentValues);
    expect(runner.checkpoints()['shardId-000000000000']).toMatchObject({ finished: true });
  });

  it('starts at AT_TIMESTAMP when asked', async () => {
    const streamName = await local.stream();
    await putValues(local.kinesis, streamName, ['too-early']);
    await new Promise((r) => setTimeout(r, 20)); // arrival times 20 ms apart around the timestamp
    const from = new Date();
    await putValues(local.kinesis, streamName, ['on-time']);
    const { handler, all } = recordingHandler(async () => undefined);
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: from }),
    });
    await runner.whenCaughtUp(10_000);
    expect(all()).toEqual(['on-time']);
  });

  it('keeps a batch under Lambda’s 6 MB invocation payload', async () => {
    const streamName = await local.stream();
    const big = (tag: string) => `${tag}:${'x'.repeat(800_000)}`;
    await putValues(local.kinesis, streamName, ['0', '1', '2', '3'].map(big));
    await putValues(local.kinesis, streamName, ['4', '5', '6', '7'].map(big));
    const { handler, deliveries } = recordingHandler(async () => undefined);
    const runner = await start({ streamName, handler, settings: testSettings({ batchSize: 100 }) });
    await runner.whenCaughtUp(10_000);
    const sizes = deliveries.map((d) => JSON.stringify(d.event).length);
    expect(deliveries.flatMap((d) => d.values.map((v) => v.split(':')[0]))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
    ]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(deliveries.length).toBeGreaterThan(1);
  });

  it('accepts ParallelizationFactor above 1 but says it runs one batch per shard', async () => {
    const streamName = await local.stream();
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const { handler } = recordingHandler(async () => undefined);
    await start({ streamName, handler, logger, settings: testSettings({ parallelizationFactor: 4 }) });
    expect(warnings).toEqual([expect.stringMatching(/ParallelizationFactor > 1 is not supported/)]);
  });

  it('with MaximumRetryAttempts -1 retries until the records are too old, then reports RecordAgeExceeded', async () => {
    const streamName = await local.stream();
    const seqs = await putValues(local.kinesis, streamName, ['stuck']);
    const failures: OnFailureRecord[] = [];
    let clockOffsetMs = 0;
    const { handler, deliveries } = recordingHandler(async () => {
      throw new Error('always failing');
    });
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 60 }),
      now: () => Date.now() + clockOffsetMs,
      onFailure: async (record) => {
        failures.push(record);
      },
    });
    await expect
      .poll(() => deliveries.length, { timeout: 10_000, message: 'three attempts' })
      .toBeGreaterThanOrEqual(3);
    expect(failures).toEqual([]);
    clockOffsetMs = 61_000;
    await runner.whenCaughtUp(10_000);

    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded' },
      responseContext: { functionError: 'Unhandled' },
      KinesisBatchInfo: { startSequenceNumber: seqs[0], batchSize: 1 },
    });
    expect(failures[0]!.requestContext.approximateInvokeCount).toBeGreaterThanOrEqual(3);
  });

  it('retries the on-failure destination until it accepts, and only then moves past the records', async () => {
    const streamName = await local.stream();
    await putValues(local.kinesis, streamName, ['bad']);
    const events: EventSourceRunnerEvent[] = [];
    let destinationCalls = 0;
    const { handler } = recordingHandler(async () => {
      throw new Error('bad record');
    });
    const runner = await start({
      streamName,
      handler,
      settings: testSettings({ maximumRetryAttempts: 0 }),
      onEvent: (e) => events.push(e),
      onFailure: async () => {
        destinationCalls++;
        if (destinationCalls < 3) throw new Error('queue unavailable');
      },
    });
    await runner.whenCaughtUp(10_000);
    expect(destinationCalls).toBe(3);
    expect(events.filter((e) => e.type === 'destination-error')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'records-discarded')).toHaveLength(1);
  });

  it('does not claim to be caught up while a batch keeps failing; stop() interrupts the retries', async () => {
    const streamName = await local.stream();
    const checkpointFile = join(local.dir, 'failing.json');
    await putValues(local.kinesis, streamName, ['f0']);
    const { handler, deliveries } = recordingHandler(async () => {
      throw new Error('down');
    });
    const runner = await start({
      streamName,
      handler,
      checkpointFile,
      settings: testSettings({ maximumRetryAttempts: -1 }),
      retryBackoff: { baseMs: 10_000, maxMs: 10_000 },
    });
    const caughtUp = runner.whenCaughtUp(300);
    await expect(caughtUp).rejects.toBeInstanceOf(CaughtUpTimeoutError);
    await expect(caughtUp).rejects.toMatchObject({
      shards: [{ shardId: 'shardId-000000000000', delivering: true }],
    });

    const stopStarted = Date.now();
    await runner.stop();
    expect(Date.now() - stopStarted).toBeLessThan(5_000); // not the 10 s backoff
    expect(deliveries).toHaveLength(1);

    const again = recordingHandler(async () => undefined);
    const runner2 = await start({ streamName, handler: again.handler, checkpointFile });
    await runner2.whenCaughtUp(10_000);
    expect(again.all()).toEqual(['f0']);
  });
});
