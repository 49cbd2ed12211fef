import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { QueryCatalog, TableView } from './catalog';
import { TimestreamLimits } from './constants';
import { ConflictException, ResourceNotFoundException, ValidationException } from './errors';
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
import { nanosPerDay, nanosPerHour, nowNanos } from './time-units';

/** Settings of a table that CreateTable / UpdateTable may give. */
export interface TableSettings {
  readonly memoryHours?: number;
  readonly magneticDays?: number;
  readonly magneticWrites?: MagneticStoreWriteProperties;
  readonly schema?: unknown;
}

const tableKey = (database: string, table: string) => `${database}\u0000${table}`;

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

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly clock: () => bigint,
  ) {}

  /** Opens (or creates) the store in `dataDir` (file `timestream.duckdb`). */
  static async open(dataDir: string, clock: () => bigint = nowNanos): Promise<LocalTimestreamStore> {
    mkdirSync(dataDir, { recursive: true });
    const instance = await DuckDBInstance.create(join(dataDir, 'timestream.duckdb'));
    const connection = await instance.connect();
    const store = new LocalTimestreamStore(instance, connection, clock);
    const { databases, tables } = await loadMetadata(connection);
    for (const db of databases) store.databases.set(db.name, db);
    for (const t of tables) {
      store.tables.set(tableKey(t.record.database, t.record.name), new TableWriter(instance, t, clock));
      store.nextTableId = Math.max(store.nextTableId, t.record.id + 1);
    }
    return store;
  }

  /** A new connection for queries. */
  connectReader(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Finishes queued writes and closes the database file. */
  async close(): Promise<void> {
    await Promise.all([...this.tables.values()].map((w) => w.close()));
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
      this.tables.set(tableKey(database, name), new TableWriter(this.instance, stored, this.clock));
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
      const record = this.table(database, name).table.record;
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
      this.tables.delete(tableKey(database, name));
      await writer.close();
      const id = writer.table.record.id;
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdent(relationName(id))}`);
        await deleteTableMetadata(this.connection, id);
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        this.tables.set(tableKey(database, name), new TableWriter(this.instance, writer.table, this.clock));
        throw error;
      }
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
