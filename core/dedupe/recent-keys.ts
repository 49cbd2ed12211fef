/**
 * The dedupe keys of recently written readings, bounded: keys are kept in two generations of at most `size`
 * keys each. When the current generation is full, the older one is forgotten and the current one becomes the
 * older, so the last `size` keys are always remembered (and at most `2 * size` are held), at O(1) per
 * operation without the bookkeeping of an LRU. `size` 0 remembers nothing (cross-batch dedupe off).
 *
 * One Map holds both generations (key -> generation number), so a lookup is a single hash probe; each
 * generation's keys are also listed, to forget them in one pass when it expires.
 *
 * One instance lives per Lambda container (created at cold start): it catches the duplicates that at-least-once
 * delivery re-sends soon after (retried batches, device re-sends). Older duplicates are made harmless by
 * Timestream's idempotent writes (see core/dedupe/README.md).
 */
export class RecentKeys {
  private readonly generationOf = new Map<string, number>();
  private generation = 0;
  private current: string[] = [];
  private previous: string[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `RecentKeys size must be a whole number >= 0 (got ${size}); set DEDUPE_CACHE_SIZE`,
      );
    }
  }

  /** True when `key` was remembered recently. */
  has(key: string): boolean {
    return this.generationOf.has(key);
  }

  /** Remembers `key`. Call only once its reading is stored, so a failed write is not mistaken for a duplicate. */
  remember(key: string): void {
    if (this.size === 0) return;
    const seen = this.generationOf.get(key);
    if (seen === this.generation) return;
    if (this.current.length >= this.size) this.rotate();
    this.generationOf.set(key, this.generation);
    this.current.push(key);
  }

  /** Remembers every key of `keys` (see {@link remember}). */
  rememberAll(keys: Iterable<string>): void {
    for (const key of keys) this.remember(key);
  }

  /** How many keys are held now (between the last `size` and `2 * size`). */
  get heldKeys(): number {
    return this.generationOf.size;
  }

  private rotate(): void {
    const expired = this.generation - 1;
    // A key re-remembered since belongs to a newer generation and stays.
    for (const key of this.previous)
      if (this.generationOf.get(key) === expired) this.generationOf.delete(key);
    this.previous = this.current;
    this.current = [];
    this.generation++;
  }
}
