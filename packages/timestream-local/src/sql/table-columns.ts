import type { MeasureDataType, ScalarType, TableView } from '../storage/catalog';

/** How DESCRIBE labels a column (Timestream's "Timestream attribute type"). */
const AttributeType = {
  DIMENSION: 'DIMENSION',
  MEASURE_NAME: 'MEASURE_NAME',
  TIMESTAMP: 'TIMESTAMP',
  MEASURE_VALUE: 'MEASURE_VALUE',
  MULTI: 'MULTI',
} as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

/** One column of a Timestream table as queries see it. */
export interface VisibleColumn {
  readonly name: string;
  readonly type: Exclude<ScalarType, 'DATE' | 'TIME' | 'UNKNOWN' | 'INTEGER' | `INTERVAL_${string}`>;
  readonly attribute: AttributeType;
  /** Bytes a value of this column is billed as when scanned (see bytes-scanned.ts). */
  readonly width: number;
}

const SINGLE_MEASURE_TYPES = ['double', 'bigint', 'varchar', 'boolean', 'timestamp'] as const;
const SCALAR_OF: Record<(typeof SINGLE_MEASURE_TYPES)[number], VisibleColumn['type']> = {
  double: 'DOUBLE',
  bigint: 'BIGINT',
  varchar: 'VARCHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** Billed byte width per value; VARCHAR is an estimate of a typical dimension/measure string. */
function widthOf(type: VisibleColumn['type']): number {
  switch (type) {
    case 'BOOLEAN':
      return 1;
    case 'VARCHAR':
      return 16;
    default:
      return 8;
  }
}

/**
 * The columns of a table in Timestream's order for `SELECT *` and DESCRIBE: dimensions, measure_name, time,
 * then one `measure_value::<type>` per single-measure type written to the table (double, bigint, varchar,
 * boolean, timestamp: the order of the recorded select-star/describe responses), then MULTI measure columns.
 */
export function visibleColumns(view: TableView): VisibleColumn[] {
  const columns: VisibleColumn[] = view.dimensions.map((name) => ({
    name,
    type: 'VARCHAR',
    attribute: AttributeType.DIMENSION,
    width: widthOf('VARCHAR'),
  }));
  columns.push({
    name: 'measure_name',
    type: 'VARCHAR',
    attribute: AttributeType.MEASURE_NAME,
    width: widthOf('VARCHAR'),
  });
  columns.push({ name: 'time', type: 'TIMESTAMP', attribute: AttributeType.TIMESTAMP, width: 8 });
  const written = new Set<MeasureDataType>(view.measures.map((m) => m.dataType));
  for (const t of SINGLE_MEASURE_TYPES) {
    if (written.has(t)) {
      const type = SCALAR_OF[t];
      columns.push({
        name: `measure_value::${t}`,
        type,
        attribute: AttributeType.MEASURE_VALUE,
        width: widthOf(type),
      });
    }
  }
  for (const c of view.multiMeasureColumns) {
    columns.push({ name: c.name, type: c.type, attribute: AttributeType.MULTI, width: widthOf(c.type) });
  }
  return columns;
}

/** Quotes a DuckDB identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A TIMESTAMP_NS constant DuckDB folds at bind time (filters on it are pushed into the table scan). */
export function timestampNsLiteral(ns: bigint): string {
  return `make_timestamp_ns(CAST(${ns.toString()} AS BIGINT))`;
}

/**
 * The relation a table reference becomes: only visible columns, rows past retention filtered out. The filter
 * compares `time` with a constant, so DuckDB pushes it into the scan together with the query's own time filters.
 */
export function tableSubquery(view: TableView): string {
  const cols = visibleColumns(view)
    .map((c) => quoteIdent(c.name))
    .join(', ');
  const retention =
    view.retentionCutoffNs > 0n ? ` WHERE "time" >= ${timestampNsLiteral(view.retentionCutoffNs)}` : '';
  return `(SELECT ${cols} FROM ${view.relation}${retention})`;
}
