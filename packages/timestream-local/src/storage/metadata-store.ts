import type { DuckDBConnection } from '@duckdb/node-api';
import type { MeasureDataType } from './catalog';
import type { ExtraColumn } from './storage-layout';

/**
 * The persisted control plane of the local Timestream: databases, tables, the extra columns and the
 * measures of each table, kept in DuckDB tables next to the data so that one commit covers both.
 */

export interface MagneticStoreWriteProperties {
  readonly EnableMagneticStoreWrites: boolean;
  readonly MagneticStoreRejectedDataLocation?: unknown;
}

export interface DatabaseRecord {
  readonly name: string;
  kmsKeyId: string;
  readonly createdMs: number;
  updatedMs: number;
}

export interface TableRecord {
  readonly id: number;
  readonly database: string;
  readonly name: string;
  memoryHours: number;
  magneticDays: number;
  magneticWrites: MagneticStoreWriteProperties;
  schema: unknown;
  readonly createdMs: number;
  updatedMs: number;
}

export interface MeasureRecord {
  readonly dataType: MeasureDataType;
  readonly dimensions: Set<string>;
}

export interface StoredTable {
  readonly record: TableRecord;
  readonly columns: ExtraColumn[];
  readonly measures: Map<string, MeasureRecord>;
}

const metadataDdl = [
  'CREATE TABLE IF NOT EXISTS __ts_databases (name VARCHAR, kms_key_id VARCHAR, created_ms BIGINT, updated_ms BIGINT)',
  `CREATE TABLE IF NOT EXISTS __ts_tables (id BIGINT, database_name VARCHAR, table_name VARCHAR,
     memory_hours BIGINT, magnetic_days BIGINT, magnetic_writes VARCHAR, schema_json VARCHAR,
     created_ms BIGINT, updated_ms BIGINT)`,
  'CREATE TABLE IF NOT EXISTS __ts_columns (table_id BIGINT, name VARCHAR, kind VARCHAR, type VARCHAR, ord BIGINT)',
  'CREATE TABLE IF NOT EXISTS __ts_measures (table_id BIGINT, measure_name VARCHAR, data_type VARCHAR, dimensions VARCHAR)',
  'CREATE TABLE IF NOT EXISTS __ts_journal_applied (table_id BIGINT, seq BIGINT)',
] as const;

/** Creates the metadata tables if needed and reads everything back. */
export async function loadMetadata(
  connection: DuckDBConnection,
): Promise<{ databases: DatabaseRecord[]; tables: StoredTable[]; journalApplied: Map<number, number> }> {
  for (const ddl of metadataDdl) await connection.run(ddl);
  const dbRows = (
    await connection.runAndReadAll('SELECT name, kms_key_id, created_ms, updated_ms FROM __ts_databases')
  ).getRows();
  const databases = dbRows.map(([name, kms, created, updated]) => ({
    name: String(name),
    kmsKeyId: String(kms),
    createdMs: Number(created),
    updatedMs: Number(updated),
  }));
  const tableRows = (
    await connection.runAndReadAll(
      `SELECT id, database_name, table_name, memory_hours, magnetic_days, magnetic_writes, schema_json,
              created_ms, updated_ms FROM __ts_tables ORDER BY id`,
    )
  ).getRows();
  const columnRows = (
    await connection.runAndReadAll(
      'SELECT table_id, name, kind, type FROM __ts_columns ORDER BY table_id, ord',
    )
  ).getRows();
  const measureRows = (
    await connection.runAndReadAll('SELECT table_id, measure_name, data_type, dimensions FROM __ts_measures')
  ).getRows();
  const tables = tableRows.map(([id, db, name, mem, mag, writes, schema, created, updated]) => ({
    record: {
      id: Number(id),
      database: String(db),
      name: String(name),
      memoryHours: Number(mem),
      magneticDays: Number(mag),
      magneticWrites: JSON.parse(String(writes)) as MagneticStoreWriteProperties,
      schema: schema === null ? undefined : JSON.parse(String(schema)),
      createdMs: Number(created),
      updatedMs: Number(updated),
    },
    columns: columnRows
      .filter((c) => Number(c[0]) === Number(id))
      .map(([, n, kind, type]) => ({ name: String(n), kind, type }) as ExtraColumn),
    measures: new Map(
      measureRows
        .filter((m) => Number(m[0]) === Number(id))
        .map(([, n, dataType, dims]) => [
          String(n),
          {
            dataType: dataType as MeasureDataType,
            dimensions: new Set(JSON.parse(String(dims)) as string[]),
          },
        ]),
    ),
  }));
  const appliedRows = (
    await connection.runAndReadAll('SELECT table_id, max(seq) FROM __ts_journal_applied GROUP BY table_id')
  ).getRows();
  const journalApplied = new Map(appliedRows.map(([id, seq]) => [Number(id), Number(seq)]));
  return { databases, tables, journalApplied };
}

export async function insertDatabase(connection: DuckDBConnection, db: DatabaseRecord): Promise<void> {
  await connection.run('INSERT INTO __ts_databases VALUES ($1, $2, $3, $4)', [
    db.name,
    db.kmsKeyId,
    db.createdMs,
    db.updatedMs,
  ]);
}

export async function updateDatabase(connection: DuckDBConnection, db: DatabaseRecord): Promise<void> {
  await connection.run('UPDATE __ts_databases SET kms_key_id = $2, updated_ms = $3 WHERE name = $1', [
    db.name,
    db.kmsKeyId,
    db.updatedMs,
  ]);
}

export async function deleteDatabase(connection: DuckDBConnection, name: string): Promise<void> {
  await connection.run('DELETE FROM __ts_databases WHERE name = $1', [name]);
}

export async function insertTable(connection: DuckDBConnection, t: TableRecord): Promise<void> {
  await connection.run('INSERT INTO __ts_tables VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
    t.id,
    t.database,
    t.name,
    t.memoryHours,
    t.magneticDays,
    JSON.stringify(t.magneticWrites),
    t.schema === undefined ? null : JSON.stringify(t.schema),
    t.createdMs,
    t.updatedMs,
  ]);
}

export async function updateTable(connection: DuckDBConnection, t: TableRecord): Promise<void> {
  await connection.run(
    `UPDATE __ts_tables SET memory_hours = $2, magnetic_days = $3, magnetic_writes = $4, schema_json = $5,
       updated_ms = $6 WHERE id = $1`,
    [
      t.id,
      t.memoryHours,
      t.magneticDays,
      JSON.stringify(t.magneticWrites),
      t.schema === undefined ? null : JSON.stringify(t.schema),
      t.updatedMs,
    ],
  );
}

export async function deleteTableMetadata(connection: DuckDBConnection, id: number): Promise<void> {
  await connection.run('DELETE FROM __ts_tables WHERE id = $1', [id]);
  await connection.run('DELETE FROM __ts_columns WHERE table_id = $1', [id]);
  await connection.run('DELETE FROM __ts_measures WHERE table_id = $1', [id]);
  await connection.run('DELETE FROM __ts_journal_applied WHERE table_id = $1', [id]);
}

/**
 * SQL recording how far a table's journal is applied; run in the transaction that applies the entries, so
 * that a restart re-applies exactly the entries after it. (Two statements; integers only, nothing to quote.)
 */
export function journalAppliedSql(tableId: number, seq: number): string {
  if (!Number.isSafeInteger(tableId) || !Number.isSafeInteger(seq)) {
    throw new RangeError(`journal position must be whole numbers, got table ${tableId}, seq ${seq}`);
  }
  return `DELETE FROM __ts_journal_applied WHERE table_id = ${tableId};\nINSERT INTO __ts_journal_applied VALUES (${tableId}, ${seq})`;
}

export async function insertColumn(
  connection: DuckDBConnection,
  tableId: number,
  column: ExtraColumn,
  ord: number,
): Promise<void> {
  await connection.run('INSERT INTO __ts_columns VALUES ($1, $2, $3, $4, $5)', [
    tableId,
    column.name,
    column.kind,
    column.type,
    ord,
  ]);
}

export async function upsertMeasure(
  connection: DuckDBConnection,
  tableId: number,
  name: string,
  measure: MeasureRecord,
  isNew: boolean,
): Promise<void> {
  const dims = JSON.stringify([...measure.dimensions]);
  if (isNew) {
    await connection.run('INSERT INTO __ts_measures VALUES ($1, $2, $3, $4)', [
      tableId,
      name,
      measure.dataType,
      dims,
    ]);
  } else {
    await connection.run(
      'UPDATE __ts_measures SET dimensions = $3 WHERE table_id = $1 AND measure_name = $2',
      [tableId, name, dims],
    );
  }
}
