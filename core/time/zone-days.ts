/**
 * Calendar days of a time zone as UTC intervals. A zone's day is not a UTC bin: in Asia/Tokyo it starts at
 * 15:00 UTC the day before, and in a zone with daylight saving the change-over days last 23 or 25 hours.
 * The daily rollup aggregates these days and stamps each at its start; the dashboards draw them there.
 */

export interface ZoneDay {
  /** The zone's calendar date, YYYY-MM-DD. */
  readonly date: string;
  /** Epoch ms of the day's first instant (inclusive). */
  readonly startMs: number;
  /** Epoch ms of the next day's first instant (exclusive). */
  readonly endMs: number;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(timeZone: string, instantMs: number): { y: number; m: number; d: number; wallMs: number } {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return { y: year, m: month, d: day, wallMs: Date.UTC(year, month - 1, day, hour, minute, second) };
}

/** The zone's UTC offset in ms at an instant (e.g. +9h for Asia/Tokyo). */
function zoneOffsetMs(timeZone: string, instantMs: number): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallClock(timeZone, wholeSecond).wallMs - wholeSecond;
}

function parseDate(date: string): { y: number; m: number; d: number } {
  const match = datePattern.exec(date);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (!match || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new RangeError(`"${date}" is not a calendar date: expected YYYY-MM-DD, e.g. 2026-03-29`);
  }
  return { y, m, d };
}

/** Epoch ms at which the zone's calendar day `date` begins (its first existing instant). */
function zoneDayStart(timeZone: string, date: string): number {
  const { y, m, d } = parseDate(date);
  const localMidnightAsUtc = Date.UTC(y, m - 1, d);
  // Two refinements settle the offset; where midnight itself does not exist (a change-over at 00:00),
  // the first instant whose wall clock shows that date is taken.
  let t = localMidnightAsUtc - zoneOffsetMs(timeZone, localMidnightAsUtc);
  t = localMidnightAsUtc - zoneOffsetMs(timeZone, t);
  const wall = wallClock(timeZone, t);
  if (wall.d !== d) t += Date.UTC(wall.y, wall.m - 1, wall.d) < localMidnightAsUtc ? 3_600_000 : 0;
  return t;
}

/** Adds whole calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const { y, m, d } = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The zone's calendar date at an instant. */
export function zoneDate(timeZone: string, instantMs: number): string {
  const { y, m, d } = wallClock(timeZone, instantMs);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Epoch ms at which the calendar day of `timeZone` that contains `instantMs` begins: where the rollup
 * stamps that day's aggregates (00:00 in the zone; 15:00 UTC the day before for Asia/Tokyo).
 *
 * @example
 * zoneDayStartMs('Asia/Tokyo', Date.parse('2026-12-06T16:00Z')); // Date.parse('2026-12-06T15:00Z')
 */
export function zoneDayStartMs(timeZone: string, instantMs: number): number {
  return zoneDayStart(timeZone, zoneDate(timeZone, instantMs));
}

/** Every calendar day of the zone from `from` to `to`, both included. */
export function zoneDays(timeZone: string, from: string, to: string): ZoneDay[] {
  if (parseDate(from) && parseDate(to) && from > to) {
    throw new RangeError(`the range ${from} .. ${to} is empty: --from must not be after --to`);
  }
  const days: ZoneDay[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    days.push({
      date,
      startMs: zoneDayStart(timeZone, date),
      endMs: zoneDayStart(timeZone, addDays(date, 1)),
    });
  }
  return days;
}

/** The days a scheduled run aggregates: `[today - lookbackDays, yesterday]` in the zone. */
export function lookbackDays(timeZone: string, nowMs: number, lookback: number): ZoneDay[] {
  const today = zoneDate(timeZone, nowMs);
  return zoneDays(timeZone, addDays(today, -lookback), addDays(today, -1));
}
