import { describe, expect, it } from 'vitest';
import { mapWithConcurrency, RetriesExhaustedError, retryWithBackoff } from '#adapters/backoff';

const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
const isRetryable = (e: unknown) => e instanceof Error && e.name === 'ThrottlingException';

describe('retryWithBackoff', () => {
  it('retries retryable errors with growing, jittered waits until success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
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

  it('rethrows an error that is not retryable at once', async () => {
    let calls = 0;
    const boom = new Error('no such table');
    await expect(
      retryWithBackoff(
        async () => {
          calls++;
          throw boom;
        },
        { deadline: Date.now() + 60_000, isRetryable },
      ),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it('gives up when the next wait would pass the deadline', async () => {
    const error = await retryWithBackoff(
      async () => {
        throw throttled;
      },
      { deadline: Date.now() + 150, isRetryable, random: () => 1, sleep: async () => {} },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).cause).toBe(throttled);
    expect((error as RetriesExhaustedError).attempts).toBeGreaterThanOrEqual(1);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
