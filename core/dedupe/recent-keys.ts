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
  private readonly fp = new Int32Array(3);

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
    const fp = this.fp;
    // A content key is a 128-bit hash already: 96 of its bits are the fingerprint, no hashing needed.
    if (key.length >= 18 && key.charCodeAt(0) === 104 /* h */ && key.charCodeAt(1) === 58 /* : */) {
      const c2 = key.charCodeAt(2);
      const c3 = key.charCodeAt(3);
      const c4 = key.charCodeAt(4);
      const c5 = key.charCodeAt(5);
      const c6 = key.charCodeAt(6);
      const c7 = key.charCodeAt(7);
      const c8 = key.charCodeAt(8);
      const c9 = key.charCodeAt(9);
      const c10 = key.charCodeAt(10);
      const c11 = key.charCodeAt(11);
      const c12 = key.charCodeAt(12);
      const c13 = key.charCodeAt(13);
      const c14 = key.charCodeAt(14);
      const c15 = key.charCodeAt(15);
      const c16 = key.charCodeAt(16);
      const c17 = key.charCodeAt(17);
      const any = c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 | c12 | c13 | c14 | c15 | c16 | c17;
      if (any < 128) {
        const t = base64url;
        const v17 = t[c17]!;
        const a = (t[c2]! << 24) | (t[c3]! << 18) | (t[c4]! << 12) | (t[c5]! << 6) | t[c6]!;
        const b = (t[c7]! << 24) | (t[c8]! << 18) | (t[c9]! << 12) | (t[c10]! << 6) | t[c11]!;
        const c = (t[c12]! << 24) | (t[c13]! << 18) | (t[c14]! << 12) | (t[c15]! << 6) | t[c16]!;
        // Every value is 0..63, or -1 for a character outside base64url (which makes the OR negative).
        if ((a | b | c | v17) >= 0) {
          // Three runs of 5 characters (30 bits each) and a 16th character folded into the middle word: ~92 bits.
          fp[0] = a | 1; // never all-zero: zero marks an empty slot
          fp[1] = b ^ (v17 << 26);
          fp[2] = c;
          return;
        }
      }
    }
    const seeds = this.seeds;
    fp[0] = murmur3(key, seeds[0]!) | 1;
    fp[1] = murmur3(key, seeds[1]!);
    fp[2] = murmur3(key, seeds[2]!);
  }
}

/** base64url character code -> its 6-bit value; -1 for any other code below 128. */
const base64url = new Int32Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries())
  base64url[c.charCodeAt(0)] = i;

/** Linear-probing set of 96-bit fingerprints, kept at most half full. */
class FingerprintTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  count = 0;

  constructor(size: number) {
    let capacity = 16;
    while (capacity < size * 2) capacity *= 2;
    this.slots = new Int32Array(size === 0 ? 0 : capacity * 3);
    this.mask = capacity - 1;
  }

  has(fp: Int32Array): boolean {
    const s = this.slots;
    for (let i = fp[1]! & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * 3;
      const a = s[at]!;
      if (a === 0) return false;
      if (a === fp[0] && s[at + 1] === fp[1] && s[at + 2] === fp[2]) return true;
    }
  }

  /** Adds a fingerprint known to be absent. */
  add(fp: Int32Array): void {
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
