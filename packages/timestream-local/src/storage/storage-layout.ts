import type { ValueType } from '../operations/write-request';
import type { ColumnView, MeasureDataType } from './catalog';

/**
 * How a Timestream table is laid out in DuckDB (see catalog.ts): the fixed columns every storage table
 * starts with, and the DuckDB types of the columns added later.
 */

/** Quotes an identifier for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The DuckDB relation of the Timestream table with this internal id. */
export function relationName(tableId: number): string {
  return `ts_table_${tableId}`;
}

/** Column holding a single-measure value of each type. */
export const singleValueColumn: Record<ValueType, string> = {
  DOUBLE: 'measure_value::double',
  BIGINT: 'measure_value::bigint',
  VARCHAR: 'measure_value::varchar',
  BOOLEAN: 'measure_value::boolean',
  TIMESTAMP: 'measure_value::timestamp',
};

/** DuckDB type of a column holding values of a Timestream type. */
export const duckdbType: Record<ValueType, string> = {
  DOUBLE: 'DOUBLE',
  BIGINT: 'BIGINT',
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP_NS',
};

/** The fixed leading columns of every storage table, in order. */
const baseColumns = [
  { name: 'time', sqlType: 'TIMESTAMP_NS' },
  { name: 'measure_name', sqlType: 'VARCHAR' },
  { name: singleValueColumn.DOUBLE, sqlType: 'DOUBLE' },
  { name: singleValueColumn.BIGINT, sqlType: 'BIGINT' },
  { name: singleValueColumn.VARCHAR, sqlType: 'VARCHAR' },
  { name: singleValueColumn.BOOLEAN, sqlType: 'BOOLEAN' },
  { name: singleValueColumn.TIMESTAMP, sqlType: 'TIMESTAMP_NS' },
  { name: '__ts_version', sqlType: 'BIGINT' },
] as const;

/** SQL creating the storage table of a Timestream table. */
export function createRelationSql(tableId: number): string {
  const cols = baseColumns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`).join(', ');
  return `CREATE TABLE ${quoteIdent(relationName(tableId))} (${cols})`;
}

/** A column added to a storage table after creation. */
export interface ExtraColumn {
  readonly name: string;
  readonly kind: 'dimension' | 'multi';
  /** VARCHAR for dimensions */
  readonly type: ValueType;
}

/** The catalog's view of a MULTI measure value column. */
export function columnView(c: ExtraColumn): ColumnView {
  return { name: c.name, type: c.type };
}

/** The catalog's data type of a measure written with this value type (or MULTI). */
export function measureDataType(multi: boolean, type: ValueType): MeasureDataType {
  return multi ? 'multi' : (type.toLowerCase() as MeasureDataType);
}
