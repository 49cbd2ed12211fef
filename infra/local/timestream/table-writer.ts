import {
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBInstance,
  DuckDBTimestampNanosecondsValue,
} from '@duckdb/node-api';
import { RejectionReason, TimestreamLimits } from './constants';
import { InternalServerException, type RejectedRecord } from './errors';
import { insertColumn, type MeasureRecord, type StoredTable, upsertMeasure } from './metadata-store';
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

/**
 * Writes the records of one Timestream table. Calls are serialized (one at a time per table) and the calls
 * that queued up while one was being committed are committed together in one DuckDB transaction
 * (group commit): every call is answered only after that COMMIT, which DuckDB makes durable in its WAL.
 * Upsert rules are checked in JS against an in-memory index (key -> version + value fingerprint), loaded from
 * the table on first use, so that a call costs no per-record SQL.
 */
export class TableWriter {
  private queue: PendingCall[] = [];
  private draining: Promise<void> | undefined;
  private index: Map<string, IndexEntry> | undefined;
  private connection: DuckDBConnection | undefined;
  private appender: DuckDBAppender | undefined;
  private closed = false;
  /** when rows past both retentions were last deleted (they are hidden from queries at once, deleted lazily) */
  private lastPurgeNs = 0n;

  constructor(
    private readonly instance: DuckDBInstance,
    /** The table's metadata, columns and measures; updated by this writer after each commit. */
    readonly table: StoredTable,
    private readonly clock: () => bigint = nowNanos,
  ) {}

  /** Queues one call's records; resolves once its accepted records are committed. */
  write(records: ReadonlyArray<ParsedRecord | RecordRejection>): Promise<WriteOutcome> {
    if (this.closed) {
      return Promise.reject(new InternalServerException('The table is being deleted; retry the call.'));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.draining) this.draining = this.drain();
    });
  }

  /** Waits for queued calls, then releases the connection. Later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
    this.dropAppender();
    this.connection?.closeSync();
    this.connection = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.queue.length);
        try {
          const outcomes = await this.commitGroup(group);
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
      this.draining = undefined;
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

  private async commitGroup(group: readonly PendingCall[]): Promise<WriteOutcome[]> {
    const index = await this.loadIndex();
    const { record: meta, columns, measures } = this.table;
    const now = this.clock();
    const memoryStart = now - BigInt(meta.memoryHours) * nanosPerHour;
    const magneticStart = now - BigInt(meta.magneticDays) * nanosPerDay;
    const futureEnd = now + BigInt(TimestreamLimits.futureToleranceMs) * 1_000_000n;
    const magneticWrites = meta.magneticWrites.EnableMagneticStoreWrites;

    const columnByName = new Map(columns.map((c) => [c.name, c]));
    const newColumns: ExtraColumn[] = [];
    const newMeasures = new Map<string, MeasureRecord>();
    const grownMeasures = new Map<string, MeasureRecord>();
    const overlay = new Map<string, IndexEntry>();
    const rows = new Map<string, ParsedRecord>();
    const deletes = new Map<string, ParsedRecord>();

    const outcomes = group.map((call) => {
      let memoryStore = 0;
      let magneticStore = 0;
      const rejected: RejectedRecord[] = [];
      for (const rec of call.records) {
        if (!('key' in rec)) {
          rejected.push({ RecordIndex: rec.index, Reason: rec.reason });
          continue;
        }
        const reject = (Reason: string, ExistingVersion?: bigint) =>
          rejected.push(
            ExistingVersion === undefined
              ? { RecordIndex: rec.index, Reason }
              : { RecordIndex: rec.index, Reason, ExistingVersion: Number(ExistingVersion) },
          );
        let magnetic = false;
        if (rec.timeNs >= futureEnd || (rec.timeNs < memoryStart && !magneticWrites)) {
          reject(RejectionReason.outsideMemoryStore(isoOfNanos(memoryStart), isoOfNanos(futureEnd)));
          continue;
        }
        if (rec.timeNs < memoryStart) {
          if (rec.timeNs < magneticStart) {
            reject(RejectionReason.outsideRetention(isoOfNanos(magneticStart), isoOfNanos(futureEnd)));
            continue;
          }
          magnetic = true;
        }
        const typeProblem = this.typeProblem(rec, columnByName, measures, newMeasures);
        if (typeProblem) {
          reject(typeProblem);
          continue;
        }
        const previous = overlay.get(rec.key) ?? index.get(rec.key);
        if (previous && rec.version <= previous.version) {
          if (rec.fingerprint !== previous.fingerprint) {
            reject(
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
          if (index.has(rec.key)) deletes.set(rec.key, rec);
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
      await this.persist(rows, deletes, newColumns, newMeasures, grownMeasures, purge);
    }
    if (purge !== undefined) {
      this.lastPurgeNs = now;
      for (const key of index.keys())
        if (BigInt(key.slice(0, key.indexOf('\u001e'))) < purge) index.delete(key);
    }

    for (const [k, v] of overlay) index.set(k, v);
    columns.push(...newColumns);
    for (const [n, m] of newMeasures) measures.set(n, m);
    for (const [n, m] of grownMeasures) measures.set(n, m);
    return outcomes;
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

  private async persist(
    rows: Map<string, ParsedRecord>,
    deletes: Map<string, ParsedRecord>,
    newColumns: readonly ExtraColumn[],
    newMeasures: Map<string, MeasureRecord>,
    grownMeasures: Map<string, MeasureRecord>,
    purgeBeforeNs: bigint | undefined,
  ): Promise<void> {
    const connection = await this.conn();
    const tableId = this.table.record.id;
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
      for (const [n, m] of newMeasures) await upsertMeasure(connection, tableId, n, m, true);
      for (const [n, m] of grownMeasures) await upsertMeasure(connection, tableId, n, m, false);
      for (const rec of deletes.values()) await this.deleteStored(connection, rec, allColumns);
      const appender = await this.appenderFor(connection, allColumns.length);
      for (const rec of rows.values()) appendRecord(appender, rec, allColumns);
      // inside the open transaction the flush only hands the rows over; COMMIT makes them durable
      appender.flushSync();
      await connection.run('COMMIT');
    } catch (error) {
      this.dropAppender();
      await connection.run('ROLLBACK');
      throw error;
    }
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
    rec: ParsedRecord,
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

function appendRecord(appender: DuckDBAppender, rec: ParsedRecord, columns: readonly ExtraColumn[]): void {
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
