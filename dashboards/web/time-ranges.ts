import { zoneDayStartMs } from '#core/time';

/** The time ranges of the page's picker: the last N milliseconds up to now. */
export const timeRanges = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const;
export type TimeRangeKey = keyof typeof timeRanges;

/** The dashboard's default range (its JSON says now-30d). */
export const defaultTimeRange: TimeRangeKey = '30d';

/** Intervals a panel's bins snap to (as Grafana rounds `$__interval`), ms. */
const niceIntervals = [
  1_000, 5_000, 10_000, 15_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 10_800_000,
  21_600_000, 43_200_000, 86_400_000,
];

const durationUnits: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a Grafana duration such as `1m` or `30s` into ms (undefined for anything else). */
export function parseDurationMs(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^(\d+)([smhd])$/.exec(text.trim());
  return match ? Number(match[1]) * durationUnits[match[2]!]! : undefined;
}

/**
 * A panel's `$__interval_ms`, as Grafana computes it: the range over the number of points the chart can show,
 * rounded up to a nice interval, and never below the panel's minimum interval.
 */
export function panelIntervalMs(rangeMs: number, maxDataPoints: number, minIntervalMs = 1_000): number {
  const raw = Math.max(rangeMs / Math.max(1, maxDataPoints), minIntervalMs);
  return niceIntervals.find((n) => n >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

const dayMs = 86_400_000;

/**
 * The x axis of a daily panel: one slot per calendar day of `timeZone` whose midnight stamp lies within the
 * range (the days its query can return), each slot a day wide and centred on its stamp, so that bars and
 * points sit over their day's tick and none is cut at an edge. A range without a midnight shows its own day.
 *
 * @example
 * // last 7 days at 2026-12-06T06:00Z, UTC: slots Nov 30 .. Dec 6, each from noon to noon
 * dailyAxisRange({ from: Date.parse('2026-11-29T06:00Z'), to: Date.parse('2026-12-06T06:00Z') }, 'UTC');
 * // { from: Date.parse('2026-11-29T12:00Z'), to: Date.parse('2026-12-06T12:00Z') }
 */
export function dailyAxisRange(
  range: { readonly from: number; readonly to: number },
  timeZone: string,
): { from: number; to: number } {
  const fromDay = zoneDayStartMs(timeZone, range.from);
  const firstStamp = fromDay === range.from ? fromDay : zoneDayStartMs(timeZone, fromDay + dayMs + 3_600_000);
  const lastStamp = zoneDayStartMs(timeZone, range.to);
  const [first, last] = firstStamp <= lastStamp ? [firstStamp, lastStamp] : [fromDay, fromDay];
  return { from: first - dayMs / 2, to: last + dayMs / 2 };
}
