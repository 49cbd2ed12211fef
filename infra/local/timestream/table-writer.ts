import {
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBInstance,
  DuckDBTimestampNanosecondsValue,
} from '@duckdb/node-api';
import { RejectionReason, TimestreamLimits } from './constants';
import { InternalServerException, LocalTimestreamJournalError, type RejectedRecord } from './errors';
import { TableJournal } from './journal';
import { decodeEntry, encodeEntry, type JournalEntry, type StoredRow } from './journal-entry';
import {
  insertColumn,
  type MeasureRecord,
  type StoredTable,
  setJournalApplied,
  upsertMeasure,
} from './metadata-store';
import {
  baseColumns,
  duckdbType,
  type ExtraColumn,
  measureDataType,
  quoteIdent,
  relationName,
  singleValueColumn,
} from './storage-layout';
import { isoOfNanos, nanosPerDay, nanosPerHour, nowNanos } from './time-units';
import {
  type ParsedRecord,
  type RecordRejection,
  recordKey,
  type TypedValue,
  type ValueType,
  valueFingerprint,
} from './write-request';

/** How often a table's writer deletes the rows past both retentions (with the next write). */
const purgeIntervalNs = 10n * 60n * 1_000_000_000n;

/** Rows journaled but not yet applied above which new calls wait for the apply (bounds memory). */
const defaultMaxPendingRows = 200_000;

/** Rows per transaction when replaying a journal at start. */
const replayBatchRows = 100_000;

/** Delay before retrying a failed apply (a query waiting for the apply retries at once). */
const applyRetryMs = 1000;

/** What one WriteRecords call achieved. */
export interface WriteOutcome {
  readonly memoryStore: number;
  readonly magneticStore: number;
  readonly rejected: readonly RejectedRecord[];
}

interface IndexEntry {
  readonly version: bigint;
  readonly fingerprint: string;
}

interface PendingCall {
  readonly records: ReadonlyArray<ParsedRecord | RecordRejection>;
  readonly resolve: (o: WriteOutcome) => void;
  readonly reject: (e: Error) => void;
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
   * Delay (ms) before journaled entries are applied when no reader waits for them: larger batches per
   * DuckDB transaction. A query or control-plane change applies at once. Default 0.
   */
  readonly applyDelayMs?: number;
}

/**
 * Writes the records of one Timestream table. The calls queued in one turn of the event loop form a group:
 * their records are checked at once against an in-memory index (key -> version + value fingerprint, loaded
 * from the table on first use) and the table's shape, the accepted rows are appended to the table's journal
 * with one `write` (durable against the process being killed), and the calls are answered. The journal is
 * applied to DuckDB in the background, everything pending in one transaction that also stores the applied
 * journal position, so a restart replays exactly the entries not applied yet.
 * Readers call {@link TableWriter.settled} first to see every write answered before them.
 */
export class TableWriter {
  private queue: PendingCall[] = [];
  private flushing: Promise<void> | undefined;
  private index: Map<string, IndexEntry> | undefined;
  private connection: DuckDBConnection | undefined;
  private appender: DuckDBAppender | undefined;
  private closed = false;
  /** when rows past both retentions were last deleted (they are hidden from queries at once, deleted lazily) */
  private lastPurgeNs = 0n;
  /** columns and measures as decided, including journaled entries not applied yet */
  private decidedColumns = new Map<string, ExtraColumn>();
  private decidedMeasures = new Map<string, MeasureRecord>();
  private pending: JournalEntry[] = [];
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
    this.applyDelayMs = options.applyDelayMs ?? 0;
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
    const { journal, frames } = TableJournal.open(options.journalDir);
    const writer = new TableWriter(instance, table, journal, options);
    try {
      let batch: JournalEntry[] = [];
      let rows = 0;
      for (const frame of frames) {
        if (frame.seq <= writer.appliedSeq) continue;
        const expected = writer.appliedSeq + batch.length + 1;
        if (frame.seq !== expected) {
          throw new LocalTimestreamJournalError(options.journalDir, expected, frame.seq);
        }
        const entry = decodeEntry(frame.seq, frame.payload);
        batch.push(entry);
        rows += entry.rows.length;
        if (rows >= replayBatchRows) {
          await writer.applyBatch(batch);
          writer.appliedSeq = batch.at(-1)!.seq;
          batch = [];
          rows = 0;
        }
      }
      if (batch.length > 0) {
        await writer.applyBatch(batch);
        writer.appliedSeq = batch.at(-1)!.seq;
      }
      writer.appendedSeq = writer.appliedSeq;
      journal.release(writer.appliedSeq);
    } catch (error) {
      await writer.release();
      throw error;
    }
    writer.decidedColumns = new Map(table.columns.map((c) => [c.name, c]));
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
    this.dropAppender();
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
          const index = await this.loadIndex();
          const outcomes = this.decide(group, index);
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

  /** Starts applying: at once when someone waits for it, else after the apply delay (if any). */
  private kickApply(): void {
    if (this.applying || this.pending.length === 0) return;
    if (this.waiters.length > 0 || this.applyDelayMs === 0) {
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
        const batch = this.pending.slice();
        try {
          await this.applyBatch(batch);
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
        for (const e of batch) this.pendingRows -= e.rows.length;
        this.appliedSeq = batch.at(-1)!.seq;
        try {
          this.journal.release(this.appliedSeq);
        } catch (error) {
          this.onApplyError(error instanceof Error ? error : new Error(String(error)));
        }
        const ready = this.waiters.filter((w) => w.seq <= this.appliedSeq);
        this.waiters = this.waiters.filter((w) => w.seq > this.appliedSeq);
        for (const w of ready) w.resolve();
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

  /** Rebuilds the upsert index from the stored rows (first write after start). */
  private async loadIndex(): Promise<Map<string, IndexEntry>> {
    if (this.index) return this.index;
    const connection = await this.conn();
    const extra = this.table.columns;
    const cols = [
      'epoch_ns(time)',
      'measure_name',
      ...Object.values(singleValueColumn).map((c) =>
        c === singleValueColumn.TIMESTAMP ? `epoch_ns(${quoteIdent(c)})` : quoteIdent(c),
      ),
      '__ts_version',
      ...extra.map((c) => (c.type === 'TIMESTAMP' ? `epoch_ns(${quoteIdent(c.name)})` : quoteIdent(c.name))),
    ];
    const index = new Map<string, IndexEntry>();
    const result = await connection.stream(`SELECT ${cols.join(', ')} FROM ${this.relation}`);
    const singleTypes = Object.keys(singleValueColumn) as ValueType[];
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
        index.set(recordKey(timeNs, measureName, dims), {
          version: row[7] as bigint,
          fingerprint: valueFingerprint(values, multi),
        });
      }
    }
    this.index = index;
    return index;
  }

  /**
   * Decides a group of calls against the index and the decided shape, journals what they change (one
   * write) and only then updates the in-memory state; returns each call's outcome. Throws (changing
   * nothing) when the journal cannot be written.
   */
  private decide(group: readonly PendingCall[], index: Map<string, IndexEntry>): WriteOutcome[] {
    const meta = this.table.record;
    const measures = this.decidedMeasures;
    const now = this.clock();
    const memoryStart = now - BigInt(meta.memoryHours) * nanosPerHour;
    const magneticStart = now - BigInt(meta.magneticDays) * nanosPerDay;
    const futureEnd = now + BigInt(TimestreamLimits.futureToleranceMs) * 1_000_000n;
    const magneticWrites = meta.magneticWrites.EnableMagneticStoreWrites;

    const columnByName = new Map(this.decidedColumns);
    const newColumns: ExtraColumn[] = [];
    const newMeasures = new Map<string, MeasureRecord>();
    const grownMeasures = new Map<string, MeasureRecord>();
    const overlay = new Map<string, IndexEntry>();
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
        let magnetic = false;
        if (rec.timeNs >= futureEnd || (rec.timeNs < memoryStart && !magneticWrites)) {
          rejectRecord(
            rejected,
            rec.index,
            RejectionReason.outsideMemoryStore(isoOfNanos(memoryStart), isoOfNanos(futureEnd)),
          );
          continue;
        }
        if (rec.timeNs < memoryStart) {
          if (rec.timeNs < magneticStart) {
            rejectRecord(
              rejected,
              rec.index,
              RejectionReason.outsideRetention(isoOfNanos(magneticStart), isoOfNanos(futureEnd)),
            );
            continue;
          }
          magnetic = true;
        }
        const typeProblem = this.typeProblem(rec, columnByName, measures, newMeasures);
        if (typeProblem) {
          rejectRecord(rejected, rec.index, typeProblem);
          continue;
        }
        const previous = overlay.get(rec.key) ?? index.get(rec.key);
        if (previous && rec.version <= previous.version) {
          if (rec.fingerprint !== previous.fingerprint) {
            rejectRecord(
              rejected,
              rec.index,
              rec.version === previous.version
                ? RejectionReason.sameVersion
                : RejectionReason.lowerVersion(rec.version, previous.version),
              previous.version,
            );
            continue;
          }
        } else {
          overlay.set(rec.key, { version: rec.version, fingerprint: rec.fingerprint });
          rows.set(rec.key, rec);
          if (index.has(rec.key)) replaces.add(rec.key);
          this.registerShape(rec, columnByName, newColumns, measures, newMeasures, grownMeasures);
        }
        if (magnetic) magneticStore++;
        else memoryStore++;
      }
      return { memoryStore, magneticStore, rejected };
    });

    const retentionCutoff = memoryStart < magneticStart ? memoryStart : magneticStart;
    const purge = now - this.lastPurgeNs >= purgeIntervalNs ? retentionCutoff : undefined;
    if (rows.size > 0 || purge !== undefined) {
      const entry: JournalEntry = {
        seq: this.appendedSeq + 1,
        purgeBeforeNs: purge,
        columns: newColumns,
        measures: [...newMeasures, ...grownMeasures],
        rows: [...rows.values()] satisfies StoredRow[],
        replaces,
      };
      this.journal.append(entry.seq, encodeEntry(entry));
      this.appendedSeq = entry.seq;
      this.pending.push(entry);
      this.pendingRows += entry.rows.length;
      this.kickApply();
    }
    if (purge !== undefined) {
      this.lastPurgeNs = now;
      for (const key of index.keys())
        if (BigInt(key.slice(0, key.indexOf('\u001e'))) < purge) index.delete(key);
    }

    for (const [k, v] of overlay) index.set(k, v);
    for (const c of newColumns) this.decidedColumns.set(c.name, c);
    for (const [n, m] of newMeasures) measures.set(n, m);
    for (const [n, m] of grownMeasures) measures.set(n, m);
    return outcomes;
  }

  /**
   * Applies journal entries to DuckDB in one transaction that also stores the applied position, then
   * updates the table's applied shape. Within the batch the last row of a key wins; a row is deleted first
   * only when the first entry of the batch that holds its key replaces a row stored before. Retention
   * deletion runs first with the batch's latest cutoff (rows decided earlier that fall before it stay
   * hidden from queries and go with the next purge).
   */
  private async applyBatch(entries: readonly JournalEntry[]): Promise<void> {
    const connection = await this.conn();
    const tableId = this.table.record.id;
    let purgeBeforeNs: bigint | undefined;
    const known = new Set(this.table.columns.map((c) => c.name));
    const newColumns: ExtraColumn[] = [];
    const measures = new Map<string, MeasureRecord>();
    const rows = new Map<string, StoredRow>();
    const deletes: StoredRow[] = [];
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
      for (const r of e.rows) {
        if (!rows.has(r.key) && e.replaces.has(r.key)) deletes.push(r);
        rows.set(r.key, r);
      }
    }
    const allColumns = [...this.table.columns, ...newColumns];
    if (newColumns.length > 0) this.dropAppender();
    await connection.run('BEGIN TRANSACTION');
    try {
      if (purgeBeforeNs !== undefined) {
        await connection.run(`DELETE FROM ${this.relation} WHERE time < make_timestamp_ns($1::BIGINT)`, [
          purgeBeforeNs,
        ]);
      }
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
      for (const rec of deletes) await this.deleteStored(connection, rec, allColumns);
      if (rows.size > 0) {
        const appender = await this.appenderFor(connection, allColumns.length);
        for (const rec of rows.values()) appendRecord(appender, rec, allColumns);
        // inside the open transaction the flush only hands the rows over; COMMIT makes them durable
        appender.flushSync();
      }
      await setJournalApplied(connection, tableId, entries.at(-1)!.seq);
      await connection.run('COMMIT');
    } catch (error) {
      this.dropAppender();
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.table.columns.push(...newColumns);
    for (const [n, m] of measures) this.table.measures.set(n, m);
  }

  /** Why a record's types do not fit the table (a measure keeps its type; names keep their kind). */
  private typeProblem(
    rec: ParsedRecord,
    columnByName: Map<string, ExtraColumn>,
    measures: Map<string, MeasureRecord>,
    newMeasures: Map<string, MeasureRecord>,
  ): string | undefined {
    const dataType = measureDataType(rec.multi, rec.values[0]!.type);
    const known = newMeasures.get(rec.measureName) ?? measures.get(rec.measureName);
    if (known && known.dataType !== dataType) {
      return `Measure '${rec.measureName}' was written as ${known.dataType.toUpperCase()} and cannot be written as ${dataType.toUpperCase()}.`;
    }
    for (const [name] of rec.dimensions) {
      const col = columnByName.get(name);
      if (col && col.kind !== 'dimension') {
        return `Dimension name '${name}' is already a measure value name (${col.type}) of a MULTI measure in this table.`;
      }
    }
    if (rec.multi) {
      for (const v of rec.values) {
        const col = columnByName.get(v.name);
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

  private registerShape(
    rec: ParsedRecord,
    columnByName: Map<string, ExtraColumn>,
    newColumns: ExtraColumn[],
    measures: Map<string, MeasureRecord>,
    newMeasures: Map<string, MeasureRecord>,
    grownMeasures: Map<string, MeasureRecord>,
  ): void {
    const add = (c: ExtraColumn) => {
      if (columnByName.has(c.name)) return;
      columnByName.set(c.name, c);
      newColumns.push(c);
    };
    for (const [name] of rec.dimensions) add({ name, kind: 'dimension', type: 'VARCHAR' });
    if (rec.multi) for (const v of rec.values) add({ name: v.name, kind: 'multi', type: v.type });
    const fresh = newMeasures.get(rec.measureName);
    const stored = grownMeasures.get(rec.measureName) ?? measures.get(rec.measureName);
    const current = fresh ?? stored;
    if (!current) {
      newMeasures.set(rec.measureName, {
        dataType: measureDataType(rec.multi, rec.values[0]!.type),
        dimensions: new Set(rec.dimensions.map(([n]) => n)),
      });
      return;
    }
    const missing = rec.dimensions.filter(([n]) => !current.dimensions.has(n));
    if (missing.length === 0) return;
    const grown = { dataType: current.dataType, dimensions: new Set(current.dimensions) };
    for (const [n] of missing) grown.dimensions.add(n);
    if (fresh) newMeasures.set(rec.measureName, grown);
    else grownMeasures.set(rec.measureName, grown);
  }

  /** The table's appender, kept across calls (re-created when columns were added). */
  private async appenderFor(connection: DuckDBConnection, extraColumns: number): Promise<DuckDBAppender> {
    if (!this.appender) {
      this.appender = await connection.createAppender(relationName(this.table.record.id));
      const expected = baseColumns.length + extraColumns;
      if (this.appender.columnCount !== expected) {
        const found = this.appender.columnCount;
        this.dropAppender();
        throw new Error(
          `storage table ${relationName(this.table.record.id)} has ${found} columns, the catalog expects ${expected}`,
        );
      }
    }
    return this.appender;
  }

  private dropAppender(): void {
    const appender = this.appender;
    this.appender = undefined;
    try {
      appender?.closeSync();
    } catch {
      // closing flushes nothing here (every group flushes); a failure leaves nothing to clean up
    }
  }

  private async deleteStored(
    connection: DuckDBConnection,
    rec: StoredRow,
    allColumns: readonly ExtraColumn[],
  ): Promise<void> {
    const dims = new Map(rec.dimensions);
    const params: (string | bigint)[] = [rec.timeNs, rec.measureName];
    const where = ['time = make_timestamp_ns($1::BIGINT)', 'measure_name = $2'];
    for (const c of allColumns) {
      if (c.kind !== 'dimension') continue;
      const v = dims.get(c.name);
      if (v === undefined) where.push(`${quoteIdent(c.name)} IS NULL`);
      else {
        params.push(v);
        where.push(`${quoteIdent(c.name)} = $${params.length}`);
      }
    }
    await connection.run(`DELETE FROM ${this.relation} WHERE ${where.join(' AND ')}`, params);
  }
}

/** Adds a rejected record to a call's outcome (a plain function: no closure per record). */
function rejectRecord(rejected: RejectedRecord[], index: number, Reason: string, existing?: bigint): void {
  rejected.push(
    existing === undefined
      ? { RecordIndex: index, Reason }
      : { RecordIndex: index, Reason, ExistingVersion: Number(existing) },
  );
}

function appendTyped(appender: DuckDBAppender, v: TypedValue | undefined, type: ValueType): void {
  if (v === undefined) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'DOUBLE':
      appender.appendDouble(v.value as number);
      return;
    case 'BIGINT':
      appender.appendBigInt(v.value as bigint);
      return;
    case 'BOOLEAN':
      appender.appendBoolean(v.value as boolean);
      return;
    case 'TIMESTAMP':
      appender.appendTimestampNanoseconds(new DuckDBTimestampNanosecondsValue(v.value as bigint));
      return;
    default:
      appender.appendVarchar(v.value as string);
  }
}

const singleTypes: readonly ValueType[] = ['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP'];

function appendRecord(appender: DuckDBAppender, rec: StoredRow, columns: readonly ExtraColumn[]): void {
  appender.appendTimestampNanoseconds(new DuckDBTimestampNanosecondsValue(rec.timeNs));
  appender.appendVarchar(rec.measureName);
  const single = rec.multi ? undefined : rec.values[0];
  for (const t of singleTypes) appendTyped(appender, single?.type === t ? single : undefined, t);
  appender.appendBigInt(rec.version);
  for (const c of columns) {
    if (c.kind === 'dimension') {
      const d = rec.dimensions.find(([n]) => n === c.name);
      if (d) appender.appendVarchar(d[1]);
      else appender.appendNull();
    } else {
      appendTyped(appender, rec.multi ? rec.values.find((v) => v.name === c.name) : undefined, c.type);
    }
  }
  appender.endRow();
}
