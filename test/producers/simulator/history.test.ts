import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ReadingInput } from '#core/reading';
import { createHistory, type History, historyZoneDays } from '#producers/simulator/history';
import { parseHistorySpan, parseReadingInterval } from '#producers/simulator/simulation-flags';

const run = promisify(execFile);
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** Monday 2026-11-02 00:00 UTC: two whole weeks from here. */
const monday = Date.UTC(2026, 10, 2);

const twoWeeks = (seed: number, devices = 6) =>
  createHistory({
    devices,
    seed,
    fromMs: monday,
    toMs: monday + 14 * dayMs,
    intervalMs: 10 * 60_000,
    batch: 500,
  });

/** Every reading of a history, request by request. */
const allReadings = (history: History): ReadingInput[] =>
  Array.from({ length: history.requestCount }, (_, j) => history.request(j).readings).flat();

const celsius = (r: ReadingInput) => r.measures.temperature as number;
const co2 = (r: ReadingInput) => r.measures.co2 as number;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('createHistory: the rhythm of a fleet', () => {
  const history = twoWeeks(42);
  const readings = allReadings(history);

  /** The readings of device `d` at the given local hours on workdays (or weekends). */
  const at = (d: number, hours: readonly number[], workday: boolean) => {
    const p = history.profile(d);
    return readings.filter((r) => {
      if (r.deviceId !== p.deviceId) return false;
      const local = new Date((r.time as number) + p.utcOffsetHours * hourMs);
      const weekday = local.getUTCDay() >= 1 && local.getUTCDay() <= 5;
      return weekday === workday && hours.includes(local.getUTCHours());
    });
  };

  it('has CO2 higher on workday afternoons than at night and on weekend afternoons, in every room', () => {
    for (let d = 0; d < 6; d++) {
      const afternoon = mean(at(d, [14, 15], true).map(co2));
      const night = mean([...at(d, [1, 2, 3], true), ...at(d, [1, 2, 3], false)].map(co2));
      const weekendAfternoon = mean(at(d, [14, 15], false).map(co2));
      const p = history.profile(d);
      expect(afternoon, `${p.deviceId} afternoon vs night`).toBeGreaterThan(night + 20);
      expect(afternoon, `${p.deviceId} workday vs weekend`).toBeGreaterThan(weekendAfternoon + 20);
      expect(night, `${p.deviceId} night near outdoor air`).toBeLessThan(p.outdoorCo2 + 25);
    }
  });

  it('is warmer in the afternoon than before dawn, in every room', () => {
    for (let d = 0; d < 6; d++) {
      const afternoon = mean([...at(d, [14, 15], true), ...at(d, [14, 15], false)].map(celsius));
      const night = mean([...at(d, [2, 3], true), ...at(d, [2, 3], false)].map(celsius));
      expect(afternoon - night, history.profile(d).deviceId).toBeGreaterThan(0.5);
    }
  });

  it('gives humidity in range and every (device, time) once, on the interval, oldest chunk first', () => {
    expect(history.readingCount).toBe(6 * 14 * 144);
    expect(readings).toHaveLength(history.readingCount);
    expect(new Set(readings.map((r) => `${r.deviceId}@${r.time}`)).size).toBe(history.readingCount);
    expect(readings.filter((r) => (r.time as number) % 600_000 !== 0)).toEqual([]);
    const humidity = readings.map((r) => r.measures.humidity as number);
    expect([Math.min(...humidity) >= 10, Math.max(...humidity) <= 90]).toEqual([true, true]);
    expect([history.firstMs, history.lastMs]).toEqual([monday, monday + 14 * dayMs - 600_000]);
    // Requests 0..5 are the first chunk of each device; the whole fleet's first days go before anyone's last.
    const firstOfEach = Array.from({ length: 6 }, (_, j) => history.request(j));
    expect(firstOfEach.map((r) => r.deviceId)).toEqual(history.deviceIds);
    expect(Math.max(...firstOfEach.map((r) => r.readings.at(-1)!.time as number))).toBeLessThan(
      history.request(6).readings[0]!.time as number,
    );
    expect(Math.max(...firstOfEach.map((r) => r.readings.length))).toBe(500);
  });

  it('is deterministic in the seed, and two histories of one seed agree where they overlap', () => {
    expect(allReadings(twoWeeks(42))).toEqual(readings);
    expect(allReadings(twoWeeks(43))).not.toEqual(readings);
    const later = createHistory({
      ...history.options,
      fromMs: monday + 3 * dayMs + 7,
      toMs: monday + 20 * dayMs,
    });
    const byKey = new Map(readings.map((r) => [`${r.deviceId}@${r.time}`, r]));
    const overlap = allReadings(later).filter((r) => byKey.has(`${r.deviceId}@${r.time}`));
    // The later one starts 7 ms after a slot, so at the next: 11 days of 144 slots less one, per device.
    expect(overlap.length).toBe(6 * (11 * 144 - 1));
    for (const r of overlap) expect(r).toEqual(byKey.get(`${r.deviceId}@${r.time}`));
  });

  it("names the rollup's days in the rollup's time zone", () => {
    const h = createHistory({
      devices: 1,
      seed: 1,
      fromMs: Date.UTC(2026, 10, 2, 14, 0),
      toMs: Date.UTC(2026, 10, 4, 16, 0),
      intervalMs: 3_600_000,
      batch: 10,
    });
    expect(historyZoneDays(h, 'UTC')).toEqual({ from: '2026-11-02', to: '2026-11-04' });
    // 14:00 UTC is 23:00 in Tokyo; 15:00 UTC on the 4th is already the 5th there.
    expect(historyZoneDays(h, 'Asia/Tokyo')).toEqual({ from: '2026-11-02', to: '2026-11-05' });
  });
});

describe('history flags', () => {
  it('parses spans of history and reading intervals, and says what is expected otherwise', () => {
    expect(parseHistorySpan('30d')).toBe(30 * dayMs);
    expect(parseHistorySpan('12h')).toBe(12 * hourMs);
    expect(parseHistorySpan('2w')).toBe(14 * dayMs);
    expect(parseHistorySpan('1d12h')).toBe(36 * hourMs);
    expect(() => parseHistorySpan('30')).toThrow(/span of history such as 30d, 12h, 2w or 1d12h/);
    expect(() => parseHistorySpan('30m')).toThrow(/span of history such as/);
    expect(() => parseHistorySpan('0h')).toThrow(/from 1h to 400d/);
    expect(() => parseHistorySpan('401d')).toThrow(/from 1h to 400d/);
    expect(parseReadingInterval('5m')).toBe(300_000);
    expect(parseReadingInterval('90s')).toBe(90_000);
    expect(() => parseReadingInterval('500ms')).toThrow(/whole number of seconds, at least 1s/);
    expect(() => parseReadingInterval('1.5s')).toThrow(/whole number of seconds/);
  });

  it('npm run simulate refuses live-run flags with --history, and history flags without it', async () => {
    const env = { ...process.env, TOKEN_SECRET: 'x'.repeat(32) };
    const simulate = (...args: string[]) =>
      run('npx', ['tsx', 'producers/simulator/cli.ts', ...args], { env }).catch((e) => e);
    const [withRate, withoutHistory, badSpan] = await Promise.all([
      simulate('--history', '3d', '--rate', '100', '--late', '0.1'),
      simulate('--interval', '1m', '--no-rollup'),
      simulate('--history', '3 days'),
    ]);
    expect(withRate.code).toBe(1);
    expect(withRate.stderr).toContain('--rate, --late do not apply to --history');
    expect(withoutHistory.code).toBe(1);
    expect(withoutHistory.stderr).toContain('--interval, --no-rollup only apply to --history');
    expect(badSpan.code).toBe(1);
    expect(badSpan.stderr).toContain("option '--history <span>' argument '3 days' is invalid");
  });
});
