import { InvalidArgumentError } from 'commander';

/*
 * Parsers of the simulator's flags: each returns the value or throws commander's InvalidArgumentError with what
 * was wrong and what is expected, which commander prints as `option '--rate <n>' argument 'abc' is invalid. ...`.
 */

/** A whole number in [min, max]. */
export function parseWholeNumber(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

/** A number above 0 and at most `max` (e.g. a rate in readings per second). */
export function parsePositiveNumber(max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max) {
      throw new InvalidArgumentError(`expected a number above 0 and at most ${max}.`);
    }
    return value;
  };
}

/** A fraction in [0, 1] (`0.01`, or `1%`). */
export function parseFraction(raw: string): number {
  const percent = raw.trim().endsWith('%');
  const value = Number(percent ? raw.trim().slice(0, -1) : raw);
  const fraction = percent ? value / 100 : value;
  if (raw.trim() === '' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new InvalidArgumentError('expected a fraction from 0 to 1, e.g. 0.01 or 1%.');
  }
  return fraction;
}

const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A duration: `500ms`, `60s`, `5m`, `1h`, `1m30s`, or a plain number of seconds. Returns milliseconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    ms = 0;
    for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
      ms += Number(n) * units[unit as keyof typeof units];
    }
  } else {
    throw new InvalidArgumentError('expected a duration such as 500ms, 60s, 5m, 1h or 1m30s.');
  }
  if (ms <= 0 || ms > 7 * 24 * 3_600_000)
    throw new InvalidArgumentError('expected a duration above 0 and at most 7 days.');
  return Math.round(ms);
}

const spanUnits = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
/** The longest history: Timestream keeps a table's magnetic store for at most 73,000 days; a simulation needs far less. */
const maxHistoryDays = 400;

/** A span of history: `30d`, `12h`, `2w`, `1d12h` (hours, days, weeks). Returns milliseconds. */
export function parseHistorySpan(raw: string): number {
  const text = raw.trim();
  if (!/^(\d+(\.\d+)?[hdw])+$/.test(text)) {
    throw new InvalidArgumentError('expected a span of history such as 30d, 12h, 2w or 1d12h.');
  }
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)([hdw])/g)) {
    ms += Number(n) * spanUnits[unit as keyof typeof spanUnits];
  }
  if (ms < 3_600_000 || ms > maxHistoryDays * 86_400_000) {
    throw new InvalidArgumentError(`expected a span of history from 1h to ${maxHistoryDays}d.`);
  }
  return Math.round(ms);
}

/** Time between two readings of a device: a duration (see {@link parseDuration}) of whole seconds, at least 1s. */
export function parseReadingInterval(raw: string): number {
  const ms = parseDuration(raw);
  if (ms < 1_000 || ms % 1_000 !== 0) {
    throw new InvalidArgumentError('expected a whole number of seconds, at least 1s, such as 60s or 5m.');
  }
  return ms;
}

/** An http(s) URL. */
export function parseEndpoint(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {
    // falls through to the message below
  }
  throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:3000.');
}
