import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The function the runner plays. */
export interface FunctionIdentity {
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryLimitInMB: number;
}

const unsupported = (name: string) => () => {
  throw new Error(
    `context.${name}() is not supported by the local event source: return a Promise from the handler.`,
  );
};

/**
 * A Lambda `Context` for one invocation: a fresh awsRequestId, the function's names, and
 * getRemainingTimeInMillis counting down to the function timeout (handlers use it to stop early).
 */
export function createLambdaContext(
  fn: FunctionIdentity,
  timeoutMs: number,
  now: () => number = Date.now,
): Context {
  const deadline = now() + timeoutMs;
  const awsRequestId = randomUUID();
  const day = new Date(now()).toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.functionArn,
    memoryLimitInMB: String(fn.memoryLimitInMB),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
