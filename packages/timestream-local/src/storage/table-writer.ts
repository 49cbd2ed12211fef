import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  InternalServerException,
  LocalTimestreamJournalError,
  LocalTimestreamReplayError,
  type RejectedRecord,
} from '../errors';
import type { ParsedRecord, RecordRejection } from '../operations/parsed-record';
import { nowNanos } from '../operations/time-units';
import { ApplySchedule } from './apply-schedule';
import { GroupCommit } from './group-commit';
import { TableJournal } from './journal';
import { applyJournalEntries } from './journal-apply';
import { encodeJsonString, encodeRow, type JournalEntryHeader } from './journal-entry';
import type { StoredTable } from './metadata-store';
import { DecidedShape, findTypeProblem, ordinalOf, registerShape } from './table-shape';
import { timeProblem, timeWindow } from './time-window';
import { AcceptedRecordRow, decideUpsert } from './upsert-decision';
import { DayOf, UpsertIndexDays } from './upsert-index-days';

/** How often a table's writer deletes the rows past both retentions (with the next write). */
const purgeIntervalNs = 10n * 60n * 1_000_000_000n;

/** Days whose upsert keys stay in memory by default. */
const defaultIndexDays = 8;

/** What one WriteRecords call achieved. */
export interface WriteOutcome {
  readonly memoryStore: number;
  readonly magneticStore: number;
  readonly rejected: readonly RejectedRecord[];
}

/** The records of one WriteRecords call, as parsed. */
type CallRecords = ReadonlyArray<ParsedRecord | RecordRejection>;

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
   * Default 500; 0 applies as soon as possible.
   */
  readonly applyDelayMs?: number;
}

/**
 * Writes the records of one Timestream table. The calls queued in one turn of the event loop form a group
 * ({@link GroupCommit}): their records are checked at once against the table's upsert index (key -> version
 * + value fingerprint, for the UTC days written to most recently, each loaded from DuckDB when first written
 * to: {@link UpsertIndexDays}), the upsert rules ({@link decideUpsert}) and the table's shape, the accepted
 * rows are appended to the table's journal with one `write` (durable against the process being killed), and
 * the calls are answered. The journal is applied to DuckDB in the background ({@link ApplySchedule}): DuckDB
 * reads the sealed journal segments itself (the rows never go back through JavaScript), everything pending
 * in one transaction that also stores the applied journal position ({@link applyJournalEntries}), so a
 * restart replays exactly the entries not applied yet.
 * Readers call {@link TableWriter.settled} first to see every write answered before them.
 */
export class TableWriter {
  private readonly groups: GroupCommit<CallRecords, WriteOutcome>;
  private readonly days: UpsertIndexDays;
  private readonly schedule: ApplySchedule;
  /** key fingerprints of the rows a group accepts, in order (reused from group to group) */
  private groupKeys: Int32Array<ArrayBuffer> = new Int32Array(4 * 1024);
  /** the row a record accepted earlier in its group would replace */
  private readonly acceptedRow = new AcceptedRecordRow();
  private connection: DuckDBConnection | undefined;
  private closed = false;
  /** when rows past both retentions were last deleted (they are hidden from queries at once, deleted lazily) */
  private lastPurgeNs = 0n;
  /** columns and measures as decided, including journaled entries not applied yet */
  private shape: DecidedShape;
  private readonly clock: () => bigint;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The table's metadata, columns and measures as applied to DuckDB (what queries see). */
    readonly table: StoredTable,
    private readonly journal: TableJournal,
    options: TableWriterOptions,
  ) {
    this.clock = options.clock ?? nowNanos;
    const onApplyError = options.onApplyError ?? ((error) => console.error('local Timestream:', error));
    this.schedule = new ApplySchedule({
      appliedSeq: options.appliedSeq,
      delayMs: options.applyDelayMs,
      maxPendingRows: options.maxPendingRows,
      seal: () => journal.seal(),
      apply: async (batch, files) => applyJournalEntries(await this.conn(), table, batch, files),
      applied: (seq) => journal.release(seq),
      failure: (error) => {
        const failure = new InternalServerException(
          `Could not apply the journal of table ${table.record.database}.${table.record.name} to DuckDB: ${error instanceof Error ? error.message : String(error)}. The writes stay in the journal and are retried.`,
        );
        failure.cause = error;
        return failure;
      },
      onError: onApplyError,
    });
    this.groups = new GroupCommit(
      (group) => this.commitGroup(group),
      () => this.schedule.room(),
    );
    this.days = new UpsertIndexDays(instance, table, options.indexDays ?? defaultIndexDays);
    this.shape = new DecidedShape(table);
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
    const schedule = writer.schedule;
    try {
      const replay = entries.filter((e) => e.seq > schedule.applied);
      replay.forEach((e, i) => {
        const expected = schedule.applied + i + 1;
        if (e.seq !== expected) throw new LocalTimestreamJournalError(options.journalDir, expected, e.seq);
      });
      if (replay.length > 0) {
        try {
          await schedule.replay(replay);
        } catch (error) {
          throw new LocalTimestreamReplayError(
            `${table.record.database}.${table.record.name}`,
            options.journalDir,
            error,
          );
        }
      }
      journal.release(schedule.applied);
    } catch (error) {
      await writer.release();
      throw error;
    }
    // the replay may have added columns and measures
    writer.shape = new DecidedShape(table);
    return writer;
  }

  /**
   * Queues one call's records; resolves once its accepted records are in the journal (durable against a
   * process kill), with what was accepted and rejected.
   */
  write(records: CallRecords): Promise<WriteOutcome> {
    if (this.closed) {
      return Promise.reject(new InternalServerException('The table is being deleted; retry the call.'));
    }
    return this.groups.submit(records);
  }

  /**
   * Resolves once every call answered before this one is applied to DuckDB (read-your-writes for queries
   * and control-plane changes). Rejects with InternalServerException when the apply fails.
   */
  settled(): Promise<void> {
    return this.schedule.waitApplied(this.schedule.appended);
  }

  /** How far the journal is applied to DuckDB (the position stored with the data). */
  get appliedPosition(): number {
    return this.schedule.applied;
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
    this.schedule.closing();
    try {
      await this.groups.drained();
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
    await this.schedule.stop();
    await this.journal.close();
    this.connection?.closeSync();
    this.connection = undefined;
  }

  private async conn(): Promise<DuckDBConnection> {
    if (!this.connection) this.connection = await this.instance.connect();
    return this.connection;
  }

  /** Decides one group of calls: indexes the days it writes to, then decides and journals its records. */
  private async commitGroup(group: readonly CallRecords[]): Promise<WriteOutcome[]> {
    try {
      // one clock reading for the group: the days loaded are those of the records it will accept
      const now = this.clock();
      await this.days.cover(group, timeWindow(this.table.record, now), () =>
        this.schedule.waitApplied(this.schedule.appended),
      );
      return this.decide(group, now);
    } catch (error) {
      const failure = new InternalServerException(
        `Could not store the records: ${error instanceof Error ? error.message : String(error)}`,
      );
      failure.cause = error;
      throw failure;
    }
  }

  /**
   * Decides a group of calls against the index and the decided shape, journals what they change (one
   * write) and only then updates the in-memory state; returns each call's outcome. Throws (changing
   * nothing) when the journal cannot be written.
   */
  private decide(group: readonly CallRecords[], now: bigint): WriteOutcome[] {
    const index = this.days.index;
    const window = timeWindow(this.table.record, now);
    const { memoryStart } = window;
    const shape = this.shape.startGroup();
    const rows = new Map<string, ParsedRecord>();
    const replaces = new Set<string>();

    const outcomes = group.map((records) => {
      let memoryStore = 0;
      let magneticStore = 0;
      const rejected: RejectedRecord[] = [];
      for (const rec of records) {
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
        const decision = decideUpsert(rec, earlier ? this.acceptedRow.of(earlier) : stored);
        if (decision.kind === 'reject') {
          rejectRecord(rejected, rec.index, decision.reason, decision.existingVersion);
          continue;
        }
        if (decision.kind !== 'unchanged') {
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

    const purge = now - this.lastPurgeNs >= purgeIntervalNs ? window.retentionStart : undefined;
    if (rows.size > 0 || purge !== undefined) {
      const entry: JournalEntryHeader = {
        seq: this.schedule.appended + 1,
        rows: rows.size,
        purgeBeforeNs: purge,
        columns: shape.newColumns,
        measures: [...shape.newMeasures, ...shape.grownMeasures],
        replaces: replaces.size,
      };
      const ordinal = (name: string) => ordinalOf(shape, name);
      let text = '';
      let lastName = '';
      let lastNameJson = '""';
      for (const rec of rows.values()) {
        if (rec.measureName !== lastName) {
          lastName = rec.measureName;
          lastNameJson = encodeJsonString(lastName);
        }
        text += encodeRow(rec, entry.seq, replaces.has(rec.key), lastNameJson, ordinal);
      }
      this.journal.append(entry, text);
      const days = new DayOf();
      let at = 0;
      for (const rec of rows.values()) {
        index.setFingerprinted(this.groupKeys, at, Number(rec.version), rec.fingerprint, days.of(rec.timeNs));
        at += 4;
      }
      this.schedule.append(entry);
    }
    if (purge !== undefined) {
      this.lastPurgeNs = now;
      // whole days before the cutoff's day: their rows are past both retentions (a write to them is refused)
      this.days.dropBefore(new DayOf().of(purge));
    }

    this.shape.commit(shape);
    return outcomes;
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

/** A copy of `a` with room for at least `min` elements. */
function growInt32(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  let size = a.length * 2;
  while (size < min) size *= 2;
  const grown = new Int32Array(size);
  grown.set(a);
  return grown;
}
