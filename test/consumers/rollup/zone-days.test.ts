import { describe, expect, it } from 'vitest';
import { lookbackDays, zoneDate, zoneDays } from '#consumers/rollup/zone-days';

const hours = (d: { startMs: number; endMs: number }) => (d.endMs - d.startMs) / 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('zone days', () => {
  it('are UTC days in UTC', () => {
    const [day] = zoneDays('UTC', '2022-04-20', '2022-04-20');
    expect(day && iso(day.startMs)).toBe('2022-04-20T00:00:00.000Z');
    expect(day && hours(day)).toBe(24);
  });

  it('start at 15:00 UTC the day before in Asia/Tokyo', () => {
    const days = zoneDays('Asia/Tokyo', '2022-04-20', '2022-04-21');
    expect(days.map((d) => iso(d.startMs))).toEqual(['2022-04-19T15:00:00.000Z', '2022-04-20T15:00:00.000Z']);
    expect(days.map(hours)).toEqual([24, 24]);
  });

  it('last 23 and 25 hours on daylight-saving change-overs', () => {
    const spring = zoneDays('Europe/Berlin', '2026-03-28', '2026-03-30');
    expect(spring.map(hours)).toEqual([24, 23, 24]);
    expect(iso(spring[1]?.startMs ?? 0)).toBe('2026-03-28T23:00:00.000Z');
    const autumn = zoneDays('America/New_York', '2026-11-01', '2026-11-01');
    expect(autumn.map(hours)).toEqual([25]);
    expect(iso(autumn[0]?.startMs ?? 0)).toBe('2026-11-01T04:00:00.000Z');
  });

  it('begin at the first existing instant where midnight is skipped', () => {
    // Cuba moves its clocks from 00:00 to 01:00: the day begins at 01:00 CDT = 05:00 UTC
    const [day] = zoneDays('America/Havana', '2026-03-08', '2026-03-08');
    expect(day && iso(day.startMs)).toBe('2026-03-08T05:00:00.000Z');
    expect(day && hours(day)).toBe(23);
  });

  it('tile time without gaps or overlaps', () => {
    const days = zoneDays('Europe/Berlin', '2026-01-01', '2026-12-31');
    expect(days).toHaveLength(365);
    for (let i = 1; i < days.length; i++) expect(days[i]?.startMs).toBe(days[i - 1]?.endMs);
  });

  it('refuse bad dates and empty ranges with a message saying what to pass', () => {
    expect(() => zoneDays('UTC', '2026-02-30', '2026-03-01')).toThrow(/"2026-02-30" is not a calendar date/);
    expect(() => zoneDays('UTC', '2026-03-02', '2026-03-01')).toThrow(/--from must not be after --to/);
  });

  it('look back from yesterday in the zone', () => {
    const now = Date.parse('2026-11-27T16:00:00Z'); // already 28 Nov in Tokyo
    expect(zoneDate('Asia/Tokyo', now)).toBe('2026-11-28');
    expect(lookbackDays('Asia/Tokyo', now, 2).map((d) => d.date)).toEqual(['2026-11-26', '2026-11-27']);
    expect(lookbackDays('UTC', now, 1).map((d) => d.date)).toEqual(['2026-11-26']);
  });
});
