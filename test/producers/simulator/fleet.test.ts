import { describe, expect, it } from 'vitest';
import { validateReading } from '#core/reading';
import { createFleet, type FleetOptions, summarizeLatencies, TokenBucket } from '#producers/simulator';
import { testSchema } from '../../helpers/readings';

const base: FleetOptions = {
  devices: 20,
  rate: 200,
  batch: 10,
  durationMs: 60_000,
  seed: 42,
  startMs: Date.parse('2026-03-02T01:00:00Z'), // a Monday, 10:00 in Tokyo
};

describe('fleet', () => {
  it('gives the same readings for the same seed, in any order, and others for another seed', () => {
    const a = createFleet(base);
    const b = createFleet(base);
    const indexes = [0, 1, 19, 20, 777, a.requestCount - 1];
    const fromA = indexes.map((j) => a.request(j));
    const fromB = [...indexes]
      .reverse()
      .map((j) => b.request(j))
      .reverse();
    expect(fromB).toEqual(fromA);
    expect(a.requestCount).toBe(1200);
    const other = createFleet({ ...base, seed: 43 }).request(777);
    expect(other.readings.map((r) => r.measures)).not.toEqual(fromA[4]!.readings.map((r) => r.measures));
  });

  it('makes readings that core validates, of the request device, with plausible room values', () => {
    const fleet = createFleet({ ...base, fahrenheit: 0.3 });
    let fahrenheit = 0;
    for (let j = 0; j < 400; j++) {
      const request = fleet.request(j);
      expect(request.readings).toHaveLength(10);
      for (const raw of request.readings) {
        const r = validateReading(raw, {
          schema: testSchema,
          nowMs: request.scheduledAtMs,
          deviceId: request.deviceId,
        });
        if (!r.ok) throw new Error(`request ${j}: ${JSON.stringify(r.issues)}`);
        const m = r.reading.measures;
        expect(m.co2!.value).toBeGreaterThanOrEqual(380);
        expect(m.co2!.value).toBeLessThan(3000);
        expect(m.temperature!.value).toBeGreaterThan(15);
        expect(m.temperature!.value).toBeLessThan(32);
        expect(m.humidity!.value).toBeGreaterThanOrEqual(10);
        expect(m.humidity!.value).toBeLessThanOrEqual(90);
        expect(r.reading.timeMs).toBeLessThanOrEqual(request.scheduledAtMs);
        const inF = m.temperature!.original?.unit === 'degF';
        expect(inF).toBe(fleet.profile(j % 20).fahrenheit);
        if (inF) fahrenheit++;
      }
    }
    expect(fahrenheit).toBeGreaterThan(0);
    const many = createFleet({ ...base, devices: 2000, fahrenheit: 0.3 });
    const share =
      Array.from({ length: 2000 }, (_, d) => many.profile(d).fahrenheit).filter(Boolean).length / 2000;
    expect(share).toBeGreaterThan(0.27);
    expect(share).toBeLessThan(0.33);
  });

  it("keeps each device's readings continuous across its requests, at the fleet rate", () => {
    const fleet = createFleet(base);
    expect(fleet.readingIntervalMs).toBe(100);
    const times = [3, 23, 43].flatMap((j) => fleet.request(j).readings.map((r) => r.time as number));
    expect(new Set([3, 23, 43].map((j) => fleet.request(j).deviceId)).size).toBe(1);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(100);
    // CO2 is higher in office hours than at night (same rooms, 12 hours later).
    const day = createFleet(base);
    const night = createFleet({ ...base, startMs: base.startMs + 12 * 3_600_000 });
    const mean = (f: typeof day) => {
      const all = Array.from({ length: 200 }, (_, j) => f.request(j).readings).flat();
      return all.reduce((s, r) => s + (r.measures.co2 as number), 0) / all.length;
    };
    expect(mean(day)).toBeGreaterThan(mean(night) + 50);
  });

  it('resends earlier readings of the same device as duplicates, and sends late readings hours back', () => {
    const fleet = createFleet({ ...base, duplicates: 0.2, late: 0.1 });
    let duplicates = 0;
    let late = 0;
    for (let j = 0; j < 200; j++) {
      const request = fleet.request(j);
      // A device's first request repeats its own readings; later ones repeat the previous request's.
      const previous = fleet.request(j < 20 ? j : j - 20);
      const copies = request.readings.slice(10);
      expect(copies).toHaveLength(request.duplicates);
      for (const c of copies) expect(previous.readings.slice(0, 10)).toContainEqual(c);
      duplicates += request.duplicates;
      for (const r of request.readings.slice(0, 10)) {
        const behind = request.scheduledAtMs - (r.time as number);
        if (behind > 2 * 60_000) {
          late++;
          expect(behind).toBeLessThanOrEqual(6 * 3_600_000 + 10 * 100);
        }
      }
    }
    expect(duplicates / 2000).toBeGreaterThan(0.1);
    expect(duplicates / 2000).toBeLessThan(0.3);
    expect(late / 2000).toBeGreaterThan(0.05);
    expect(late / 2000).toBeLessThan(0.15);
  });

  it('refuses a batch over the request limit', () => {
    expect(() => createFleet({ ...base, batch: 501 })).toThrow(/over the 500 readings/);
  });
});

describe('token bucket', () => {
  it('lets a burst of the capacity through, then paces takers in order at the rate', async () => {
    let t = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket({
      ratePerSecond: 100,
      capacity: 10,
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.take(10).then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(t).toBe(200);
    expect(slept).toEqual([100, 100]);
  });
});

describe('latency summary', () => {
  it('gives nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarizeLatencies(samples)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(summarizeLatencies([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });
});
