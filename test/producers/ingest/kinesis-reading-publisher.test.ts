import type { PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReadings, type Reading } from '#core/reading';
import {
  KinesisReadingPublisher,
  PublishIncompleteError,
  type PutRecordsClient,
  packReadings,
} from '#producers/ingest';
import { readingFactory } from '../../helpers/readings';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

const readings = (device: string, count: number, prefix = 'm'): Reading[] =>
  Array.from({ length: count }, (_, n) =>
    readingFactory({ deviceId: device, messageId: `${prefix}${String(n).padStart(3, '0')}` }),
  );

describe('packReadings', () => {
  it('fills records up to the byte limit, one device per record, keeping each device in order', () => {
    // Prepare: 30 readings of a, 5 of b, 3 more of a; every reading of a encodes to the same size.
    const input = [...readings('a', 30), ...readings('b', 5), ...readings('a', 3, 'n')];
    const one = Buffer.byteLength(encodeReadings([input[0]!])) - 2;
    const limit = 10 * one + 9 + 2;
    // Act
    const records = packReadings(input, limit);
    // Assess
    expect(records.map((r) => [r.partitionKey, r.indexes.length])).toEqual([
      ['a', 10],
      ['a', 10],
      ['a', 10],
      ['a', 3],
      ['b', 5],
    ]);
    expect(records.map((r) => r.data.length)).toEqual([limit, limit, limit, 3 * one + 4, expect.any(Number)]);
    expect(records.flatMap((r) => r.indexes)).toEqual([...Array(30).keys(), 35, 36, 37, 30, 31, 32, 33, 34]);
    const decoded = JSON.parse(Buffer.from(records[3]!.data).toString());
    expect(decoded).toEqual(JSON.parse(encodeReadings(input.slice(35))));
  });

  it('refuses a reading larger than a record', () => {
    expect(() => packReadings(readings('a', 1), 100)).toThrow(/over the 100 byte limit/);
  });
});

describe('KinesisReadingPublisher', () => {
  let kinesis: StreamFixture;
  beforeAll(async () => {
    kinesis = await startStreamFixture();
  });
  afterAll(async () => {
    await kinesis?.close();
  });

  it('retries a call that failed with a retryable error, then publishes', async () => {
    const streamName = await kinesis.newStream();
    let calls = 0;
    const client: PutRecordsClient = {
      async send(command, options) {
        calls++;
        if (calls === 1) {
          throw Object.assign(new Error('Rate exceeded for stream'), {
            name: 'ProvisionedThroughputExceededException',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return kinesis.client.send(command, options) as Promise<PutRecordsCommandOutput>;
      },
    };
    const delays: number[] = [];
    const publisher = new KinesisReadingPublisher({
      client,
      streamName,
      random: () => 0.5,
      sleep: async (ms) => void delays.push(ms),
    });
    const report = await publisher.publish(readings('a', 3), { timeoutMs: 5_000 });
    expect(report).toEqual({ records: 1, retries: 1 });
    expect(calls).toBe(2);
    expect(delays).toEqual([12]);
    expect((await kinesis.readAll(streamName)).flatMap((r) => r.readings)).toHaveLength(3);
  });

  it('gives up at once on an error that a retry cannot fix, naming what was published', async () => {
    const publisher = new KinesisReadingPublisher({ client: kinesis.client, streamName: 'missing-stream' });
    const error = await publisher.publish(readings('a', 2), { timeoutMs: 5_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(PublishIncompleteError);
    expect(error).toMatchObject({
      publishedIndexes: [],
      unpublishedIndexes: [0, 1],
      lastError: 'ResourceNotFoundException',
    });
    expect(error.message).toContain('missing-stream');
  });

  it('backs off exponentially with jitter until the deadline', async () => {
    let t = 0;
    const delays: number[] = [];
    const client: PutRecordsClient = {
      async send(command) {
        const records = command.input.Records ?? [];
        return {
          $metadata: {},
          FailedRecordCount: records.length,
          Records: records.map(() => ({
            ErrorCode: 'InternalFailure',
            ErrorMessage: 'Internal service failure.',
          })),
        };
      },
    };
    const publisher = new KinesisReadingPublisher({
      client,
      streamName: 's',
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      now: () => t,
      random: () => 0.999,
      sleep: async (ms) => {
        delays.push(ms);
        t += ms;
      },
    });
    const error = await publisher.publish(readings('a', 1), { timeoutMs: 3_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(PublishIncompleteError);
    expect(error.lastError).toBe('InternalFailure');
    expect(delays).toEqual([99, 199, 399, 799, 999]);
  });
});
