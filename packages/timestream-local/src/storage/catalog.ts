/**
 * The contract between the local Timestream's storage (which owns the DuckDB tables and the catalog) and its
 * SQL engine (`sql/`, which translates Timestream SQL into DuckDB SQL over those tables).
 *
 * Storage layout of one Timestream table in DuckDB (one table per Timestream table, `relation` below):
 * - `time` TIMESTAMP_NS, UTC
 * - one VARCHAR column per dimension name, named exactly as the dimension
 * - `measure_name` VARCHAR
 * - single-measure values: `measure_value::double` DOUBLE, `measure_value::bigint` BIGINT,
 *   `measure_value::varchar` VARCHAR, `measure_value::boolean` BOOLEAN, `measure_value::timestamp` TIMESTAMP_NS
 *   (column names contain the `::`; null when unused)
 * - one column per MULTI measure value name, typed as written (DOUBLE, BIGINT, VARCHAR, BOOLEAN, TIMESTAMP_NS)
 * - hidden bookkeeping columns whose names start with `__ts_` (e.g. `__ts_version`): never visible to queries
 * Dimension and multi-measure columns are added (ALTER TABLE ADD COLUMN) as new names are written.
 */

export const ScalarType = {
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  TIME: 'TIME',
  INTERVAL_DAY_TO_SECOND: 'INTERVAL_DAY_TO_SECOND',
  INTERVAL_YEAR_TO_MONTH: 'INTERVAL_YEAR_TO_MONTH',
  UNKNOWN: 'UNKNOWN',
  INTEGER: 'INTEGER',
} as const;
export type ScalarType = (typeof ScalarType)[keyof typeof ScalarType];

/** Value types a measure can be written with (WriteRecords' MeasureValueType, lower-cased as SHOW MEASURES shows them). */
export type MeasureDataType = 'double' | 'bigint' | 'varchar' | 'boolean' | 'timestamp' | 'multi';

export interface MeasureInfo {
  /** measure_name */
  readonly name: string;
  readonly dataType: MeasureDataType;
  /** dimension names seen with this measure */
  readonly dimensions: readonly string[];
}

export interface ColumnView {
  readonly name: string;
  readonly type: Exclude<ScalarType, 'DATE' | 'TIME' | 'UNKNOWN' | 'INTEGER' | `INTERVAL_${string}`>;
}

export interface TableView {
  readonly database: string;
  readonly table: string;
  /** The DuckDB relation holding the rows, ready to paste into SQL (already quoted). */
  readonly relation: string;
  /** Dimension columns (all VARCHAR), in the order they were first written. */
  readonly dimensions: readonly string[];
  /** MULTI measure value columns, in the order they were first written. */
  readonly multiMeasureColumns: readonly ColumnView[];
  /** Every measure_name written to the table, with its type. */
  readonly measures: readonly MeasureInfo[];
  /**
   * Rows whose `time` (ns since epoch) is below this are past both retentions: queries must not return them.
   * Computed at the moment the view is taken.
   */
  readonly retentionCutoffNs: bigint;
}

/** Read-only view of the catalog that the SQL engine queries. */
export interface QueryCatalog {
  listDatabases(): readonly string[];
  /** undefined when the database does not exist */
  listTables(database: string): readonly string[] | undefined;
  /** undefined when the database or table does not exist */
  getTable(database: string, table: string): TableView | undefined;
}
