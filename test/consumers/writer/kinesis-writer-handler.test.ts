import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '#consumers/writer/batch-writer';
import type { DeadLetter, DeadLetterSink } from '#consumers/writer/dead-letter/dead-letter-sink';
import { createWriterHandler, toStreamRecord } from '#consumers/writer/kinesis-writer-handler';
import type { ReadingBatch, ReadingSink, RecordOutcome } from '#consumers/writer/reading-sink';
import { createUnitRegistry, RecentKeys } from '#core';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** A sink that fails every record of one device, as a throttled table would, and stores the rest. */
function sinkFailing(deviceId: string): Pick<ReadingSink, 'writeReadings'> & { stored: number } {
  const sink = {
    stored: 0,
    async writeReadings({ readings }: ReadingBatch) {
      return readings.map((reading): RecordOutcome => {
        if (reading.deviceId === deviceId) {
          return { status: 'failed', error: new Error('ThrottlingException: slow down') };
        }
        sink.stored++;
        return { status: 'written' };
      });
    },
  };
  return sink;
}

const deadLetters = (): DeadLetterSink & { letters: DeadLetter[] } => {
  const letters: DeadLetter[] = [];
  return {
    letters,
    target: 'memory',
    send: async (l) => void letters.push(...l),
    list: async () => [],
    remove: async () => {},
  };
};

function event(devices: (string | null)[]): KinesisStreamEvent {
  const t = Date.now() - 60_000;
  return {
    Records: devices.map((device, i) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: device ?? 'x',
        sequenceNumber: `4959000000000000000000000${i}`,
        data: Buffer.from(
          device === null
            ? 'not json'
            : JSON.stringify([{ deviceId: device, time: t + i, measures: { co2: 500 } }]),
        ).toString('base64'),
        approximateArrivalTimestamp: (t + i) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000007:4959000000000000000000000${i}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/writer',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/readings',
    })),
  };
}

const context = { getRemainingTimeInMillis: () => 10_000, awsRequestId: 'test' } as unknown as Context;

function handlerWith(sink: Pick<ReadingSink, 'writeReadings'>, letters: DeadLetterSink) {
  return createWriterHandler({
    writer: new BatchWriter({
      sink,
      deadLetters: letters,
      units: createUnitRegistry(),
      recent: new RecentKeys(100),
    }),
    logger: new Logger({ serviceName: 'writer', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'IotTelemetry', serviceName: 'writer' }),
    safetyMarginMs: 0,
  });
}

describe('writer Lambda handler', () => {
  it('reads the shard, coordinates and arrival time (seconds with ms) from the event record', () => {
    const record = event(['a']).Records[0] as KinesisStreamEvent['Records'][number];
    record.kinesis.approximateArrivalTimestamp = 1_700_000_000.123;
    expect(toStreamRecord(record)).toMatchObject({
      shardId: 'shardId-000000000007',
      sequenceNumber: '49590000000000000000000000',
      partitionKey: 'a',
      approximateArrivalMs: 1_700_000_000_123,
    });
  });

  it('reports only the records that could not be written, dead-letters a poison record and acknowledges it', async () => {
    const sink = sinkFailing('b');
    const letters = deadLetters();
    const response = await handlerWith(sink, letters)(event(['a', null, 'b', 'c']), context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '49590000000000000000000002' }]);
    expect(sink.stored).toBe(2);
    expect(letters.letters.map((l) => [l.code, l.source.shardId])).toEqual([
      ['invalid-payload', 'shardId-000000000007'],
    ]);
  });

  it('throws when no record of the batch could be written, so that Lambda retries and bisects it', async () => {
    await expect(handlerWith(sinkFailing('a'), deadLetters())(event(['a', 'a']), context)).rejects.toThrow(
      /All records failed processing/,
    );
  });
});
