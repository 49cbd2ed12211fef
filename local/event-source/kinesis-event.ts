import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** Where the records come from and who reads them, as Lambda writes it into each event record. */
export interface EventSourceIdentity {
  readonly streamArn: string;
  readonly awsRegion: string;
  /** The function's execution role. */
  readonly invokeIdentityArn: string;
}

/** A record read from a shard, with the fields the runner needs (arrival time in epoch milliseconds). */
export interface ShardRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly arrivalMs: number;
}

/** Turns a GetRecords record into a {@link ShardRecord}. */
export function toShardRecord(record: _Record): ShardRecord {
  return {
    sequenceNumber: record.SequenceNumber ?? '',
    partitionKey: record.PartitionKey ?? '',
    data: record.Data ?? new Uint8Array(),
    arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
  };
}

/**
 * Builds the event Lambda hands to a function for a batch of one shard, record by record as Lambda shapes it:
 * data in base64, arrival time in epoch seconds (a float), eventID `<shardId>:<sequenceNumber>`.
 */
export function toKinesisStreamEvent(
  shardId: string,
  records: readonly ShardRecord[],
  identity: EventSourceIdentity,
): KinesisStreamEvent {
  return {
    Records: records.map(
      (r): KinesisStreamRecord => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.partitionKey,
          sequenceNumber: r.sequenceNumber,
          data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64'),
          approximateArrivalTimestamp: r.arrivalMs / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${r.sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: identity.invokeIdentityArn,
        awsRegion: identity.awsRegion,
        eventSourceARN: identity.streamArn,
      }),
    ),
  };
}

/** Bytes a record adds to the invocation payload: its base64 data plus the JSON around it (an estimate from above). */
export function payloadBytes(record: ShardRecord): number {
  return Math.ceil(record.data.byteLength / 3) * 4 + record.partitionKey.length + 600;
}
