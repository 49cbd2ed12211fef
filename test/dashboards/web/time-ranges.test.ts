import { describe, expect, it } from 'vitest';
import { dailyAxisRange } from '#dashboards/web';

const at = (iso: string) => Date.parse(iso);

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
