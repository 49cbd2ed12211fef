import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { FunctionTimeoutError, InvalidBatchResponseError } from './errors';

/** The function the event source drives: a Lambda handler for Kinesis, promise style. */
export type KinesisBatchHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisBatchResult>;

/** A partial batch response, or nothing (success); `void` so that handlers written `async () => {}` fit. */
// biome-ignore lint/suspicious/noConfusingVoidType: mirrors @types/aws-lambda's KinesisStreamHandler result
export type KinesisBatchResult = KinesisStreamBatchResponse | undefined | void;

/** What one invocation meant for the batch. */
export type InvocationOutcome =
  | { readonly kind: 'success' }
  /** Records before `failedIndex` are done; retry from it (the lowest failed sequence number). */
  | { readonly kind: 'partial'; readonly failedIndex: number; readonly failedCount: number }
  /** The whole batch failed: thrown error, timeout, or an invalid partial response. */
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * Invokes the handler with Lambda's timeout and reads its answer as Lambda does. With ReportBatchItemFailures,
 * `{batchItemFailures: []}`, no answer or an answer without the list is success; each itemIdentifier must be a
 * sequence number of the batch, else the whole batch failed. The handler's promise keeps running after a
 * timeout (a process cannot be frozen as Lambda freezes its sandbox); its late answer is ignored.
 */
export async function invokeHandler(input: {
  readonly handler: KinesisBatchHandler;
  readonly event: KinesisStreamEvent;
  readonly context: Context;
  readonly timeoutMs: number;
  readonly timeoutSeconds: number;
  readonly reportBatchItemFailures: boolean;
}): Promise<InvocationOutcome> {
  const { handler, event, context } = input;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new FunctionTimeoutError(context.functionName, input.timeoutSeconds, context.awsRequestId)),
      input.timeoutMs,
    );
  });
  let response: unknown;
  try {
    const running = Promise.resolve().then(() => handler(event, context));
    running.catch(() => undefined); // a rejection after a timeout is not unhandled: the timeout already decided
    response = await Promise.race([running, timeout]);
  } catch (error) {
    return { kind: 'error', error };
  } finally {
    clearTimeout(timer);
  }
  if (!input.reportBatchItemFailures) return { kind: 'success' };
  return readBatchResponse(response, event);
}

function readBatchResponse(response: unknown, event: KinesisStreamEvent): InvocationOutcome {
  if (response === undefined || response === null || typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  const invalid = (reason: string) =>
    ({ kind: 'error', error: new InvalidBatchResponseError(reason, response) }) as const;
  if (!Array.isArray(failures)) return invalid('batchItemFailures is not a list');
  if (failures.length === 0) return { kind: 'success' };
  const index = new Map(event.Records.map((r, i) => [r.kinesis.sequenceNumber, i]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '')
      return invalid(`itemIdentifier ${JSON.stringify(id)} is missing or empty`);
    const at = index.get(id);
    if (at === undefined) return invalid(`itemIdentifier ${id} is not a sequence number of this batch`);
    lowest = Math.min(lowest, at);
  }
  return { kind: 'partial', failedIndex: lowest, failedCount: failures.length };
}
