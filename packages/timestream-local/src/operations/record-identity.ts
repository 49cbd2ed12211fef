import type { TypedValue } from './parsed-record';

/**
 * A record's identity for upserts and the identity of its value: the key (time, measure name, dimensions)
 * and the value fingerprint (the canonical text of the value or values), both built so that no text inside
 * names or values can make two different records or values look the same.
 */

/** Lists up to this length are sorted and searched with simple loops; longer ones use sort() and a Set. */
export const smallList = 16;

/** Canonical text of one value: its type, then its value as JavaScript writes it. */
function canonical(v: TypedValue): string {
  return `${v.type}\u001f${typeof v.value === 'boolean' ? (v.value ? 'true' : 'false') : String(v.value)}`;
}
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Whether String(Number(s)) === s can be told from the text alone, sparing the number-to-text conversion.
 * True only for plain decimals `-?(0|[1-9]\d*)(\.\d*[1-9])?` of at most 15 digits (not -0, at least 1e-6
 * in magnitude): every decimal of up to 15 significant digits survives the trip through a double, so the
 * shortest text of that double is those digits, and JavaScript writes numbers from 1e-6 to below 1e21
 * without an exponent.
 */
function isCanonicalDecimal(s: string): boolean {
  const len = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  if (i === len || len - i > 16) return false;
  let digits = 0;
  if (s.charCodeAt(i) === 48) {
    // '0', or '0.' followed by at most five zeros before the first other digit
    i++;
    digits++;
    if (i === len) return i === 1;
    if (s.charCodeAt(i) !== 46) return false;
    let zeros = 0;
    while (i + 1 + zeros < len && s.charCodeAt(i + 1 + zeros) === 48) zeros++;
    if (zeros > 5) return false;
  } else {
    while (i < len && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
    if (digits === 0) return false;
    if (i === len) return digits <= 15;
    if (s.charCodeAt(i) !== 46) return false;
  }
  // the fraction: at least one digit, the last one not 0
  i++;
  if (i === len || s.charCodeAt(len - 1) === 48) return false;
  for (; i < len; i++) {
    if (!isDigit(s.charCodeAt(i))) return false;
    digits++;
  }
  return digits <= 15;
}

/** canonical(v) of a value parsed from `raw`, from the raw text when that is the same. */
export function canonicalOf(v: TypedValue, raw: string): string {
  if (v.type === 'VARCHAR') return `VARCHAR\u001f${raw}`;
  if (v.type === 'DOUBLE' && isCanonicalDecimal(raw)) return `DOUBLE\u001f${raw}`;
  return canonical(v);
}

/**
 * The upsert identity of a record: time, measure name and dimensions (sorted by name). Every name and value
 * is preceded by its length, so that no text inside them (separators included) can make two different
 * records share a key.
 */
export function recordKey(
  timeNs: bigint,
  measureName: string,
  sortedDimensions: ReadonlyArray<readonly [string, string]>,
): string {
  return keyOf(String(timeNs), measureName, sortedDimensions);
}

/** recordKey with the time already written out. */
export function keyOf(
  timeText: string,
  measureName: string,
  sortedDimensions: ReadonlyArray<readonly [string, string]>,
): string {
  let key = `${timeText}\u001e${measureName.length}\u001f${measureName}`;
  for (let i = 0; i < sortedDimensions.length; i++) {
    const d = sortedDimensions[i]!;
    key += `\u001e${d[0].length}:${d[1].length}\u001f${d[0]}${d[1]}`;
  }
  return key;
}
/** One value of a MULTI fingerprint: lengths first, so that no name or text can be mistaken for another. */
const multiPart = (name: string, text: string) => `${name.length}:${text.length}\u001f${name}${text}`;

/** Canonical text of a record's value(s); MULTI values are ordered by name, each with its lengths. */
export function valueFingerprint(values: readonly TypedValue[], multi: boolean): string {
  if (!multi) return canonical(values[0]!);
  const n = values.length;
  let sorted: readonly TypedValue[] = values;
  if (n > smallList) {
    sorted = [...values].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } else {
    for (let i = 1; i < n; i++) {
      if (values[i]!.name < values[i - 1]!.name) {
        // stable insertion sort of a copy (the same order as the stable sort() above)
        const copy = values.slice();
        for (let j = i; j < n; j++) {
          const v = copy[j]!;
          let k = j;
          while (k > 0 && v.name < copy[k - 1]!.name) {
            copy[k] = copy[k - 1]!;
            k--;
          }
          copy[k] = v;
        }
        sorted = copy;
        break;
      }
    }
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (i > 0) out += '\u001e';
    out += multiPart(v.name, canonical(v));
  }
  return out;
}

const byName = (a: readonly [string, string], b: readonly [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/** The record's dimensions as [name, value] pairs sorted by name (the order keys list them in). */
export function sortedDimensions(names: readonly string[], values: readonly string[], n: number) {
  const out: Array<readonly [string, string]> = new Array(n);
  let ordered = true;
  for (let i = 0; i < n; i++) {
    out[i] = [names[i]!, values[i]!] as const;
    if (i > 0 && names[i]! < names[i - 1]!) ordered = false;
  }
  if (ordered) return out;
  if (n > smallList) return out.sort(byName);
  for (let j = 1; j < n; j++) {
    const d = out[j]!;
    let k = j;
    while (k > 0 && d[0] < out[k - 1]![0]) {
      out[k] = out[k - 1]!;
      k--;
    }
    out[k] = d;
  }
  return out;
}

/** Positions of a record's values sorted by name. */
const order: number[] = [];

/**
 * valueFingerprint(values, true), from `texts`: canonicalOf() of each value, in the order of `values`.
 */
export function multiFingerprint(values: readonly TypedValue[], texts: readonly string[]): string {
  const n = values.length;
  if (n > smallList) return valueFingerprint(values, true);
  for (let j = 0; j < n; j++) {
    // stable insertion sort by name, as valueFingerprint orders them
    const name = values[j]!.name;
    let k = j;
    while (k > 0 && name < values[order[k - 1]!]!.name) {
      order[k] = order[k - 1]!;
      k--;
    }
    order[k] = j;
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    const o = order[i]!;
    if (i > 0) out += '\u001e';
    out += multiPart(values[o]!.name, texts[o]!);
  }
  return out;
}
