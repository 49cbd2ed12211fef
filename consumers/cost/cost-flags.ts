import { InvalidArgumentError } from 'commander';

/*
 * Parsers of `npm run cost`'s flags: each returns the value or throws commander's InvalidArgumentError with
 * what was expected (commander prefixes the flag and the value received).
 */

/** A whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw.replaceAll('_', '').replaceAll(',', ''));
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A number from `min` to `max` (decimals allowed). */
export function number(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}.`);
    }
    return n;
  };
}

const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration such as 60s, 5m, 1h, 1m30s or 500ms (a bare number is seconds), in seconds. */
export function durationSeconds(options: { allowZero?: boolean } = {}) {
  return (raw: string): number => {
    const text = raw.trim();
    let seconds: number;
    if (/^\d+(\.\d+)?$/.test(text)) seconds = Number(text);
    else {
      const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
      if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
        throw new InvalidArgumentError('expected a duration such as 60s, 5m, 1h, 1m30s or 500ms.');
      }
      seconds = parts.reduce((sum, p) => sum + Number(p[1]) * unitSeconds[p[2]!]!, 0);
    }
    if (seconds === 0 && options.allowZero) return 0;
    if (!(seconds > 0) || seconds > 366 * 86_400) {
      throw new InvalidArgumentError(
        `expected a duration above 0${options.allowZero ? ' (or 0)' : ''} and at most 366 days.`,
      );
    }
    return seconds;
  };
}

/** One of `choices`, compared case-insensitively; returns the choice as listed. */
export function oneOf<T extends string>(choices: readonly T[]) {
  return (raw: string): T => {
    const found = choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    return found;
  };
}

/** A comma-separated list of names (measures). */
export function nameList(raw: string): string[] {
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0)
    throw new InvalidArgumentError('expected names separated by commas, e.g. co2,temperature.');
  return names;
}

/** `name=value` pairs separated by commas (dimensions). */
export function pairs(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      throw new InvalidArgumentError(
        `expected name=value pairs separated by commas, e.g. site=hq,room=r101 (got "${part}").`,
      );
    }
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}
