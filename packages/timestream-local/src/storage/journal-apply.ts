import type { DuckDBConnection } from '@duckdb/node-api';
import type { ValueType } from '../operations/parsed-record';
import { columnKey, type JournalEntryHeader, singleValueKey } from './journal-entry';
import {
  insertColumn,
  journalAppliedSql,
  type MeasureRecord,
  type StoredTable,
  upsertMeasure,
} from './metadata-store';
import { duckdbType, type ExtraColumn, quoteIdent, relationName, singleValueColumn } from './storage-layout';

/**
 * The SQL that applies journal entries to a table's DuckDB relation, for the background apply and for the
 * replay at start alike: DuckDB reads the rows from the journal segments itself (`read_ndjson`).
 */

/** The single-value columns in the order journal rows and index loads list them. */
export const singleTypes: readonly ValueType[] = ['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP'];

/** The quoted DuckDB relation of a table. */
export const relationOf = (table: StoredTable): string => quoteIdent(relationName(table.record.id));

/**
 * Applies journal entries to DuckDB in one transaction that also stores the applied position, then
 * updates the table's applied shape. DuckDB reads the rows straight from the journal segments `files`
 * (`read_ndjson`), so the rows are never turned back into JavaScript values. When an entry replaces rows
 * decided earlier, the stored rows with those keys are deleted first and, of the rows of one key in the
 * batch, the last one is inserted. Retention deletion runs first with the batch's latest cutoff (rows
 * decided earlier that fall before it stay hidden from queries and go with the next purge).
 */
export async function applyJournalEntries(
  connection: DuckDBConnection,
  table: StoredTable,
  entries: readonly JournalEntryHeader[],
  files: readonly string[],
): Promise<void> {
  const tableId = table.record.id;
  const relation = relationOf(table);
  let purgeBeforeNs: bigint | undefined;
  const known = new Set(table.columns.map((c) => c.name));
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
  const allColumns = [...table.columns, ...newColumns];
  const source = journalSource(files, allColumns, entries[0]!.seq, entries.at(-1)!.seq);
  // the usual batch (no new columns or measures) is one call: one round trip to DuckDB's threads
  const statements: string[] = [];
  if (purgeBeforeNs !== undefined) {
    statements.push(`DELETE FROM ${relation} WHERE time < make_timestamp_ns(${purgeBeforeNs})`);
  }
  if (rows > 0) {
    if (replaces > 0) statements.push(deleteReplacedSql(relation, source, allColumns));
    statements.push(insertRowsSql(relation, source, allColumns, replaces > 0));
  }
  statements.push(journalAppliedSql(tableId, entries.at(-1)!.seq), 'COMMIT');
  const shapeChanges = newColumns.length > 0 || measures.size > 0;
  try {
    if (shapeChanges) {
      await connection.run('BEGIN TRANSACTION');
      let ord = table.columns.length;
      for (const c of newColumns) {
        await connection.run(
          `ALTER TABLE ${relation} ADD COLUMN ${quoteIdent(c.name)} ${duckdbType[c.type]}`,
        );
        await insertColumn(connection, tableId, c, ord++);
      }
      for (const [n, m] of measures) {
        await upsertMeasure(connection, tableId, n, m, !table.measures.has(n));
      }
    } else {
      statements.unshift('BEGIN TRANSACTION');
    }
    await connection.run(statements.join(';\n'));
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  table.columns.push(...newColumns);
  for (const [n, m] of measures) table.measures.set(n, m);
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
