import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { RejectionReason, TimestreamLimits } from '../constants';
import {
  InternalServerException,
  LocalTimestreamJournalError,
  LocalTimestreamReplayError,
  type RejectedRecord,
} from '../errors';
import type { ParsedRecord, RecordRejection, TypedValue, ValueType } from '../operations/parsed-record';
import { recordKey, valueFingerprint } from '../operations/record-identity';
import { isoOfNanos, nanosPerDay, nanosPerHour, nowNanos } from '../operations/time-units';
import { TableJournal } from './journal';
import {
  columnKey,
  encodeJsonString,
  encodeRow,
  type JournalEntryHeader,
  singleValueKey,
} from './journal-entry';
import {
  insertColumn,
  journalAppliedSql,
  type MeasureRecord,
  type StoredTable,
  upsertMeasure,
} from './metadata-store';
import {
  duckdbType,
  type ExtraColumn,
  measureDataType,
  quoteIdent,
  relationName,
  singleValueColumn,
} from './storage-layout';
import { UpsertIndex } from './upsert-index';

/** How often a table's writer deletes the rows past both retentions (with the next write). */
const purgeIntervalNs = 10n * 60n * 1_000_000_000n;

/** Days whose upsert keys stay in memory by default. */
const defaultIndexDays = 8;

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

/** What one WriteRecords call achieved. */
export interface WriteOutcome {
  readonly memoryStore: number;
  readonly magneticStore: number;
  readonly rejected: readonly RejectedRecord[];
}

interface PendingCall {
  readonly records: ReadonlyArray<ParsedRecord | RecordRejection>;
  readonly resolve: (o: WriteOutcome) => void;
  readonly reject: (e: Error) => void;
}

/** A column as decided, with its ordinal among the table's added columns (its key in journal rows). */
interface ColumnSlot {
  readonly column: ExtraColumn;
  readonly ordinal: number;
}

interface ApplyWaiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export interface TableWriterOptions {
  /** the table's journal directory (created if missing) */
  readonly journalDir: string;
  /** how far the journal is applied, as stored in DuckDB (0 when never) */
  readonly appliedSeq: number;
  readonly clock?: () => bigint;
  /** where a failed background apply is reported (its entries stay journaled and are retried) */
  readonly onApplyError?: (error: Error) => void;
  /** rows journaled but not applied above which new calls wait (default 200,000) */
  readonly maxPendingRows?: number;
  /**
   * UTC days whose rows' upsert keys are kept in memory (default 8): the days written to most recently. A
   * write to another day first loads that day's keys from DuckDB.
   */
  readonly indexDays?: number;
  /**
   * Delay (ms) before journaled entries are applied when no reader waits for them: larger batches per
   * DuckDB transaction. A query or control-plane change applies at once, and so do 50,000 pending rows.
   * Default {@link defaultApplyDelayMs}; 0 applies as soon as possible.
   */
  readonly applyDelayMs?: number;
}

/**
 * Writes the records of one Timestream table. The calls queued in one turn of the event loop form a group:
 * their records are checked at once against the table's {@link UpsertIndex} (key -> version + value
 * fingerprint, for the UTC days written to most recently, each loaded from DuckDB when first written to)
 * and the table's shape, the accepted rows are appended to the table's journal with one `write` (durable
 * against the process being killed), and the calls are answered. The journal is
 * applied to DuckDB in the background: DuckDB reads the sealed journal segments itself (the rows never go
 * back through JavaScript), everything pending in one transaction that also stores the applied journal
 * position, so a restart replays exactly the entries not applied yet.
 * Readers call {@link TableWriter.settled} first to see every write answered before them.
 */
export class TableWriter {
  private queue: PendingCall[] = [];
  private flushing: Promise<void> | undefined;
  private readonly index = new UpsertIndex();
  /** days whose keys are in the index -> when last written to (a counter) */
  private readonly indexedDays = new Map<number, number>();
  private dayUses = 0;
  private readonly indexDays: number;
  /** key fingerprints of the rows a group accepts, in order (reused from group to group) */
  private groupKeys: Int32Array<ArrayBuffer> = new Int32Array(4 * 1024);
  private connection: DuckDBConnection | undefined;
  private closed = false;
  /** when rows past both retentions were last deleted (they are hidden from queries at once, deleted lazily) */
  private lastPurgeNs = 0n;
  /** columns and measures as decided, including journaled entries not applied yet */
  private decidedColumns = new Map<string, ColumnSlot>();
  /** decided column names by their DuckDB identity (ASCII letters folded to lower case) */
  private decidedFolded = new Map<string, string>();
  private decidedMeasures = new Map<string, MeasureRecord>();
  private pending: JournalEntryHeader[] = [];
  private pendingRows = 0;
  private appendedSeq: number;
  private appliedSeq: number;
  private applying: Promise<void> | undefined;
  /** a delayed or retried apply */
  private applyTimer: NodeJS.Timeout | undefined;
  private waiters: ApplyWaiter[] = [];
  private readonly clock: () => bigint;
  private readonly onApplyError: (error: Error) => void;
  private readonly maxPendingRows: number;
  private readonly applyDelayMs: number;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The table's metadata, columns and measures as applied to DuckDB (what queries see). */
    readonly table: StoredTable,
    private readonly journal: TableJournal,
    options: TableWriterOptions,
  ) {
    this.appendedSeq = options.appliedSeq;
    this.appliedSeq = options.appliedSeq;
    this.clock = options.clock ?? nowNanos;
    this.onApplyError = options.onApplyError ?? ((error) => console.error('local Timestream:', error));
    this.maxPendingRows = options.maxPendingRows ?? defaultMaxPendingRows;
    this.applyDelayMs = options.applyDelayMs ?? defaultApplyDelayMs;
    this.indexDays = options.indexDays ?? defaultIndexDays;
  }

  /**
   * Opens the writer of a table: opens its journal and applies the entries after the applied position
   * (what was answered but not yet in DuckDB when the process stopped) before anything else.
   *
   * @throws LocalTimestreamJournalError when an entry after the applied position is missing
   */
  static async open(
    instance: DuckDBInstance,
    table: StoredTable,
    options: TableWriterOptions,
  ): Promise<TableWriter> {
    const { journal, entries } = TableJournal.open(options.journalDir);
    const writer = new TableWriter(instance, table, journal, options);
    try {
      const replay = entries.filter((e) => e.seq > writer.appliedSeq);
      replay.forEach((e, i) => {
        const expected = writer.appliedSeq + i + 1;
        if (e.seq !== expected) throw new LocalTimestreamJournalError(options.journalDir, expected, e.seq);
      });
      if (replay.length > 0) {
        try {
          await writer.applyBatch(replay, journal.seal());
        } catch (error) {
          throw new LocalTimestreamReplayError(
            `${table.record.database}.${table.record.name}`,
            options.journalDir,
            error,
          );
        }
        writer.appliedSeq = replay.at(-1)!.seq;
      }
      writer.appendedSeq = writer.appliedSeq;
      journal.release(writer.appliedSeq);
    } catch (error) {
      await writer.release();
      throw error;
    }
    writer.decidedColumns = new Map(
      table.columns.map((column, ordinal) => [column.name, { column, ordinal }]),
    );
    writer.decidedFolded = new Map(table.columns.map((c) => [foldAscii(c.name), c.name]));
    writer.decidedMeasures = new Map(table.measures);
    return writer;
  }

  /**
   * Queues one call's records; resolves once its accepted records are in the journal (durable against a
   * process kill), with what was accepted and rejected.
   */
  write(records: ReadonlyArray<ParsedRecord | RecordRejection>): Promise<WriteOutcome> {
    if (this.closed) {
      return Promise.reject(new InternalServerException('The table is being deleted; retry the call.'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.flushing) {
        this.flushing = new Promise<void>((done) => setImmediate(done)).then(() => this.flush());
      }
    });
  }

  /**
   * Resolves once every call answered before this one is applied to DuckDB (read-your-writes for queries
   * and control-plane changes). Rejects with InternalServerException when the apply fails.
   */
  settled(): Promise<void> {
    return this.waitApplied(this.appendedSeq);
  }

  /** How far the journal is applied to DuckDB (the position stored with the data). */
  get appliedPosition(): number {
    return this.appliedSeq;
  }

  /** Fsyncs the journal (for OS-crash durability; a process kill loses nothing without it). */
  syncJournal(): Promise<void> {
    return this.journal.sync();
  }

  /**
   * Answers queued calls, applies the whole journal, then releases the journal and the connection (entries
   * that could not be applied stay journaled for the next start). Later calls fail.
   */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flushing;
      await this.settled();
    } finally {
      await this.release();
    }
  }

  /** After {@link close}: deletes the journal's directory (the table was dropped). */
  async destroyJournal(): Promise<void> {
    await this.journal.destroy();
  }

  private async release(): Promise<void> {
    this.closed = true;
    if (this.applyTimer) clearTimeout(this.applyTimer);
    this.applyTimer = undefined;
    await this.applying;
    await this.journal.close();
    this.connection?.closeSync();
    this.connection = undefined;
  }

  private waitApplied(seq: number): Promise<void> {
    if (this.appliedSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.kickApply();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.pendingRows >= this.maxPendingRows) {
          await this.waitApplied(this.appendedSeq).catch(() => undefined);
        }
        const group = this.queue.splice(0, this.queue.length);
        try {
          // one clock reading for the group: the days loaded are those of the records it will accept
          const now = this.clock();
          await this.indexDaysOf(group, now);
          const outcomes = this.decide(group, this.index, now);
          for (const [i, call] of group.entries()) call.resolve(outcomes[i]!);
        } catch (error) {
          const failure = new InternalServerException(
            `Could not store the records: ${error instanceof Error ? error.message : String(error)}`,
          );
          failure.cause = error;
          for (const call of group) call.reject(failure);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Whether pending entries are applied now rather than after the apply delay. */
  private get applyNow(): boolean {
    return (
      this.waiters.length > 0 || this.applyDelayMs === 0 || this.pendingRows >= applyNowRows || this.closed
    );
  }

  /** Starts applying: at once when someone waits for it (or much is pending), else after the apply delay. */
  private kickApply(): void {
    if (this.applying || this.pending.length === 0) return;
    if (this.applyNow) {
      if (this.applyTimer) clearTimeout(this.applyTimer);
      this.applyTimer = undefined;
      this.applying = this.applyLoop();
    } else if (!this.applyTimer) {
      this.startApplyTimer(this.applyDelayMs);
    }
  }

  private startApplyTimer(ms: number): void {
    this.applyTimer = setTimeout(() => {
      this.applyTimer = undefined;
      if (!this.applying && this.pending.length > 0) this.applying = this.applyLoop();
    }, ms);
    this.applyTimer.unref();
  }

  private async applyLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const files = this.journal.seal();
        const batch = this.pending.slice();
        try {
          await this.applyBatch(batch, files);
        } catch (error) {
          const failure = new InternalServerException(
            `Could not apply the journal of table ${this.table.record.database}.${this.table.record.name} to DuckDB: ${error instanceof Error ? error.message : String(error)}. The writes stay in the journal and are retried.`,
          );
          failure.cause = error;
          this.onApplyError(failure);
          for (const w of this.waiters.splice(0)) w.reject(failure);
          if (!this.closed) this.startApplyTimer(applyRetryMs);
          return;
        }
        this.pending.splice(0, batch.length);
        for (const e of batch) this.pendingRows -= e.rows;
        this.appliedSeq = batch.at(-1)!.seq;
        try {
          this.journal.release(this.appliedSeq);
        } catch (error) {
          this.onApplyError(error instanceof Error ? error : new Error(String(error)));
        }
        const ready = this.waiters.filter((w) => w.seq <= this.appliedSeq);
        this.waiters = this.waiters.filter((w) => w.seq > this.appliedSeq);
        for (const w of ready) w.resolve();
        // what arrived during the apply waits for the next delay, unless it is wanted now
        if (this.pending.length > 0 && !this.applyNow) {
          if (!this.applyTimer && !this.closed) this.startApplyTimer(this.applyDelayMs);
          return;
        }
      }
    } finally {
      this.applying = undefined;
    }
  }

  private async conn(): Promise<DuckDBConnection> {
    if (!this.connection) this.connection = await this.instance.connect();
    return this.connection;
  }

  private get relation(): string {
    return quoteIdent(relationName(this.table.record.id));
  }

  /** The times the table accepts at `now`: the memory store, the magnetic store, the future tolerance. */
  private timeWindow(now: bigint): TimeWindow {
    const meta = this.table.record;
    return {
      memoryStart: now - BigInt(meta.memoryHours) * nanosPerHour,
      magneticStart: now - BigInt(meta.magneticDays) * nanosPerDay,
      futureEnd: now + BigInt(TimestreamLimits.futureToleranceMs) * 1_000_000n,
      magneticWrites: meta.magneticWrites.EnableMagneticStoreWrites === true,
    };
  }

  /**
   * Makes sure the keys of every day the group writes to are in the index: a day not indexed yet is loaded
   * from DuckDB, after the journal is applied (so DuckDB holds every row decided so far). Then forgets the
   * days written to least recently, beyond the {@link TableWriterOptions.indexDays} most recent.
   */
  private async indexDaysOf(group: readonly PendingCall[], now: bigint): Promise<void> {
    const use = ++this.dayUses;
    const missing = new Set<number>();
    const days = new DayOf();
    const window = this.timeWindow(now);
    for (const call of group) {
      for (const rec of call.records) {
        // a record refused for its time needs no day: loading one would only evict a day in use
        if (!('key' in rec) || timeProblem(rec.timeNs, window) !== undefined) continue;
        const day = days.of(rec.timeNs);
        if (this.indexedDays.has(day)) this.indexedDays.set(day, use);
        else missing.add(day);
      }
    }
    if (missing.size === 0) return;
    await this.waitApplied(this.appendedSeq);
    for (const day of missing) {
      await this.loadDay(day);
      this.indexedDays.set(day, use);
    }
    if (this.indexedDays.size > this.indexDays) {
      const forget = new Set(
        [...this.indexedDays]
          .filter(([, lastUse]) => lastUse !== use)
          .sort((a, b) => a[1] - b[1])
          .slice(0, this.indexedDays.size - this.indexDays)
          .map(([day]) => day),
      );
      if (forget.size > 0) {
        this.index.dropDays((day) => forget.has(day));
        for (const day of forget) this.indexedDays.delete(day);
      }
    }
  }

  /** Adds the keys of the stored rows of one UTC day to the index. */
  private async loadDay(day: number): Promise<void> {
    // a connection of its own: the writer's connection belongs to the apply
    const connection = await this.instance.connect();
    try {
      await this.readDay(connection, day);
    } catch (error) {
      // a day read in part is not indexed: its rows go, the next write to it loads it again
      this.index.dropDays((d) => d === day);
      throw error;
    } finally {
      connection.closeSync();
    }
  }

  private async readDay(connection: DuckDBConnection, day: number): Promise<void> {
    const extra = this.table.columns;
    const cols = [
      'epoch_ns(time)',
      'measure_name',
      ...singleTypes.map((t) =>
        t === 'TIMESTAMP'
          ? `epoch_ns(${quoteIdent(singleValueColumn[t])})`
          : quoteIdent(singleValueColumn[t]),
      ),
      '__ts_version',
      ...extra.map((c) => (c.type === 'TIMESTAMP' ? `epoch_ns(${quoteIdent(c.name)})` : quoteIdent(c.name))),
    ];
    const from = BigInt(day) * nanosPerDay;
    const result = await connection.stream(
      `SELECT ${cols.join(', ')} FROM ${this.relation} WHERE time >= make_timestamp_ns(${from}) AND time < make_timestamp_ns(${from + nanosPerDay})`,
    );
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.getRows()) {
        const timeNs = row[0] as bigint;
        const measureName = row[1] as string;
        const measure = this.table.measures.get(measureName);
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
        this.index.set(
          recordKey(timeNs, measureName, dims),
          Number(row[7] as bigint),
          valueFingerprint(values, multi),
          day,
        );
      }
    }
  }

  /**
   * Decides a group of calls against the index and the decided shape, journals what they change (one
   * write) and only then updates the in-memory state; returns each call's outcome. Throws (changing
   * nothing) when the journal cannot be written.
   */
  private decide(group: readonly PendingCall[], index: UpsertIndex, now: bigint): WriteOutcome[] {
    const measures = this.decidedMeasures;
    const window = this.timeWindow(now);
    const { memoryStart, magneticStart } = window;

    const shape: GroupShape = {
      slots: this.decidedColumns,
      folded: this.decidedFolded,
      newSlots: new Map(),
      newFolded: new Map(),
      newColumns: [],
      measures,
      newMeasures: new Map(),
      grownMeasures: new Map(),
    };
    const rows = new Map<string, ParsedRecord>();
    const replaces = new Set<string>();

    const outcomes = group.map((call) => {
      let memoryStore = 0;
      let magneticStore = 0;
      const rejected: RejectedRecord[] = [];
      for (const rec of call.records) {
        if (!('key' in rec)) {
          rejected.push({ RecordIndex: rec.index, Reason: rec.reason });
          continue;
        }
        const timeRejection = timeProblem(rec.timeNs, window);
        if (timeRejection !== undefined) {
          rejectRecord(rejected, rec.index, timeRejection);
          continue;
        }
        const magnetic = rec.timeNs < memoryStart;
        const typeProblem = findTypeProblem(rec, shape);
        if (typeProblem) {
          rejectRecord(rejected, rec.index, typeProblem);
          continue;
        }
        // the row this record would replace: accepted earlier in this group, else decided before it
        const earlier = rows.get(rec.key);
        const stored = earlier ? undefined : index.get(rec.key);
        const previousVersion = earlier ? Number(earlier.version) : stored?.version;
        if (previousVersion !== undefined && Number(rec.version) <= previousVersion) {
          const same = earlier ? earlier.fingerprint === rec.fingerprint : stored!.sameValue(rec.fingerprint);
          if (!same) {
            const existing = BigInt(previousVersion);
            rejectRecord(
              rejected,
              rec.index,
              rec.version === existing
                ? RejectionReason.sameVersion
                : RejectionReason.lowerVersion(rec.version, existing),
              existing,
            );
            continue;
          }
        } else {
          if (stored) replaces.add(rec.key);
          if (!earlier) {
            // the key's fingerprint, kept so that the index does not hash the key again after the append
            const at = rows.size * 4;
            if (at + 4 > this.groupKeys.length) this.groupKeys = growInt32(this.groupKeys, at + 4);
            index.copyLastKey(this.groupKeys, at);
          }
          rows.set(rec.key, rec);
          registerShape(rec, shape);
        }
        if (magnetic) magneticStore++;
        else memoryStore++;
      }
      return { memoryStore, magneticStore, rejected };
    });

    const retentionCutoff = memoryStart < magneticStart ? memoryStart : magneticStart;
    const purge = now - this.lastPurgeNs >= purgeIntervalNs ? retentionCutoff : undefined;
    if (rows.size > 0 || purge !== undefined) {
      const entry: JournalEntryHeader = {
        seq: this.appendedSeq + 1,
        rows: rows.size,
        purgeBeforeNs: purge,
        columns: shape.newColumns,
        measures: [...shape.newMeasures, ...shape.grownMeasures],
        replaces: replaces.size,
      };
      const ordinalOf = (name: string) => (shape.newSlots.get(name) ?? shape.slots.get(name))!.ordinal;
      let text = '';
      let lastName = '';
      let lastNameJson = '""';
      for (const rec of rows.values()) {
        if (rec.measureName !== lastName) {
          lastName = rec.measureName;
          lastNameJson = encodeJsonString(lastName);
        }
        text += encodeRow(rec, entry.seq, replaces.has(rec.key), lastNameJson, ordinalOf);
      }
      this.journal.append(entry, text);
      const days = new DayOf();
      let at = 0;
      for (const rec of rows.values()) {
        index.setFingerprinted(this.groupKeys, at, Number(rec.version), rec.fingerprint, days.of(rec.timeNs));
        at += 4;
      }
      this.appendedSeq = entry.seq;
      this.pending.push(entry);
      this.pendingRows += entry.rows;
      this.kickApply();
    }
    if (purge !== undefined) {
      this.lastPurgeNs = now;
      // whole days before the cutoff's day: their rows are past both retentions (a write to them is refused)
      const cutoffDay = new DayOf().of(purge);
      const gone = [...this.indexedDays.keys()].filter((day) => day < cutoffDay);
      if (gone.length > 0) {
        index.dropDays((day) => day < cutoffDay);
        for (const day of gone) this.indexedDays.delete(day);
      }
    }

    for (const [n, slot] of shape.newSlots) this.decidedColumns.set(n, slot);
    for (const [f, n] of shape.newFolded) this.decidedFolded.set(f, n);
    for (const [n, m] of shape.newMeasures) measures.set(n, m);
    for (const [n, m] of shape.grownMeasures) measures.set(n, m);
    return outcomes;
  }

  /**
   * Applies journal entries to DuckDB in one transaction that also stores the applied position, then
   * updates the table's applied shape. DuckDB reads the rows straight from the journal segments
   * (`read_ndjson`), so the rows are never turned back into JavaScript values. When an entry replaces rows
   * decided earlier, the stored rows with those keys are deleted first and, of the rows of one key in the
   * batch, the last one is inserted. Retention deletion runs first with the batch's latest cutoff (rows
   * decided earlier that fall before it stay hidden from queries and go with the next purge).
   */
  private async applyBatch(entries: readonly JournalEntryHeader[], files: readonly string[]): Promise<void> {
    const connection = await this.conn();
    const tableId = this.table.record.id;
    let purgeBeforeNs: bigint | undefined;
    const known = new Set(this.table.columns.map((c) => c.name));
    const newColumns: ExtraColumn[] = [];
    const measures = new Map<string, MeasureRecord>();
    let rows = 0;
    let replaces = 0;
    for (const e of entries) {
      if (e.purgeBeforeNs !== undefined && (purgeBeforeNs === undefined || e.purgeBeforeNs > purgeBeforeNs)) {
        purgeBeforeNs = e.purgeBeforeNs;
      }
      for (const c of e.columns) {
        if (known.has(c.name)) continue;
        known.add(c.name);
        newColumns.push(c);
      }
      for (const [n, m] of e.measures) measures.set(n, m);
      rows += e.rows;
      replaces += e.replaces;
    }
    const allColumns = [...this.table.columns, ...newColumns];
    const source = journalSource(files, allColumns, entries[0]!.seq, entries.at(-1)!.seq);
    // the usual batch (no new columns or measures) is one call: one round trip to DuckDB's threads
    const statements: string[] = [];
    if (purgeBeforeNs !== undefined) {
      statements.push(`DELETE FROM ${this.relation} WHERE time < make_timestamp_ns(${purgeBeforeNs})`);
    }
    if (rows > 0) {
      if (replaces > 0) statements.push(deleteReplacedSql(this.relation, source, allColumns));
      statements.push(insertRowsSql(this.relation, source, allColumns, replaces > 0));
    }
    statements.push(journalAppliedSql(tableId, entries.at(-1)!.seq), 'COMMIT');
    const shapeChanges = newColumns.length > 0 || measures.size > 0;
    try {
      if (shapeChanges) {
        await connection.run('BEGIN TRANSACTION');
        let ord = this.table.columns.length;
        for (const c of newColumns) {
          await connection.run(
            `ALTER TABLE ${this.relation} ADD COLUMN ${quoteIdent(c.name)} ${duckdbType[c.type]}`,
          );
          await insertColumn(connection, tableId, c, ord++);
        }
        for (const [n, m] of measures) {
          await upsertMeasure(connection, tableId, n, m, !this.table.measures.has(n));
        }
      } else {
        statements.unshift('BEGIN TRANSACTION');
      }
      await connection.run(statements.join(';\n'));
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.table.columns.push(...newColumns);
    for (const [n, m] of measures) this.table.measures.set(n, m);
  }
}

/** The shape (columns, measures) a group of calls is decided against, and what the group adds to it. */
interface GroupShape {
  /** the columns decided before the group */
  readonly slots: ReadonlyMap<string, ColumnSlot>;
  /** their names by DuckDB identity (see {@link foldAscii}) */
  readonly folded: ReadonlyMap<string, string>;
  /** the columns the group adds */
  readonly newSlots: Map<string, ColumnSlot>;
  readonly newFolded: Map<string, string>;
  readonly newColumns: ExtraColumn[];
  /** the measures decided before the group */
  readonly measures: ReadonlyMap<string, MeasureRecord>;
  readonly newMeasures: Map<string, MeasureRecord>;
  readonly grownMeasures: Map<string, MeasureRecord>;
}

const columnOf = (shape: GroupShape, name: string): ExtraColumn | undefined =>
  (shape.newSlots.get(name) ?? shape.slots.get(name))?.column;

/**
 * A column name as DuckDB identifies it: ASCII letters folded to lower case (DuckDB's identifiers ignore the
 * case of ASCII letters only), so `Host` and `host` would be one column.
 */
function foldAscii(name: string): string {
  return /[A-Z]/.test(name) ? name.replace(/[A-Z]/g, (c) => c.toLowerCase()) : name;
}

/**
 * Why a record that brings a new column cannot: its name differs from a column of the table, or from another
 * name of the record, only in the case of ASCII letters (DuckDB could not keep both).
 */
function caseProblem(rec: ParsedRecord, shape: GroupShape): string | undefined {
  let known = true;
  for (const [n] of rec.dimensions) known &&= columnOf(shape, n) !== undefined;
  if (rec.multi) for (const v of rec.values) known &&= columnOf(shape, v.name) !== undefined;
  if (known) return undefined;
  const names = rec.dimensions.map(([n]) => n);
  if (rec.multi) for (const v of rec.values) names.push(v.name);
  const own = new Map<string, string>();
  for (const name of names) {
    const folded = foldAscii(name);
    const other = own.get(folded) ?? shape.newFolded.get(folded) ?? shape.folded.get(folded);
    if (other !== undefined && other !== name) {
      return `Name '${name}' differs from the column '${other}' only in letter case; the local Timestream stores columns in DuckDB, whose column names ignore the case of ASCII letters, so it cannot keep both.`;
    }
    own.set(folded, name);
  }
  return undefined;
}

/** Why a record's types do not fit the table (a measure keeps its type; names keep their kind). */
function findTypeProblem(rec: ParsedRecord, shape: GroupShape): string | undefined {
  const clash = caseProblem(rec, shape);
  if (clash) return clash;
  const dataType = measureDataType(rec.multi, rec.values[0]!.type);
  const known = shape.newMeasures.get(rec.measureName) ?? shape.measures.get(rec.measureName);
  if (known && known.dataType !== dataType) {
    return `Measure '${rec.measureName}' was written as ${known.dataType.toUpperCase()} and cannot be written as ${dataType.toUpperCase()}.`;
  }
  for (const [name] of rec.dimensions) {
    const col = columnOf(shape, name);
    if (col && col.kind !== 'dimension') {
      return `Dimension name '${name}' is already a measure value name (${col.type}) of a MULTI measure in this table.`;
    }
  }
  if (rec.multi) {
    for (const v of rec.values) {
      const col = columnOf(shape, v.name);
      if (!col) continue;
      if (col.kind === 'dimension') {
        return `Measure value name '${v.name}' is already a dimension name in this table.`;
      }
      if (col.type !== v.type) {
        return `Measure value '${v.name}' was written as ${col.type} and cannot be written as ${v.type}.`;
      }
    }
  }
  return undefined;
}

function addColumn(shape: GroupShape, column: ExtraColumn): void {
  if (shape.slots.has(column.name) || shape.newSlots.has(column.name)) return;
  shape.newSlots.set(column.name, { column, ordinal: shape.slots.size + shape.newColumns.length });
  shape.newFolded.set(foldAscii(column.name), column.name);
  shape.newColumns.push(column);
}

/** Adds the columns and measure (or measure dimensions) an accepted record brings. */
function registerShape(rec: ParsedRecord, shape: GroupShape): void {
  for (const [name] of rec.dimensions) addColumn(shape, { name, kind: 'dimension', type: 'VARCHAR' });
  if (rec.multi) for (const v of rec.values) addColumn(shape, { name: v.name, kind: 'multi', type: v.type });
  const fresh = shape.newMeasures.get(rec.measureName);
  const stored = shape.grownMeasures.get(rec.measureName) ?? shape.measures.get(rec.measureName);
  const current = fresh ?? stored;
  if (!current) {
    shape.newMeasures.set(rec.measureName, {
      dataType: measureDataType(rec.multi, rec.values[0]!.type),
      dimensions: new Set(rec.dimensions.map(([n]) => n)),
    });
    return;
  }
  const missing = rec.dimensions.filter(([n]) => !current.dimensions.has(n));
  if (missing.length === 0) return;
  const grown = { dataType: current.dataType, dimensions: new Set(current.dimensions) };
  for (const [n] of missing) grown.dimensions.add(n);
  if (fresh) shape.newMeasures.set(rec.measureName, grown);
  else shape.grownMeasures.set(rec.measureName, grown);
}

/** Longest journal line DuckDB is asked to read (a WriteRecords body is at most a few MB). */
const maxLineBytes = 512 * 1024 * 1024;

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** JSON type of a column's values in journal rows (timestamps are ns integers). */
const jsonType = (type: ValueType) => (type === 'TIMESTAMP' ? 'BIGINT' : duckdbType[type]);

/** The rows of journal entries `fromSeq..toSeq` as DuckDB reads them from the segments. */
function journalSource(
  files: readonly string[],
  columns: readonly ExtraColumn[],
  fromSeq: number,
  toSeq: number,
): string {
  const keys: string[] = [
    `'s': 'BIGINT'`,
    `'t': 'BIGINT'`,
    `'mn': 'VARCHAR'`,
    `'v': 'BIGINT'`,
    `'r': 'INTEGER'`,
  ];
  for (const type of singleTypes) keys.push(`'${singleValueKey[type]}': '${jsonType(type)}'`);
  for (const [i, c] of columns.entries()) keys.push(`'${columnKey(i)}': '${jsonType(c.type)}'`);
  // a header line lists the entry's new columns and measures: allow long ones (DuckDB's default is 16 MB)
  return `(SELECT * FROM read_ndjson([${files.map(sqlString).join(', ')}], columns = {${keys.join(', ')}}, maximum_object_size = ${maxLineBytes}) WHERE s BETWEEN ${fromSeq} AND ${toSeq})`;
}

const singleTypes: readonly ValueType[] = ['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP'];

const dimensionKeys = (columns: readonly ExtraColumn[]) =>
  columns.flatMap((c, i) => (c.kind === 'dimension' ? [[c, columnKey(i)] as const] : []));

/** Deletes the stored rows that rows of the batch replace (same time, measure name and dimensions). */
function deleteReplacedSql(relation: string, source: string, columns: readonly ExtraColumn[]): string {
  const dims = dimensionKeys(columns);
  const keyCols = ['t', 'mn', ...dims.map(([, k]) => k)].join(', ');
  const match = [
    `${relation}.time = make_timestamp_ns(d.t)`,
    `${relation}.measure_name = d.mn`,
    ...dims.map(([c, k]) => `${relation}.${quoteIdent(c.name)} IS NOT DISTINCT FROM d.${k}`),
  ];
  return `DELETE FROM ${relation} USING (SELECT DISTINCT ${keyCols} FROM ${source} WHERE r = 1) AS d WHERE ${match.join(' AND ')}`;
}

/** Inserts the batch's rows; with `lastOfKey`, only the last row (highest seq) of each key. */
function insertRowsSql(
  relation: string,
  source: string,
  columns: readonly ExtraColumn[],
  lastOfKey: boolean,
): string {
  const ts = (key: string) => `make_timestamp_ns(${key})`;
  const targets = ['time', 'measure_name', ...singleTypes.map((t) => singleValueColumn[t]), '__ts_version'];
  const values = [
    ts('t'),
    'mn',
    ...singleTypes.map((t) => (t === 'TIMESTAMP' ? ts('st') : singleValueKey[t])),
    'v',
  ];
  columns.forEach((c, i) => {
    targets.push(c.name);
    values.push(c.type === 'TIMESTAMP' ? ts(columnKey(i)) : columnKey(i));
  });
  // DISTINCT ON rather than a row_number() window: DuckDB 1.5 fails ("Failed to cast expression") on a
  // window over read_ndjson with a filter on it
  const keys = ['t', 'mn', ...dimensionKeys(columns).map(([, k]) => k)].join(', ');
  const distinct = lastOfKey ? `DISTINCT ON (${keys}) ` : '';
  const order = lastOfKey ? ` ORDER BY ${keys}, s DESC` : '';
  return `INSERT INTO ${relation} (${targets.map(quoteIdent).join(', ')}) SELECT ${distinct}${values.join(', ')} FROM ${source}${order}`;
}

/** Adds a rejected record to a call's outcome (a plain function: no closure per record). */
function rejectRecord(rejected: RejectedRecord[], index: number, Reason: string, existing?: bigint): void {
  rejected.push(
    existing === undefined
      ? { RecordIndex: index, Reason }
      : { RecordIndex: index, Reason, ExistingVersion: Number(existing) },
  );
}

/** The UTC day (days since the epoch) of nanosecond times, remembering the last day's bounds. */
class DayOf {
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

/** A copy of `a` with room for at least `min` elements. */
function growInt32(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  let size = a.length * 2;
  while (size < min) size *= 2;
  const grown = new Int32Array(size);
  grown.set(a);
  return grown;
}

/** The times a table accepts, as of one clock reading (see {@link TableWriter}'s timeWindow). */
interface TimeWindow {
  readonly memoryStart: bigint;
  readonly magneticStart: bigint;
  readonly futureEnd: bigint;
  readonly magneticWrites: boolean;
}

/** Why a record's time is refused (the service's texts), or undefined when the table takes it. */
function timeProblem(timeNs: bigint, w: TimeWindow): string | undefined {
  if (timeNs >= w.futureEnd || (timeNs < w.memoryStart && !w.magneticWrites)) {
    return RejectionReason.outsideMemoryStore(isoOfNanos(w.memoryStart), isoOfNanos(w.futureEnd));
  }
  if (timeNs < w.memoryStart && timeNs < w.magneticStart) {
    return RejectionReason.outsideRetention(isoOfNanos(w.magneticStart), isoOfNanos(w.futureEnd));
  }
  return undefined;
}
