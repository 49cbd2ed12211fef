import type { Reading } from '../reading';

/**
 * A key that identifies a reading across retries and re-sends:
 * - `m:<length>:<deviceId><length>:<messageId>@<time>` when the sender gave a messageId: the device, the
 *   messageId and the time (epoch ms, then `.` and the sub-millisecond nanoseconds when there are any). Ids
 *   are unique per device only, and only until the device restarts its counter (a reboot), so a copy is the
 *   same device, messageId AND time. Each string is length-prefixed, so no two (device, messageId) pairs give
 *   the same key: `sensor:7` / `42` is `m:8:sensor:72:42@...`, `sensor` / `7:42` is `m:6:sensor4:7:42@...`;
 * - else `h:<22 base64url characters>`: a 128-bit hash of the reading's content (see {@link contentHash}):
 *   deviceId, time, sorted dimensions and sorted measures in canonical units (so 75.2 degF and 24 degC of the
 *   same instant are the same reading).
 *
 * The same reading gives the same key in any process running this version; keys are not promised to stay
 * the same across versions (they are only compared within a writer container's lifetime, and the ingest
 * reports them to devices as opaque ids).
 *
 * Why a non-cryptographic 128-bit hash is safe here: a collision drops a reading as a false duplicate, and
 * only against a key held in the batch or in the bounded recent-key cache (at most a few hundred thousand).
 * With 128 well-mixed bits the odds of any accidental collision among 10^6 held keys are about 10^-27. The
 * keys are computed by the writer from validated content, never taken from the client; a device could only
 * force a collision with another device's reading by predicting that reading's exact content (time to the
 * millisecond and every value) and solving the hash for a second preimage, which gains it nothing beyond
 * dropping one reading the cache would otherwise have caught as a duplicate, and Timestream stores the
 * victim's reading when it is re-sent after the cache window.
 */
export function dedupeKey(reading: Reading): string {
  if (reading.messageId !== undefined) return messageKey(reading, reading.messageId);
  contentHash(reading);
  return keyText();
}

function messageKey(reading: Reading, messageId: string): string {
  const { deviceId, timeMs, timeSubMsNanos } = reading;
  const time = timeSubMsNanos === undefined ? `${timeMs}` : `${timeMs}.${timeSubMsNanos}`;
  return `m:${deviceId.length}:${deviceId}${messageId.length}:${messageId}@${time}`;
}

// The words hashed, reused across calls (grown for long readings), and the hash's four 32-bit lanes.
let words = new Int32Array(256);
let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;
const seed = 0x9747b28c | 0;
const c1 = 0x239b961b;
const c2 = 0xab0e9789 | 0;
const c3 = 0x38b34ae5;
const c4 = 0xa1e38b93 | 0;
const doubleBits = new Float64Array(1);
const doubleWords = new Int32Array(doubleBits.buffer);

/**
 * Hashes the reading's canonical content into the module's four lanes (read by {@link keyText}). The hashed
 * stream of 32-bit words is unambiguous: deviceId, then timeMs and timeSubMsNanos as IEEE-754 doubles, the
 * dimension count, each (name, value) sorted by name, the measure count, each (name, value, unit) sorted by
 * name; every string is its length and mode then its characters (see {@link putString}), so two different
 * readings never give the same stream. No string building, and no allocation for readings whose names come in the same
 * order as the previous one's.
 */
function contentHash(reading: Reading): void {
  const dimensions = reading.dimensions;
  const dimNames = sortedKeys(dimensions, dimensionOrder);
  const measures = reading.measures;
  const measureNames = sortedKeys(measures, measureOrder);
  let n = putString(0, reading.deviceId);
  n = putNumber(n, reading.timeMs);
  n = putNumber(n, reading.timeSubMsNanos ?? 0);
  n = putWord(n, dimNames.length);
  for (let i = 0; i < dimNames.length; i++) {
    const k = dimNames[i]!;
    n = putString(n, k);
    n = putString(n, dimensions[k]!);
  }
  n = putWord(n, measureNames.length);
  for (let i = 0; i < measureNames.length; i++) {
    const k = measureNames[i]!;
    const m = measures[k]!;
    n = putString(n, k);
    // +0 so that -0 and 0 (the same stored value) give the same key.
    n = putNumber(n, m.value + 0);
    n = putString(n, m.unit);
  }
  hashWords(words, n);
}

/** The word buffer with room for `count` words after the first `n` (grown, keeping them, if needed). */
function room(n: number, count: number): Int32Array {
  if (n + count <= words.length) return words;
  const bigger = new Int32Array(Math.max(n + count, words.length * 2));
  bigger.set(words.subarray(0, n));
  words = bigger;
  return bigger;
}

function putWord(n: number, v: number): number {
  room(n, 1)[n] = v;
  return n + 1;
}

/**
 * A string as its length and mode (`length * 2 + wide`) then its characters: four per word when every one is
 * below 256 (names, units, ids, most values), else two UTF-16 code units per word.
 */
function putString(n: number, s: string): number {
  const len = s.length;
  const w = room(n, 2 + ((len + 1) >> 1));
  const start = n++;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    const d = s.charCodeAt(i + 3);
    if ((a | b | c | d) > 0xff) return putWideString(w, start, s);
    w[n++] = a | (b << 8) | (c << 16) | (d << 24);
  }
  if (i < len) {
    let last = 0;
    for (let shift = 0; i < len; i++, shift += 8) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return putWideString(w, start, s);
      last |= c << shift;
    }
    w[n++] = last;
  }
  w[start] = len * 2;
  return n;
}

function putWideString(w: Int32Array, start: number, s: string): number {
  const len = s.length;
  w[start] = len * 2 + 1;
  let n = start + 1;
  let i = 0;
  for (; i + 1 < len; i += 2) w[n++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
  if (i < len) w[n++] = s.charCodeAt(i);
  return n;
}

function putNumber(n: number, v: number): number {
  const w = room(n, 2);
  doubleBits[0] = v;
  w[n] = doubleWords[0]!;
  w[n + 1] = doubleWords[1]!;
  return n + 2;
}

/** MurmurHash3 (x86, 128-bit) over the first `n` words of `w`, into the module's four lanes. */
function hashWords(w: Int32Array, n: number): void {
  let a = seed;
  let b = seed;
  let c = seed;
  let d = seed;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k1 = Math.imul(w[i]!, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    a ^= Math.imul(k1, c2);
    a = (a << 19) | (a >>> 13);
    a = (Math.imul((a + b) | 0, 5) + 0x561ccd1b) | 0;
    let k2 = Math.imul(w[i + 1]!, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    b ^= Math.imul(k2, c3);
    b = (b << 17) | (b >>> 15);
    b = (Math.imul((b + c) | 0, 5) + 0x0bcaa747) | 0;
    let k3 = Math.imul(w[i + 2]!, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    c ^= Math.imul(k3, c4);
    c = (c << 15) | (c >>> 17);
    c = (Math.imul((c + d) | 0, 5) + 0x96cd1c35) | 0;
    let k4 = Math.imul(w[i + 3]!, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    d ^= Math.imul(k4, c1);
    d = (d << 13) | (d >>> 19);
    d = (Math.imul((d + a) | 0, 5) + 0x32ac3b17) | 0;
  }
  const rest = n - blocks;
  if (rest > 2) {
    let k3 = Math.imul(w[blocks + 2]!, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    c ^= Math.imul(k3, c4);
  }
  if (rest > 1) {
    let k2 = Math.imul(w[blocks + 1]!, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    b ^= Math.imul(k2, c3);
  }
  if (rest > 0) {
    let k1 = Math.imul(w[blocks]!, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    a ^= Math.imul(k1, c2);
  }
  const bytes = n * 4;
  a ^= bytes;
  b ^= bytes;
  c ^= bytes;
  d ^= bytes;
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  a = fmix(a);
  b = fmix(b);
  c = fmix(c);
  d = fmix(d);
  a = (a + b + c + d) | 0;
  h1 = a;
  h2 = (b + a) | 0;
  h3 = (c + a) | 0;
  h4 = (d + a) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const digit = Array.from(alphabet, (c) => c.charCodeAt(0));

/**
 * `h:` and the four lanes in base64url: the top 30 bits of each lane as five characters, then the four
 * lanes' low 2 bits (8 bits) as two more. 22 characters, all 128 bits.
 */
function keyText(): string {
  const d = digit;
  const low = ((h1 & 3) << 6) | ((h2 & 3) << 4) | ((h3 & 3) << 2) | (h4 & 3);
  return String.fromCharCode(
    104, // h
    58, // :
    d[(h1 >>> 26) & 63]!,
    d[(h1 >>> 20) & 63]!,
    d[(h1 >>> 14) & 63]!,
    d[(h1 >>> 8) & 63]!,
    d[(h1 >>> 2) & 63]!,
    d[(h2 >>> 26) & 63]!,
    d[(h2 >>> 20) & 63]!,
    d[(h2 >>> 14) & 63]!,
    d[(h2 >>> 8) & 63]!,
    d[(h2 >>> 2) & 63]!,
    d[(h3 >>> 26) & 63]!,
    d[(h3 >>> 20) & 63]!,
    d[(h3 >>> 14) & 63]!,
    d[(h3 >>> 8) & 63]!,
    d[(h3 >>> 2) & 63]!,
    d[(h4 >>> 26) & 63]!,
    d[(h4 >>> 20) & 63]!,
    d[(h4 >>> 14) & 63]!,
    d[(h4 >>> 8) & 63]!,
    d[(h4 >>> 2) & 63]!,
    d[low >>> 2]!,
    d[low & 3]!,
  );
}

const noKeys: readonly string[] = [];

/**
 * Readings of one device come with the same names in the same order, so the last order seen and its sorted
 * form are kept (one per object kind): a repeat costs one pass over the keys and no allocation.
 */
type OrderMemo = { order: string[]; sorted: readonly string[] };
const dimensionOrder: OrderMemo = { order: [], sorted: noKeys };
const measureOrder: OrderMemo = { order: [], sorted: noKeys };

/** The object's keys in code-unit order. */
function sortedKeys(o: object, memo: OrderMemo): readonly string[] {
  const order = memo.order;
  let i = 0;
  let same = true;
  for (const k in o) {
    if (i >= order.length || order[i] !== k) {
      same = false;
      break;
    }
    i++;
  }
  if (same && i === order.length) return memo.sorted;
  const keys = Object.keys(o);
  if (keys.length === 0) return noKeys;
  memo.order = keys;
  memo.sorted = [...keys].sort();
  return memo.sorted;
}
