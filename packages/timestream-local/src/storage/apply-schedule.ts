import type { JournalEntryHeader } from './journal-entry';

/** Rows journaled but not yet applied above which new calls wait for the apply (bounds memory). */
const defaultMaxPendingRows = 200_000;

/**
 * Default delay before journaled rows are applied when no reader waits: every apply is one DuckDB commit,
 * which costs milliseconds of CPU whatever its size, so streaming writes are applied in large batches.
 */
const defaultApplyDelayMs = 500;

/** Journaled rows at which the apply starts without waiting for the delay. */
const applyNowRows = 50_000;

/** Delay before retrying a failed apply (a query waiting for the apply retries at once). */
const applyRetryMs = 1000;

export interface ApplyScheduleOptions {
  /** how far the journal is applied (0 when never) */
  readonly appliedSeq: number;
  /** delay (ms) before pending entries are applied when nobody waits for them (default 500; 0: at once) */
  readonly delayMs: number | undefined;
  /** rows pending above which {@link ApplySchedule.room} makes new work wait (default 200,000) */
  readonly maxPendingRows: number | undefined;
  /** seals the journal written so far; returns the segment files the next apply reads */
  readonly seal: () => readonly string[];
  /** applies a batch of entries, read from `files`, to the database (in one transaction) */
  readonly apply: (batch: readonly JournalEntryHeader[], files: readonly string[]) => Promise<void>;
  /** after a batch is applied, with the position reached (releases the journal up to it); may throw */
  readonly applied: (appliedSeq: number) => void;
  /** the error a failed apply is reported and rejected with */
  readonly failure: (error: unknown) => Error;
  /** where a failed apply (retried later) or a failed `applied` is reported */
  readonly onError: (error: Error) => void;
}

interface ApplyWaiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * When a table's journaled entries are applied to DuckDB: in batches, after a delay (each apply is one
 * commit, whose cost hardly depends on its size), at once when a reader waits for them, when many rows are
 * pending or when closing, and again after a delay when an apply fails. Tracks the positions appended and
 * applied, and makes new work wait while too many rows are pending.
 */
export class ApplySchedule {
  private pending: JournalEntryHeader[] = [];
  private pendingRows = 0;
  private appendedSeq: number;
  private appliedSeq: number;
  private applying: Promise<void> | undefined;
  /** a delayed or retried apply */
  private timer: NodeJS.Timeout | undefined;
  private waiters: ApplyWaiter[] = [];
  private closed = false;
  private readonly delayMs: number;
  private readonly maxPendingRows: number;

  constructor(private readonly options: ApplyScheduleOptions) {
    this.appendedSeq = options.appliedSeq;
    this.appliedSeq = options.appliedSeq;
    this.delayMs = options.delayMs ?? defaultApplyDelayMs;
    this.maxPendingRows = options.maxPendingRows ?? defaultMaxPendingRows;
  }

  /** The last entry appended. */
  get appended(): number {
    return this.appendedSeq;
  }

  /** How far the journal is applied. */
  get applied(): number {
    return this.appliedSeq;
  }

  /**
   * Applies, before anything else, the entries journaled but not applied when the process stopped (in
   * sequence, right after the applied position).
   */
  async replay(entries: readonly JournalEntryHeader[]): Promise<void> {
    if (entries.length > 0) {
      await this.options.apply(entries, this.options.seal());
      this.appliedSeq = entries.at(-1)!.seq;
    }
    this.appendedSeq = this.appliedSeq;
  }

  /** Schedules the apply of an entry just appended to the journal (its seq follows {@link appended}). */
  append(entry: JournalEntryHeader): void {
    this.appendedSeq = entry.seq;
    this.pending.push(entry);
    this.pendingRows += entry.rows;
    this.kick();
  }

  /** Resolves once entries up to `seq` are applied; rejects with the failure when an apply fails. */
  waitApplied(seq: number): Promise<void> {
    if (this.appliedSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.kick();
    });
  }

  /**
   * When too many rows are pending: a promise that settles once what is appended is applied (or its apply
   * failed); otherwise undefined (nothing to wait for).
   */
  room(): Promise<void> | undefined {
    if (this.pendingRows < this.maxPendingRows) return undefined;
    return this.waitApplied(this.appendedSeq).catch(() => undefined);
  }

  /** From now on, applies without delay and retries no more (the table is closing). */
  closing(): void {
    this.closed = true;
  }

  /** Stops the timers and waits for the apply in progress. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.applying;
  }

  /** Whether pending entries are applied now rather than after the apply delay. */
  private get applyNow(): boolean {
    return this.waiters.length > 0 || this.delayMs === 0 || this.pendingRows >= applyNowRows || this.closed;
  }

  /** Starts applying: at once when someone waits for it (or much is pending), else after the apply delay. */
  private kick(): void {
    if (this.applying || this.pending.length === 0) return;
    if (this.applyNow) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.applying = this.applyLoop();
    } else if (!this.timer) {
      this.startTimer(this.delayMs);
    }
  }

  private startTimer(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.applying && this.pending.length > 0) this.applying = this.applyLoop();
    }, ms);
    this.timer.unref();
  }

  private async applyLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const files = this.options.seal();
        const batch = this.pending.slice();
        try {
          await this.options.apply(batch, files);
        } catch (error) {
          const failure = this.options.failure(error);
          this.options.onError(failure);
          for (const w of this.waiters.splice(0)) w.reject(failure);
          if (!this.closed) this.startTimer(applyRetryMs);
          return;
        }
        this.pending.splice(0, batch.length);
        for (const e of batch) this.pendingRows -= e.rows;
        this.appliedSeq = batch.at(-1)!.seq;
        try {
          this.options.applied(this.appliedSeq);
        } catch (error) {
          this.options.onError(error instanceof Error ? error : new Error(String(error)));
        }
        const ready = this.waiters.filter((w) => w.seq <= this.appliedSeq);
        this.waiters = this.waiters.filter((w) => w.seq > this.appliedSeq);
        for (const w of ready) w.resolve();
        // what arrived during the apply waits for the next delay, unless it is wanted now
        if (this.pending.length > 0 && !this.applyNow) {
          if (!this.timer && !this.closed) this.startTimer(this.delayMs);
          return;
        }
      }
    } finally {
      this.applying = undefined;
    }
  }
}
