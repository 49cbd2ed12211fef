import { randomUUID } from 'node:crypto';
import type { ShardRecord } from './kinesis-event';

/** Why records were discarded, as Lambda writes it into `requestContext.condition`. */
export const FailureCondition = {
  retryAttemptsExhausted: 'RetryAttemptsExhausted',
  recordAgeExceeded: 'RecordAgeExceeded',
} as const;
export type FailureCondition = (typeof FailureCondition)[keyof typeof FailureCondition];

/** Metadata of the discarded records (never their data), as Lambda sends it to an on-failure destination. */
export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** ISO 8601. */
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** The document an on-failure destination (SQS, SNS) receives from a Kinesis event source mapping. */
export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  /** Absent when the records were discarded without being handed to the function. */
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** 'Unhandled' when the function threw or timed out. */
    readonly functionError?: string;
  };
  readonly version: '1.0';
  /** ISO 8601. */
  readonly timestamp: string;
  readonly KinesisBatchInfo: KinesisBatchInfo;
}

/** The port for the on-failure destination: an SQS queue on AWS, a file or a test's array locally. */
export type OnFailureDestination = (record: OnFailureRecord) => Promise<void>;

/** Builds the on-failure document for `records` (one shard, in order, at least one). */
export function toOnFailureRecord(input: {
  readonly shardId: string;
  readonly streamArn: string;
  readonly functionArn: string;
  readonly condition: FailureCondition;
  readonly records: readonly ShardRecord[];
  readonly invokeCount: number;
  /** Whether the last invocation ended in a function error (thrown, timed out, invalid response). */
  readonly functionError: boolean;
  readonly now: number;
}): OnFailureRecord {
  const first = input.records[0];
  const last = input.records[input.records.length - 1];
  if (first === undefined || last === undefined)
    throw new Error('toOnFailureRecord needs at least one record');
  const base = {
    requestContext: {
      requestId: randomUUID(),
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    version: '1.0' as const,
    timestamp: new Date(input.now).toISOString(),
    KinesisBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
  };
  if (input.invokeCount === 0) return base;
  return {
    ...base,
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(input.functionError ? { functionError: 'Unhandled' } : {}),
    },
  };
}
