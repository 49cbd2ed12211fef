/**
 * Retries an operation with exponential backoff and full jitter until it succeeds, fails with an error that
 * is not retryable, or the deadline would pass before the next attempt.
 *
 * Full jitter (a random wait in [0, min(cap, base * 2^attempt)]) spreads retries of many concurrent writers,
 * which is what a throttled service needs.
 *
 * @example
 * await retryWithBackoff(() => client.send(cmd), { deadline: Date.now() + 10_000, isRetryable });
 */
export interface BackoffOptions {
  /** Epoch ms after which no further attempt is started. */
  readonly deadline: number;
  readonly isRetryable: (error: unknown) => boolean;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called before each wait, e.g. to count retries. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function retryWithBackoff<T>(operation: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const base = options.baseDelayMs ?? 50;
  const cap = options.maxDelayMs ?? 2_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!options.isRetryable(error)) throw error;
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** attempt));
      if (Date.now() + delay >= options.deadline) throw new RetriesExhaustedError(attempt, error);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

/** Runs `worker` over `items` with at most `concurrency` in flight, keeping results in input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
