import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  createLambdaContext,
  FunctionTimeoutError,
  InvalidBatchResponseError,
  invokeHandler,
  type KinesisBatchHandler,
  toKinesisStreamEvent,
} from '#local/event-source';

const identity = {
  streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/readings',
  awsRegion: 'eu-west-1',
  invokeIdentityArn: 'arn:aws:iam::123456789012:role/writer-role',
};
const fn = {
  functionName: 'writer',
  functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:writer',
  memoryLimitInMB: 256,
};
const event: KinesisStreamEvent = toKinesisStreamEvent(
  'shardId-000000000003',
  ['10', '20', '30'].map((seq) => ({
    sequenceNumber: seq,
    partitionKey: 'device-7',
    data: Buffer.from(`value-${seq}`),
    arrivalMs: 1_700_000_000_123,
  })),
  identity,
);

function invoke(handler: KinesisBatchHandler, options: { timeoutMs?: number; report?: boolean } = {}) {
  const timeoutMs = options.timeoutMs ?? 1_000;
  return invokeHandler({
    handler,
    event,
    context: createLambdaContext(fn, timeoutMs),
    timeoutMs,
    timeoutSeconds: timeoutMs / 1000,
    reportBatchItemFailures: options.report ?? true,
  });
}

describe('toKinesisStreamEvent', () => {
  it('shapes each record as Lambda does', () => {
    expect(event.Records[1]).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'device-7',
        sequenceNumber: '20',
        data: Buffer.from('value-20').toString('base64'),
        approximateArrivalTimestamp: 1_700_000_000.123,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000003:20',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: identity.invokeIdentityArn,
      awsRegion: 'eu-west-1',
      eventSourceARN: identity.streamArn,
    });
  });
});

describe('createLambdaContext', () => {
  it('counts the remaining time down from the timeout', () => {
    let now = 1_000;
    const context: Context = createLambdaContext(fn, 5_000, () => now);
    expect(context.getRemainingTimeInMillis()).toBe(5_000);
    now += 4_000;
    expect(context.getRemainingTimeInMillis()).toBe(1_000);
    now += 10_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(context).toMatchObject({
      functionName: 'writer',
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.functionArn,
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/writer',
    });
    expect(() => context.succeed('x')).toThrow(/return a Promise/);
  });
});

describe('invokeHandler reads the answer as Lambda does', () => {
  it.each([
    ['no answer', undefined],
    ['null', null],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['an object without the list', { ok: true }],
  ])('%s is full success', async (_, answer) => {
    expect(await invoke(async () => answer as never)).toEqual({ kind: 'success' });
  });

  it('takes the lowest failed sequence number as the retry point', async () => {
    const outcome = await invoke(async () => ({
      batchItemFailures: [{ itemIdentifier: '30' }, { itemIdentifier: '20' }],
    }));
    expect(outcome).toEqual({ kind: 'partial', failedIndex: 1, failedCount: 2 });
  });

  it.each([
    [
      'an unknown sequence number',
      { batchItemFailures: [{ itemIdentifier: '99' }] },
      /not a sequence number/,
    ],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }, /missing or empty/],
    ['a misspelt key', { batchItemFailures: [{ itemId: '10' }] }, /missing or empty/],
    ['a list that is not a list', { batchItemFailures: '10' }, /not a list/],
  ])('%s fails the whole batch', async (_, answer, reason) => {
    const outcome = await invoke(async () => answer as never);
    expect(outcome.kind).toBe('error');
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(InvalidBatchResponseError);
    expect((error as Error).message).toMatch(reason);
    expect((error as InvalidBatchResponseError).response).toBe(answer);
  });

  it('ignores the answer without ReportBatchItemFailures', async () => {
    const outcome = await invoke(async () => ({ batchItemFailures: [{ itemIdentifier: '99' }] }), {
      report: false,
    });
    expect(outcome).toEqual({ kind: 'success' });
  });

  it('turns a thrown error, also a synchronous one, into a whole-batch failure', async () => {
    const boom = new Error('boom');
    expect(await invoke(async () => Promise.reject(boom))).toEqual({ kind: 'error', error: boom });
    const sync = (() => {
      throw boom;
    }) as unknown as KinesisBatchHandler;
    expect(await invoke(sync)).toEqual({ kind: 'error', error: boom });
  });

  it('fails the batch with FunctionTimeoutError when the handler runs past the timeout', async () => {
    const outcome = await invoke(() => new Promise((r) => setTimeout(() => r(undefined), 300)), {
      timeoutMs: 20,
    });
    expect(outcome.kind).toBe('error');
    expect((outcome as { error: unknown }).error).toBeInstanceOf(FunctionTimeoutError);
    expect((outcome as { error: FunctionTimeoutError }).error).toMatchObject({ functionName: 'writer' });
  });
});
