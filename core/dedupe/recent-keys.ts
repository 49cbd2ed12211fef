import { getRandomValues } from 'node:crypto';

/**
 * The dedupe keys of recently written readings, bounded: two generations of at most `size` keys each. When the
 * current generation is full, the older one is forgotten and the current one becomes the older, so the last
 * `size` keys are always remembered (and at most `2 * size` are held), at O(1) per operation without the
 * bookkeeping of an LRU. `size` 0 remembers nothing (cross-batch dedupe off).
 *
 * Each generation is an open-addressing hash table in a typed array holding a 96-bit fingerprint of each key,
 * not the key strings: 96 bits of the 128-bit content hash for content keys (`h:`), three 32-bit MurmurHash3
 * lanes with random per-instance seeds for any other key. One cache-friendly probe
 * instead of a lookup among hundreds of thousands of heap strings, about 16 bytes a key, and nothing for the
 * garbage collector. A false "seen" needs all ~92 bits to collide: with 200,000 keys held, odds of about 1 in
 * 2 * 10^22 per lookup. Content keys are computed from validated readings, never taken from the client, and the
 * random seeds keep anyone from crafting other keys that collide on purpose.
 *
 * One instance lives per Lambda container (created at cold start): it catches the duplicates that at-least-once
 * delivery re-sends soon after (retried batches, device re-sends). Older duplicates are made harmless by
 * Timestream's idempotent writes (see core/dedupe/README.md).
 */
export class RecentKeys {
  private current: FingerprintTable;
  private previous: FingerprintTable;
  private readonly seeds = getRandomValues(new Uint32Array(3));
  private readonly fp = new Uint32Array(3);

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `RecentKeys size must be a whole number >= 0 (got ${size}); set DEDUPE_CACHE_SIZE`,
      );
    }
    this.current = new FingerprintTable(size);
    this.previous = new FingerprintTable(size);
  }

  /** True when `key` was remembered recently. */
  has(key: string): boolean {
    if (this.size === 0) return false;
    this.fingerprint(key);
    return this.current.has(this.fp) || this.previous.has(this.fp);
  }

  /** Remembers `key`. Call only once its reading is stored, so a failed write is not mistaken for a duplicate. */
  remember(key: string): void {
    if (this.size === 0) return;
    this.fingerprint(key);
    if (this.current.has(this.fp)) return;
    if (this.current.count >= this.size) {
      const emptied = this.previous;
      emptied.clear();
      this.previous = this.current;
      this.current = emptied;
    }
    this.current.add(this.fp);
  }

  /** Remembers every key of `keys` (see {@link remember}). */
  rememberAll(keys: Iterable<string>): void {
    for (const key of keys) this.remember(key);
  }

  /** How many keys are held now (between the last `size` and `2 * size`). */
  get heldKeys(): number {
    return this.current.count + this.previous.count;
  }

  private fingerprint(key: string): void {
    // A content key is a 128-bit hash already: its first 96 bits are the fingerprint, no hashing needed.
    if (key.length >= 18 && key.charCodeAt(0) === 104 /* h */ && key.charCodeAt(1) === 58 /* : */) {
      const a = base64urlBits(key, 2);
      const b = base64urlBits(key, 7);
      const c = base64urlBits(key, 12);
      if (a >= 0 && b >= 0 && c >= 0) {
        // Three runs of 5 characters (30 bits each) and a 16th character folded into the middle word: ~92 bits.
        const d = base64urlValue(key.charCodeAt(17));
        if (d >= 0) {
          this.fp[0] = (a | 1) >>> 0;
          this.fp[1] = (b ^ (d << 26)) >>> 0;
          this.fp[2] = c;
          return;
        }
      }
    }
    const seeds = this.seeds;
    this.fp[0] = murmur3(key, seeds[0]!) | 1; // never all-zero: zero marks an empty slot
    this.fp[1] = murmur3(key, seeds[1]!);
    this.fp[2] = murmur3(key, seeds[2]!);
  }
}

/** The 30 bits of five base64url characters from `at`, or -1 if one is not base64url. */
function base64urlBits(s: string, at: number): number {
  let bits = 0;
  for (let i = at; i < at + 5; i++) {
    const v = base64urlValue(s.charCodeAt(i));
    if (v < 0) return -1;
    bits = (bits << 6) | v;
  }
  return bits;
}

function base64urlValue(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 45) return 62;
  if (c === 95) return 63;
  return -1;
}

/** Linear-probing set of 96-bit fingerprints, kept at most half full. */
class FingerprintTable {
  private readonly slots: Uint32Array;
  private readonly mask: number;
  count = 0;

  constructor(size: number) {
    let capacity = 16;
    while (capacity < size * 2) capacity *= 2;
    this.slots = new Uint32Array(size === 0 ? 0 : capacity * 3);
    this.mask = capacity - 1;
  }

  has(fp: Uint32Array): boolean {
    const s = this.slots;
    for (let i = fp[1]! & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * 3;
      const a = s[at]!;
      if (a === 0) return false;
      if (a === fp[0] && s[at + 1] === fp[1] && s[at + 2] === fp[2]) return true;
    }
  }

  /** Adds a fingerprint known to be absent. */
  add(fp: Uint32Array): void {
    const s = this.slots;
    let i = fp[1]! & this.mask;
    while (s[i * 3] !== 0) i = (i + 1) & this.mask;
    s[i * 3] = fp[0]!;
    s[i * 3 + 1] = fp[1]!;
    s[i * 3 + 2] = fp[2]!;
    this.count++;
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
  }
}

/** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of `s`, two per block. */
function murmur3(s: string, seed: number): number {
  let h = seed;
  const len = s.length;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    let k = (s.charCodeAt(i) & 0xffff) | (s.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < len) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
