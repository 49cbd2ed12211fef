/**
 * The dedupe keys of recently written readings, bounded: two generations of at most `size` keys each. When the
 * current generation is full it becomes the previous one and the oldest generation is dropped, so the last
 * `size` keys are always remembered (and at most `2 * size` are held) at O(1) per operation, without the
 * bookkeeping of an LRU. `size` 0 remembers nothing (cross-batch dedupe off).
 *
 * One instance lives per Lambda container (created at cold start): it catches the duplicates that at-least-once
 * delivery re-sends soon after (retried batches, device re-sends). Older duplicates are made harmless by
 * Timestream's idempotent writes (see core/dedupe/README.md).
 */
export class RecentKeys {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `RecentKeys size must be a whole number >= 0 (got ${size}); set DEDUPE_CACHE_SIZE`,
      );
    }
  }

  /** True when `key` was remembered recently. */
  has(key: string): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  /** Remembers `key`. Call only once its reading is stored, so a failed write is not mistaken for a duplicate. */
  remember(key: string): void {
    if (this.size === 0 || this.current.has(key)) return;
    if (this.current.size >= this.size) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(key);
  }

  /** Remembers every key of `keys` (see {@link remember}). */
  rememberAll(keys: Iterable<string>): void {
    for (const key of keys) this.remember(key);
  }

  /** How many keys are held now (between the last `size` and `2 * size`). */
  get heldKeys(): number {
    return this.current.size + this.previous.size;
  }
}
