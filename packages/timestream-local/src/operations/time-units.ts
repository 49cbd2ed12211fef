/** Conversions between WriteRecords' `Time` + `TimeUnit` and nanoseconds since the epoch. */

export const TimeUnit = {
  MILLISECONDS: 'MILLISECONDS',
  SECONDS: 'SECONDS',
  MICROSECONDS: 'MICROSECONDS',
  NANOSECONDS: 'NANOSECONDS',
} as const;
export type TimeUnit = (typeof TimeUnit)[keyof typeof TimeUnit];

const nanosPerUnit: Record<TimeUnit, bigint> = {
  SECONDS: 1_000_000_000n,
  MILLISECONDS: 1_000_000n,
  MICROSECONDS: 1_000n,
  NANOSECONDS: 1n,
};

const integerPattern = /^-?\d{1,19}$/;

/**
 * Parses an epoch time string in the given unit into nanoseconds; undefined when it is not an integer.
 *
 * @example toNanos('1650401460000', 'MILLISECONDS') // 1650401460000000000n
 */
export function toNanos(value: string, unit: TimeUnit): bigint | undefined {
  if (!integerPattern.test(value)) return undefined;
  return BigInt(value) * nanosPerUnit[unit];
}

/** Current time in nanoseconds since the epoch. */
export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** ISO-8601 text of a nanosecond timestamp (millisecond precision), as the service shows it in reasons. */
export function isoOfNanos(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

export const nanosPerHour = 3_600_000_000_000n;
export const nanosPerDay = 24n * nanosPerHour;

/** Digits that a time in each unit gets to become nanoseconds ('000000' for milliseconds). */
const unitZeros = new Map<string, string>(
  Object.values(TimeUnit).map((u) => [u, String(toNanos('1', u)).slice(1)] as const),
);

/**
 * String(timeNs) for a time that passed toNanos: the time's own digits and the unit's zeros, unless it has
 * leading zeros or is zero (then the bigint is written out).
 *
 * @example nanosText('1650401460000', 'MILLISECONDS', 1650401460000000000n) // '1650401460000000000'
 */
export function nanosText(time: string, unit: TimeUnit, timeNs: bigint): string {
  const first = time.charCodeAt(time.charCodeAt(0) === 45 ? 1 : 0);
  return first === 48 ? String(timeNs) : time + unitZeros.get(unit)!;
}
