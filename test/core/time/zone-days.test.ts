import { describe, expect, it } from 'vitest';
import { lookbackDays, zoneDate, zoneDayStartMs, zoneDays } from '#core/time';

const hours = (d: { startMs: number; endMs: number }) => (d.endMs - d.startMs) / 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

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

describe('zoneDayStartMs', () => {
  it("finds the start of the zone's calendar day, which is not the UTC day", () => {
    expect(zoneDayStartMs('UTC', at('2026-12-06T14:00:00.123Z'))).toBe(at('2026-12-06T00:00Z'));
    // 23:00 in Tokyo on Dec 6, then 01:00 on Dec 7
    expect(zoneDayStartMs('Asia/Tokyo', at('2026-12-06T14:00Z'))).toBe(at('2026-12-05T15:00Z'));
    expect(zoneDayStartMs('Asia/Tokyo', at('2026-12-06T16:00Z'))).toBe(at('2026-12-06T15:00Z'));
    expect(zoneDayStartMs('Asia/Tokyo', at('2026-12-06T15:00Z'))).toBe(at('2026-12-06T15:00Z'));
  });

  it('takes the offset of midnight on daylight-saving change-over days (23 and 25 hours long)', () => {
    // Berlin: CET (+1) at midnight, CEST (+2) from 02:00 on 2026-03-29; the reverse on 2026-10-25
    expect(zoneDayStartMs('Europe/Berlin', at('2026-03-29T20:00Z'))).toBe(at('2026-03-28T23:00Z'));
    expect(zoneDayStartMs('Europe/Berlin', at('2026-10-25T20:00Z'))).toBe(at('2026-10-24T22:00Z'));
    expect(zoneDayStartMs('America/New_York', at('2026-03-08T12:00Z'))).toBe(at('2026-03-08T05:00Z'));
  });
});

describe('zoneDayStartMs and zoneDays', () => {
  it('agree on where a day begins, also where midnight comes twice (the rollup stamps the first)', () => {
    // Cuba moves its clocks back from 01:00 CDT to 00:00 CST on 2026-11-01: midnight at 04:00 and 05:00 UTC
    const [day] = zoneDays('America/Havana', '2026-11-01', '2026-11-01');
    expect(day && iso(day.startMs)).toBe('2026-11-01T04:00:00.000Z');
    expect(day && hours(day)).toBe(25);
    for (const instant of [
      '2026-11-01T04:00Z',
      '2026-11-01T05:30Z',
      '2026-11-01T12:00Z',
      '2026-11-02T04:59Z',
    ]) {
      expect(iso(zoneDayStartMs('America/Havana', at(instant))), instant).toBe(iso(day!.startMs));
    }
    for (const d of zoneDays('Europe/Berlin', '2026-03-27', '2026-03-31')) {
      expect(zoneDayStartMs('Europe/Berlin', d.startMs)).toBe(d.startMs);
      expect(zoneDayStartMs('Europe/Berlin', d.endMs - 1)).toBe(d.startMs);
    }
  });
});
