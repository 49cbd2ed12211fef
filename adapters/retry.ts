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
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await operation(attempt);
        } catch (error) {
          throw new AttemptFailed(error);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY, // counted below: a failure that does not count must not end the retries
        minTimeout: 0, // the wait is ours (full jitter), taken in shouldRetry once the failure is known to be retried
        shouldRetry: async ({ error: wrapped, attemptNumber }) => {
          const error = (wrapped as AttemptFailed).error;
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
        },
      },
    );
  } catch (error) {
    throw error instanceof AttemptFailed ? error.error : error;
  }
}
