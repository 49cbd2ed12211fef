/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Most tokens held (the largest burst); also the start level. */
  readonly capacity: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket: `take(n)` resolves once `n` tokens are available and removes them. Callers are served in
 * the order they called, so concurrent senders share the rate fairly and a large request cannot starve.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.capacity > 0)) {
      throw new RangeError(
        `token bucket needs a rate and a capacity above 0 (got ${options.ratePerSecond}, ${options.capacity})`,
      );
    }
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.tokens = options.capacity;
    this.last = this.now();
  }

  /** Waits for `n` tokens (at most the capacity) and takes them. */
  take(n: number): Promise<void> {
    const want = Math.min(n, this.options.capacity);
    const turn = this.queue.then(async () => {
      for (;;) {
        this.refill();
        if (this.tokens >= want) {
          this.tokens -= want;
          return;
        }
        await this.sleep(Math.ceil(((want - this.tokens) / this.options.ratePerSecond) * 1000));
      }
    });
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(
      this.options.capacity,
      this.tokens + ((t - this.last) / 1000) * this.options.ratePerSecond,
    );
    this.last = t;
  }
}
