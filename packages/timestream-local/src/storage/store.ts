import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join, sep } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { TimestreamLimits } from '../constants';
import { ConflictException, ResourceNotFoundException, ValidationException } from '../errors';
import { nanosPerDay, nanosPerHour, nowNanos } from '../operations/time-units';
import type { QueryCatalog, TableView } from './catalog';
import {
  type DatabaseRecord,
  deleteDatabase,
  deleteTableMetadata,
  insertDatabase,
  insertTable,
  loadMetadata,
  type MagneticStoreWriteProperties,
  type StoredTable,
  type TableRecord,
  updateDatabase,
  updateTable,
} from './metadata-store';
import { SerialQueue } from './serial-queue';
import { columnView, createRelationSql, quoteIdent, relationName } from './storage-layout';
import { TableWriter } from './table-writer';

/** How the store runs its tables' journals. */
export interface StoreOptions {
  /** current time in ns (tests move it); default the system clock */
  readonly clock?: () => bigint;
  /**
   * How often (ms) the journals are fsynced, for durability against an OS crash or power loss (a process
   * kill loses nothing without it: answered writes are in the OS page cache). 0 fsyncs only on close.
   * Default 1000.
   */
  readonly journalSyncMs?: number;
  /** delay (ms) before journaled writes are applied when no query waits (larger batches); default 500 */
  readonly applyDelayMs?: number;
  /** UTC days per table whose upsert keys stay in memory (the most recently written); default 8 */
  readonly indexDays?: number;
  /** where failures in the background (journal apply or fsync) are reported; default console.error */
  readonly onInternalError?: (error: unknown) => void;
  /** DuckDB's memory limit in MiB (queries beyond it spill to disk or fail); default {@link defaultMemoryLimitMb} */
  readonly memoryLimitMb?: number;
  /** DuckDB's worker threads; default {@link defaultThreads} */
  readonly threads?: number;
}

/** A quarter of the machine's memory (at least 256 MiB): the rest stays for Node, the writes and the system. */
const defaultMemoryLimitMb = (): number => Math.max(256, Math.floor(totalmem() / 4 / 1024 / 1024));

/**
 * As many threads as cores, DuckDB's own default. One fewer (to keep a core for the HTTP server and the
 * writes) made the daily aggregate benchmark ~15% slower on 2 cores, and writes and light queries stay
 * answered while a heavy query runs anyway: the OS shares the cores with the event loop, and heavy queries
 * are bounded by the query connections, the timeout, CancelQuery and the memory limit.
 */
const defaultThreads = (): number => availableParallelism();

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Settings of a table that CreateTable / UpdateTable may give. */
export interface TableSettings {
  readonly memoryHours?: number;
  readonly magneticDays?: number;
  readonly magneticWrites?: MagneticStoreWriteProperties;
  readonly schema?: unknown;
}

const tableKey = (database: string, table: string) => `${database}\u0000${table}`;
const journalDirName = (tableId: number) => `table-${tableId}`;

/**
 * The local Timestream's state on one DuckDB file: databases, tables and their writers. Control-plane
 * changes run one at a time on their own connection; each table writes on its own connection; queries use
 * connections of their own (see {@link LocalTimestreamStore.connectReader}).
 * Implements the {@link QueryCatalog} the SQL engine reads.
 */
export class LocalTimestreamStore implements QueryCatalog {
  private readonly databases = new Map<string, DatabaseRecord>();
  private readonly tables = new Map<string, TableWriter>();
  private readonly control = new SerialQueue();
  private nextTableId = 1;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly clock: () => bigint;
  private readonly applyDelayMs: number | undefined;
  private readonly indexDays: number | undefined;
  private readonly onInternalError: (error: unknown) => void;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly journalRoot: string,
    options: StoreOptions,
  ) {
    this.clock = options.clock ?? nowNanos;
    this.applyDelayMs = options.applyDelayMs;
    this.indexDays = options.indexDays;
    this.onInternalError = options.onInternalError ?? ((error) => console.error('local Timestream:', error));
  }

  /**
   * Opens (or creates) the store in `dataDir` (file `timestream.duckdb`, journals under `journal/`),
   * replaying each table's journal entries that were answered but not yet applied.
   */
  static async open(dataDir: string, options: StoreOptions = {}): Promise<LocalTimestreamStore> {
    mkdirSync(dataDir, { recursive: true });
    const journalRoot = join(dataDir, 'journal');
    mkdirSync(journalRoot, { recursive: true });
    // DuckDB reads no file but its own and the journals (which the writers apply with read_ndjson), and loads
    // or installs no extension; the configuration is locked once the query connections are set up
    const instance = await DuckDBInstance.create(join(dataDir, 'timestream.duckdb'), {
      autoload_known_extensions: 'false',
      autoinstall_known_extensions: 'false',
      memory_limit: `${options.memoryLimitMb ?? defaultMemoryLimitMb()}MiB`,
      threads: String(options.threads ?? defaultThreads()),
    });
    const connection = await instance.connect();
    try {
      await connection.run(`SET allowed_directories = [${sqlString(journalRoot + sep)}]`);
      await connection.run('SET enable_external_access = false');
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    const store = new LocalTimestreamStore(instance, connection, journalRoot, options);
    try {
      const { databases, tables, journalApplied } = await loadMetadata(connection);
      for (const db of databases) store.databases.set(db.name, db);
      const live = new Set(tables.map((t) => journalDirName(t.record.id)));
      // journals of tables whose drop committed before their directory was removed
      for (const name of readdirSync(journalRoot)) {
        if (!live.has(name)) rmSync(join(journalRoot, name), { recursive: true, force: true });
      }
      for (const t of tables) {
        const writer = await store.openWriter(t, journalApplied.get(t.record.id) ?? 0);
        store.tables.set(tableKey(t.record.database, t.record.name), writer);
        store.nextTableId = Math.max(store.nextTableId, t.record.id + 1);
      }
    } catch (error) {
      await Promise.allSettled([...store.tables.values()].map((w) => w.close()));
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    const syncMs = options.journalSyncMs ?? 1000;
    if (syncMs > 0) {
      store.syncTimer = setInterval(() => {
        for (const w of store.tables.values()) w.syncJournal().catch(store.onInternalError);
      }, syncMs);
      store.syncTimer.unref();
    }
    return store;
  }

  private openWriter(table: StoredTable, appliedSeq: number): Promise<TableWriter> {
    return TableWriter.open(this.instance, table, {
      journalDir: join(this.journalRoot, journalDirName(table.record.id)),
      appliedSeq,
      clock: this.clock,
      onApplyError: this.onInternalError,
      applyDelayMs: this.applyDelayMs,
      indexDays: this.indexDays,
    });
  }

  /** Resolves once every write answered before this call is applied, in every table (read-your-writes). */
  async settled(): Promise<void> {
    await Promise.all([...this.tables.values()].map((w) => w.settled()));
  }

  /** A new connection for queries. */
  connectReader(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /**
   * Locks DuckDB's configuration: from now on no SET changes a setting (file access, memory, threads),
   * whatever SQL reaches DuckDB. Called once the query connections have their session settings.
   */
  async lockConfiguration(): Promise<void> {
    await this.control.run(async () => {
      await this.connection.run('SET lock_configuration = true');
    });
  }

  /** Finishes queued writes, applies and closes the journals, and closes the database file. */
  async close(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    const closed = await Promise.allSettled([...this.tables.values()].map((w) => w.close()));
    for (const c of closed) if (c.status === 'rejected') this.onInternalError(c.reason);
    await this.control.run(async () => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  // ---- databases ----

  createDatabase(name: string, kmsKeyId: string): Promise<DatabaseRecord> {
    return this.control.run(async () => {
      if (this.databases.has(name)) throw new ConflictException(`The database ${name} already exists.`);
      const now = Date.now();
      const db: DatabaseRecord = { name, kmsKeyId, createdMs: now, updatedMs: now };
      await insertDatabase(this.connection, db);
      this.databases.set(name, db);
      return db;
    });
  }

  database(name: string): DatabaseRecord {
    const db = this.databases.get(name);
    if (!db) throw new ResourceNotFoundException(`The database ${name} does not exist.`);
    return db;
  }

  allDatabases(): DatabaseRecord[] {
    return [...this.databases.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  tableCount(database: string): number {
    return this.allTables(database).length;
  }

  updateDatabase(name: string, kmsKeyId: string): Promise<DatabaseRecord> {
    return this.control.run(async () => {
      const db = this.database(name);
      const next = { ...db, kmsKeyId, updatedMs: Date.now() };
      await updateDatabase(this.connection, next);
      this.databases.set(name, next);
      return next;
    });
  }

  deleteDatabase(name: string): Promise<void> {
    return this.control.run(async () => {
      this.database(name);
      const count = this.tableCount(name);
      if (count > 0) {
        throw new ValidationException(
          `The database ${name} still has ${count} table(s); delete its tables before deleting the database.`,
        );
      }
      await deleteDatabase(this.connection, name);
      this.databases.delete(name);
    });
  }

  // ---- tables ----

  createTable(database: string, name: string, settings: TableSettings): Promise<TableRecord> {
    return this.control.run(async () => {
      this.database(database);
      if (this.tables.has(tableKey(database, name))) {
        throw new ConflictException(`The table ${name} already exists in database ${database}.`);
      }
      const now = Date.now();
      const record: TableRecord = {
        id: this.nextTableId++,
        database,
        name,
        memoryHours: settings.memoryHours ?? TimestreamLimits.memoryRetentionHours.default,
        magneticDays: settings.magneticDays ?? TimestreamLimits.magneticRetentionDays.default,
        magneticWrites: settings.magneticWrites ?? { EnableMagneticStoreWrites: false },
        schema: settings.schema,
        createdMs: now,
        updatedMs: now,
      };
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run(createRelationSql(record.id));
        await insertTable(this.connection, record);
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
      const stored: StoredTable = { record, columns: [], measures: new Map() };
      // a journal left by an earlier table with this id (dropped just before a crash) is not this table's
      rmSync(join(this.journalRoot, journalDirName(record.id)), { recursive: true, force: true });
      this.tables.set(tableKey(database, name), await this.openWriter(stored, 0));
      return record;
    });
  }

  /** The writer (and state) of a table; ResourceNotFoundException when the database or table is missing. */
  table(database: string, name: string): TableWriter {
    this.database(database);
    const writer = this.tables.get(tableKey(database, name));
    if (!writer)
      throw new ResourceNotFoundException(`The table ${name} does not exist in database ${database}.`);
    return writer;
  }

  /** Tables of one database, or of all databases, sorted by database then name. */
  allTables(database?: string): TableRecord[] {
    return [...this.tables.values()]
      .map((w) => w.table.record)
      .filter((t) => database === undefined || t.database === database)
      .sort((a, b) =>
        a.database === b.database ? (a.name < b.name ? -1 : 1) : a.database < b.database ? -1 : 1,
      );
  }

  updateTable(database: string, name: string, settings: TableSettings): Promise<TableRecord> {
    return this.control.run(async () => {
      const writer = this.table(database, name);
      // writes answered before the change are applied under the settings they were decided with
      await writer.settled();
      const record = writer.table.record;
      const next: TableRecord = {
        ...record,
        memoryHours: settings.memoryHours ?? record.memoryHours,
        magneticDays: settings.magneticDays ?? record.magneticDays,
        magneticWrites: settings.magneticWrites ?? record.magneticWrites,
        schema: settings.schema ?? record.schema,
        updatedMs: Date.now(),
      };
      await updateTable(this.connection, next);
      Object.assign(record, next);
      return record;
    });
  }

  deleteTable(database: string, name: string): Promise<void> {
    return this.control.run(async () => {
      const writer = this.table(database, name);
      // pending journal entries are applied first; on failure the table stays as it was
      await writer.settled();
      this.tables.delete(tableKey(database, name));
      const id = writer.table.record.id;
      try {
        await writer.close();
      } catch (error) {
        this.tables.set(
          tableKey(database, name),
          await this.openWriter(writer.table, writer.appliedPosition),
        );
        throw error;
      }
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdent(relationName(id))}`);
        await deleteTableMetadata(this.connection, id);
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        this.tables.set(
          tableKey(database, name),
          await this.openWriter(writer.table, writer.appliedPosition),
        );
        throw error;
      }
      await writer.destroyJournal();
    });
  }

  // ---- QueryCatalog ----

  listDatabases(): readonly string[] {
    return this.allDatabases().map((d) => d.name);
  }

  listTables(database: string): readonly string[] | undefined {
    if (!this.databases.has(database)) return undefined;
    return this.allTables(database).map((t) => t.name);
  }

  getTable(database: string, table: string): TableView | undefined {
    if (!this.databases.has(database)) return undefined;
    const writer = this.tables.get(tableKey(database, table));
    if (!writer) return undefined;
    const { record, columns, measures } = writer.table;
    const now = this.clock();
    const memory = BigInt(record.memoryHours) * nanosPerHour;
    const magnetic = BigInt(record.magneticDays) * nanosPerDay;
    return {
      database,
      table,
      relation: quoteIdent(relationName(record.id)),
      dimensions: columns.filter((c) => c.kind === 'dimension').map((c) => c.name),
      multiMeasureColumns: columns.filter((c) => c.kind === 'multi').map(columnView),
      measures: [...measures].map(([name, m]) => ({
        name,
        dataType: m.dataType,
        dimensions: [...m.dimensions],
      })),
      retentionCutoffNs: now - (memory > magnetic ? memory : magnetic),
    };
  }
}
