import { keyFingerprint } from './key-fingerprint';

/**
 * The dedupe keys of recently written readings, bounded: two generations of at most `size` keys each. When the
 * current generation is full, the older one is forgotten and the current one becomes the older, so the last
 * `size` keys are always remembered (and at most `2 * size` are held), at O(1) per operation without the
 * bookkeeping of an LRU. `size` 0 remembers nothing (cross-batch dedupe off).
 *
 * Each generation is an open-addressing hash table in a typed array holding a 96-bit fingerprint of each key,
 * not the key strings (see {@link keyFingerprint}): 96 bits of the 128-bit content hash for content keys (`h:`),
 * three 32-bit MurmurHash3 lanes with random per-process seeds for any other key. One cache-friendly probe
 * instead of a lookup among hundreds of thousands of heap strings, about 16 bytes a key, and nothing for the
 * garbage collector. A false "seen" needs all ~92 bits to collide: with 200,000 keys held, odds of about 1 in
 * 2 * 10^22 per lookup. Content keys are computed from validated readings, never taken from the client.
 * MurmurHash3's collisions can be made whatever its seeds, but only between keys one party chooses: a
 * messageId key holds its device's id (from the device's token), so a device can only make its own readings
 * collide with each other, and cannot aim at another device's keys without knowing the random seeds.
 *
 * One instance lives per Lambda container (created at cold start): it catches the duplicates that at-least-once
 * delivery re-sends soon after (retried batches, device re-sends). Older duplicates are made harmless by
 * Timestream's idempotent writes (see core/dedupe/README.md).
 */
export class RecentKeys {
  private current: FingerprintTable;
  private previous: FingerprintTable;
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
    keyFingerprint(key, this.fp);
    return this.current.has(this.fp) || this.previous.has(this.fp);
  }

  /**
   * True when the key whose {@link keyFingerprint} is `fp` was remembered recently: for `dedupe`, which has
   * the fingerprint already.
   */
  hasFingerprint(fp: Int32Array): boolean {
    return this.size !== 0 && (this.current.has(fp) || this.previous.has(fp));
  }

  /** Remembers `key`. Call only once its reading is stored, so a failed write is not mistaken for a duplicate. */
  remember(key: string): void {
    if (this.size === 0) return;
    keyFingerprint(key, this.fp);
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
}

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
