import { setTimeout as delay } from 'node:timers/promises';
import pRetry from 'p-retry';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** What is worth another attempt (throttling, a service's 5xx, a dropped connection); anything else is thrown at once. */
  readonly isRetryable: (error: unknown) => boolean;
  /** Epoch ms (by `now`): no wait that would end at or after it is started; the time budget of the whole retry. @default none */
  readonly deadline?: number;
  /** Retries after the first attempt, counting only failures for which `countsAsRetry` holds. @default Infinity */
  readonly retries?: number;
  /**
   * Whether a failure uses up one of `retries`. One that does not (a local service that is down and will come
   * back) is retried all the same, with the same growing waits, as long as the deadline and the signal allow.
   * @default every failure counts
   */
  readonly countsAsRetry?: (error: unknown) => boolean;
  /** Retry n waits a random time in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))] (full jitter). @default 100 */
  readonly baseDelayMs?: number;
  /** @default 2000 */
  readonly maxDelayMs?: number;
  /** Stops the retries (and a wait under way): the retry rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to count or log retries. */
  readonly onRetry?: (error: unknown, retry: RetryInfo) => void;
  /** For tests: the jitter source. @default Math.random */
  readonly random?: () => number;
  /** For tests: the clock the deadline is read on. @default Date.now */
  readonly now?: () => number;
  /** For tests: the wait. @default `setTimeout` of node:timers/promises, with the signal */
  readonly sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

/** What {@link RetryOptions.onRetry} is told about the retry to come. */
export interface RetryInfo {
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;
  readonly delayMs: number;
  /** Whether the failure used up one of `retries`. */
  readonly counted: boolean;
}

/** The retries ran out (by count or by the deadline) while the error was still retryable; `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`gave up after ${attempts} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/**
 * The wait before retry `n` (1 for the first) with exponential backoff and full jitter: a random time in
 * [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. Full jitter spreads the retries of many concurrent callers,
 * which is what a throttled service needs.
 */
export function backoffDelay(
  retry: number,
  { baseDelayMs = 100, maxDelayMs = 2_000, random = Math.random } = {},
): number {
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1)));
}

/** Carries an attempt's error through p-retry untouched, so that `isRetryable` alone decides (p-retry never retries a TypeError). */
class AttemptFailed extends Error {
  constructor(readonly error: unknown) {
    super('attempt failed');
  }
}

/**
 * Runs `operation` until it succeeds, fails with an error that is not retryable, runs out of retries, would wait
 * past the deadline, or the signal aborts. Waits grow exponentially with full jitter ({@link backoffDelay}).
 * The one retry helper of the project, on p-retry.
 *
 * Fails with the operation's own error when it is not retryable, {@link RetriesExhaustedError} (cause: the last
 * error) when retries or time ran out, and the signal's reason when aborted.
 *
 * @example
 * await retry(() => client.send(command), { deadline: Date.now() + 10_000, isRetryable: isThrottling });
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {}));
  const retries = options.retries ?? Number.POSITIVE_INFINITY;
  let counted = 0;
  /** After a failed attempt: true once the wait before the next one is over; false or a throw to stop. */
  const next = async (error: unknown, attemptNumber: number): Promise<boolean> => {
    options.signal?.throwIfAborted();
    if (!options.isRetryable(error)) return false;
    const countsNow = options.countsAsRetry?.(error) ?? true;
    if (countsNow && ++counted > retries) throw new RetriesExhaustedError(attemptNumber, error);
    const delayMs = backoffDelay(attemptNumber, {
      ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
      ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    if (options.deadline !== undefined && now() + delayMs >= options.deadline) {
      throw new RetriesExhaustedError(attemptNumber, error);
    }
    options.onRetry?.(error, { attempt: attemptNumber, delayMs, counted: countsNow });
    await sleep(delayMs, options.signal).catch((wait: unknown) => {
      options.signal?.throwIfAborted(); // the caller's reason rather than the timer's AbortError
      throw wait;
    });
    options.signal?.throwIfAborted();
    return true;
  };
  // The first attempt runs without p-retry: most calls succeed at once, and p-retry's set-up per call cost
  // ~1% of the writer's and the ingest's CPU under load.
  try {
    return await operation(1);
  } catch (error) {
    if (!(await next(error, 1))) throw error;
  }
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await operation(attempt + 1);
        } catch (error) {
          throw new AttemptFailed(error);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY, // counted in next(): a failure that does not count must not end the retries
        minTimeout: 0, // the wait is ours (full jitter), taken in next() once the failure is known to be retried
        shouldRetry: ({ error: wrapped, attemptNumber }) =>
          next((wrapped as AttemptFailed).error, attemptNumber + 1),
      },
    );
  } catch (error) {
    throw error instanceof AttemptFailed ? error.error : error;
  }
}
