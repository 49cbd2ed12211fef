import { describe, expect, it } from 'vitest';
import { dailyAxisRange, zoneDayStartMs } from '#dashboards/web';

const at = (iso: string) => Date.parse(iso);

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

describe('dailyAxisRange', () => {
  it('spans the days whose midnight lies in the range, each a day wide and centred on its midnight', () => {
    const range = { from: at('2026-11-29T06:00Z'), to: at('2026-12-06T06:00Z') };
    expect(dailyAxisRange(range, 'UTC')).toEqual({
      from: at('2026-11-29T12:00Z'),
      to: at('2026-12-06T12:00Z'),
    });
    // the same instants in Tokyo: midnights at 15:00 UTC, Nov 29 .. Dec 5
    expect(dailyAxisRange(range, 'Asia/Tokyo')).toEqual({
      from: at('2026-11-29T03:00Z'),
      to: at('2026-12-06T03:00Z'),
    });
  });

  it('keeps a range that starts at midnight on its first day, and shows a range without midnight its own day', () => {
    const fromMidnight = { from: at('2026-12-01T00:00Z'), to: at('2026-12-03T10:00Z') };
    expect(dailyAxisRange(fromMidnight, 'UTC')).toEqual({
      from: at('2026-11-30T12:00Z'),
      to: at('2026-12-03T12:00Z'),
    });
    const withinADay = { from: at('2026-12-01T01:00Z'), to: at('2026-12-01T05:00Z') };
    expect(dailyAxisRange(withinADay, 'UTC')).toEqual({
      from: at('2026-11-30T12:00Z'),
      to: at('2026-12-01T12:00Z'),
    });
  });

  it('does not depend on the data: the last 24 hours hold exactly one midnight', () => {
    const last24h = { from: at('2026-12-05T21:00Z'), to: at('2026-12-06T21:00Z') };
    // 06:00 Tokyo to 06:00 Tokyo: the one midnight is Dec 7 00:00 Tokyo = Dec 6 15:00 UTC
    expect(dailyAxisRange(last24h, 'Asia/Tokyo')).toEqual({
      from: at('2026-12-06T03:00Z'),
      to: at('2026-12-07T03:00Z'),
    });
  });
});
