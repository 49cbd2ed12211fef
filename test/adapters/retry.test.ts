import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { backoffDelay, RetriesExhaustedError, retry } from '#adapters/retry';

const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
const isRetryable = (e: unknown) => e instanceof Error && e.name === 'ThrottlingException';

describe('retry', () => {
  it('retries retryable errors with growing, jittered waits until success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw throttled;
        return 'ok';
      },
      {
        deadline: Date.now() + 60_000,
        isRetryable,
        random: () => 0.5,
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(waits).toEqual([50, 100, 200]);
  });

  it('rethrows an error that is not retryable at once, even a TypeError', async () => {
    let calls = 0;
    const boom = new Error('no such table');
    await expect(
      retry(
        async () => {
          calls++;
          throw boom;
        },
        { deadline: Date.now() + 60_000, isRetryable },
      ),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    const typeError = new TypeError('fetch failed');
    let typeCalls = 0;
    const result = await retry(
      async () => {
        if (++typeCalls < 3) throw typeError;
        return 'retried';
      },
      { isRetryable: (e) => e === typeError, baseDelayMs: 1 },
    );
    expect(result).toBe('retried');
  });

  it('gives up when the next wait would pass the deadline', async () => {
    let t = 0;
    const waits: number[] = [];
    const error = await retry(
      async () => {
        throw throttled;
      },
      {
        deadline: 1_000,
        isRetryable,
        random: () => 0.999,
        now: () => t,
        sleep: async (ms) => {
          waits.push(ms);
          t += ms;
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).cause).toBe(throttled);
    expect(waits).toEqual([99, 199, 399]); // 697 ms; the next (799) would end past 1,000
    expect((error as RetriesExhaustedError).attempts).toBe(4);
  });

  it('stops after `retries` counted failures; failures that do not count are retried without limit', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    let calls = 0;
    const counted: boolean[] = [];
    const error = await retry(
      async () => {
        calls++;
        throw calls <= 5 ? down : throttled;
      },
      {
        isRetryable: () => true,
        retries: 2,
        countsAsRetry: (e) => e !== down,
        sleep: async () => undefined,
        onRetry: (_, info) => counted.push(info.counted),
      },
    ).catch((e: unknown) => e);
    expect(calls).toBe(8); // 5 uncounted, then the first try and 2 retries of the counted kind
    expect(counted).toEqual([false, false, false, false, false, true, true]);
    expect(error).toMatchObject({ name: 'RetriesExhaustedError', cause: throttled, attempts: 8 });
  });

  it('stops a wait under way when the signal aborts, with the signal’s reason', async () => {
    const controller = new AbortController();
    let calls = 0;
    const retrying = retry(
      async () => {
        calls++;
        throw throttled;
      },
      { isRetryable, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1, signal: controller.signal },
    );
    await expect.poll(() => calls).toBe(1);
    const reason = new Error('stopping');
    controller.abort(reason);
    await expect(retrying).rejects.toBe(reason);
    expect(calls).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, scaled by the jitter', () => {
    const waits = [1, 2, 3, 4, 5, 6].map((n) =>
      backoffDelay(n, { baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999 }),
    );
    expect(waits).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await Promise.resolve(n);
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
