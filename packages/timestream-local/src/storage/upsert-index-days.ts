import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ParsedRecord, RecordRejection, TypedValue } from '../operations/parsed-record';
import { recordKey, valueFingerprint } from '../operations/record-identity';
import { nanosPerDay } from '../operations/time-units';
import { relationOf, singleTypes } from './journal-apply';
import type { StoredTable } from './metadata-store';
import { quoteIdent, singleValueColumn } from './storage-layout';
import { type TimeWindow, timeProblem } from './time-window';
import { UpsertIndex } from './upsert-index';

/** The UTC day (days since the epoch) of nanosecond times, remembering the last day's bounds. */
export class DayOf {
  private start = 1n;
  private end = 0n;
  private day = 0;

  of(timeNs: bigint): number {
    if (timeNs >= this.start && timeNs < this.end) return this.day;
    let day = timeNs / nanosPerDay;
    if (timeNs < 0n && day * nanosPerDay !== timeNs) day -= 1n; // floor, before 1970
    this.start = day * nanosPerDay;
    this.end = this.start + nanosPerDay;
    this.day = Number(day);
    return this.day;
  }
}

/**
 * A table's {@link UpsertIndex} by UTC day: which days' keys it holds, and the loading of a day's keys from
 * DuckDB when a write first reaches that day. It keeps the `keepDays` days written to most recently.
 */
export class UpsertIndexDays {
  readonly index = new UpsertIndex();
  /** days whose keys are in the index -> when last written to (a counter) */
  private readonly indexed = new Map<number, number>();
  private uses = 0;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly table: StoredTable,
    private readonly keepDays: number,
  ) {}

  /**
   * Makes sure the keys of every day a group of calls writes to are in the index: a day not indexed yet is
   * loaded from DuckDB, after `beforeLoad` (which applies the journal, so that DuckDB holds every row decided
   * so far). Then forgets the days written to least recently, beyond the `keepDays` most recent.
   */
  async cover(
    group: ReadonlyArray<ReadonlyArray<ParsedRecord | RecordRejection>>,
    window: TimeWindow,
    beforeLoad: () => Promise<void>,
  ): Promise<void> {
    const use = ++this.uses;
    const missing = new Set<number>();
    const days = new DayOf();
    for (const records of group) {
      for (const rec of records) {
        // a record refused for its time needs no day: loading one would only evict a day in use
        if (!('key' in rec) || timeProblem(rec.timeNs, window) !== undefined) continue;
        const day = days.of(rec.timeNs);
        if (this.indexed.has(day)) this.indexed.set(day, use);
        else missing.add(day);
      }
    }
    if (missing.size === 0) return;
    await beforeLoad();
    for (const day of missing) {
      await this.load(day);
      this.indexed.set(day, use);
    }
    if (this.indexed.size > this.keepDays) {
      const forget = new Set(
        [...this.indexed]
          .filter(([, lastUse]) => lastUse !== use)
          .sort((a, b) => a[1] - b[1])
          .slice(0, this.indexed.size - this.keepDays)
          .map(([day]) => day),
      );
      if (forget.size > 0) {
        this.index.dropDays((day) => forget.has(day));
        for (const day of forget) this.indexed.delete(day);
      }
    }
  }

  /** Forgets the days before `day` (their rows are past both retentions: a write to them is refused). */
  dropBefore(day: number): void {
    const gone = [...this.indexed.keys()].filter((d) => d < day);
    if (gone.length > 0) {
      this.index.dropDays((d) => d < day);
      for (const d of gone) this.indexed.delete(d);
    }
  }

  /** Adds the keys of the stored rows of one UTC day to the index. */
  private async load(day: number): Promise<void> {
    // a connection of its own: the writer's connection belongs to the apply
    const connection = await this.instance.connect();
    try {
      await readDay(connection, this.table, day, this.index);
    } catch (error) {
      // a day read in part is not indexed: its rows go, the next write to it loads it again
      this.index.dropDays((d) => d === day);
      throw error;
    } finally {
      connection.closeSync();
    }
  }
}

/** Reads the key, version and value fingerprint of each stored row of UTC day `day` into `index`. */
async function readDay(
  connection: DuckDBConnection,
  table: StoredTable,
  day: number,
  index: UpsertIndex,
): Promise<void> {
  const extra = table.columns;
  const cols = [
    'epoch_ns(time)',
    'measure_name',
    ...singleTypes.map((t) =>
      t === 'TIMESTAMP' ? `epoch_ns(${quoteIdent(singleValueColumn[t])})` : quoteIdent(singleValueColumn[t]),
    ),
    '__ts_version',
    ...extra.map((c) => (c.type === 'TIMESTAMP' ? `epoch_ns(${quoteIdent(c.name)})` : quoteIdent(c.name))),
  ];
  const from = BigInt(day) * nanosPerDay;
  const result = await connection.stream(
    `SELECT ${cols.join(', ')} FROM ${relationOf(table)} WHERE time >= make_timestamp_ns(${from}) AND time < make_timestamp_ns(${from + nanosPerDay})`,
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      const timeNs = row[0] as bigint;
      const measureName = row[1] as string;
      const measure = table.measures.get(measureName);
      const multi = measure?.dataType === 'multi';
      const dims: [string, string][] = [];
      const values: TypedValue[] = [];
      extra.forEach((c, i) => {
        const v = row[8 + i];
        if (v === null || v === undefined) return;
        if (c.kind === 'dimension') dims.push([c.name, v as string]);
        else values.push({ name: c.name, type: c.type, value: v as TypedValue['value'] });
      });
      if (!multi) {
        singleTypes.forEach((t, i) => {
          const v = row[2 + i];
          if (v !== null && v !== undefined)
            values.push({ name: measureName, type: t, value: v as TypedValue['value'] });
        });
      }
      dims.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      index.set(
        recordKey(timeNs, measureName, dims),
        Number(row[7] as bigint),
        valueFingerprint(values, multi),
        day,
      );
    }
  }
}
