import type { ParsedRecord } from '../operations/parsed-record';
import type { MeasureRecord, StoredTable } from './metadata-store';
import { type ExtraColumn, measureDataType } from './storage-layout';

/**
 * The shape of a table as its writer has decided it (columns and measures, including those of journaled
 * entries not applied to DuckDB yet), the checks a record's names and types must pass against it, and what
 * a group of calls adds to it.
 */

/** A column as decided, with its ordinal among the table's added columns (its key in journal rows). */
export interface ColumnSlot {
  readonly column: ExtraColumn;
  readonly ordinal: number;
}

/** The shape (columns, measures) a group of calls is decided against, and what the group adds to it. */
export interface GroupShape {
  /** the columns decided before the group */
  readonly slots: ReadonlyMap<string, ColumnSlot>;
  /** their names by DuckDB identity (see {@link foldAscii}) */
  readonly folded: ReadonlyMap<string, string>;
  /** the columns the group adds */
  readonly newSlots: Map<string, ColumnSlot>;
  readonly newFolded: Map<string, string>;
  readonly newColumns: ExtraColumn[];
  /** the measures decided before the group */
  readonly measures: ReadonlyMap<string, MeasureRecord>;
  readonly newMeasures: Map<string, MeasureRecord>;
  readonly grownMeasures: Map<string, MeasureRecord>;
}

/** The columns and measures of a table as decided so far. */
export class DecidedShape {
  private readonly columns: Map<string, ColumnSlot>;
  /** decided column names by their DuckDB identity (ASCII letters folded to lower case) */
  private readonly folded: Map<string, string>;
  private readonly measures: Map<string, MeasureRecord>;

  /** The shape of `table` as applied to DuckDB (copied: the table changes only when entries are applied). */
  constructor(table: StoredTable) {
    this.columns = new Map(table.columns.map((column, ordinal) => [column.name, { column, ordinal }]));
    this.folded = new Map(table.columns.map((c) => [foldAscii(c.name), c.name]));
    this.measures = new Map(table.measures);
  }

  /** An empty group on top of the decided shape. */
  startGroup(): GroupShape {
    return {
      slots: this.columns,
      folded: this.folded,
      newSlots: new Map(),
      newFolded: new Map(),
      newColumns: [],
      measures: this.measures,
      newMeasures: new Map(),
      grownMeasures: new Map(),
    };
  }

  /** Adds what a group (whose entry is journaled) decided. */
  commit(shape: GroupShape): void {
    for (const [n, slot] of shape.newSlots) this.columns.set(n, slot);
    for (const [f, n] of shape.newFolded) this.folded.set(f, n);
    for (const [n, m] of shape.newMeasures) this.measures.set(n, m);
    for (const [n, m] of shape.grownMeasures) this.measures.set(n, m);
  }
}

const columnOf = (shape: GroupShape, name: string): ExtraColumn | undefined =>
  (shape.newSlots.get(name) ?? shape.slots.get(name))?.column;

/** The ordinal of a column decided before or in the group. */
export const ordinalOf = (shape: GroupShape, name: string): number =>
  (shape.newSlots.get(name) ?? shape.slots.get(name))!.ordinal;

/**
 * A column name as DuckDB identifies it: ASCII letters folded to lower case (DuckDB's identifiers ignore the
 * case of ASCII letters only), so `Host` and `host` would be one column.
 */
function foldAscii(name: string): string {
  return /[A-Z]/.test(name) ? name.replace(/[A-Z]/g, (c) => c.toLowerCase()) : name;
}

/**
 * Why a record that brings a new column cannot: its name differs from a column of the table, or from another
 * name of the record, only in the case of ASCII letters (DuckDB could not keep both).
 */
function caseProblem(rec: ParsedRecord, shape: GroupShape): string | undefined {
  let known = true;
  for (const [n] of rec.dimensions) known &&= columnOf(shape, n) !== undefined;
  if (rec.multi) for (const v of rec.values) known &&= columnOf(shape, v.name) !== undefined;
  if (known) return undefined;
  const names = rec.dimensions.map(([n]) => n);
  if (rec.multi) for (const v of rec.values) names.push(v.name);
  const own = new Map<string, string>();
  for (const name of names) {
    const folded = foldAscii(name);
    const other = own.get(folded) ?? shape.newFolded.get(folded) ?? shape.folded.get(folded);
    if (other !== undefined && other !== name) {
      return `Name '${name}' differs from the column '${other}' only in letter case; the local Timestream stores columns in DuckDB, whose column names ignore the case of ASCII letters, so it cannot keep both.`;
    }
    own.set(folded, name);
  }
  return undefined;
}

/** Why a record's types do not fit the table (a measure keeps its type; names keep their kind). */
export function findTypeProblem(rec: ParsedRecord, shape: GroupShape): string | undefined {
  const clash = caseProblem(rec, shape);
  if (clash) return clash;
  const dataType = measureDataType(rec.multi, rec.values[0]!.type);
  const known = shape.newMeasures.get(rec.measureName) ?? shape.measures.get(rec.measureName);
  if (known && known.dataType !== dataType) {
    return `Measure '${rec.measureName}' was written as ${known.dataType.toUpperCase()} and cannot be written as ${dataType.toUpperCase()}.`;
  }
  for (const [name] of rec.dimensions) {
    const col = columnOf(shape, name);
    if (col && col.kind !== 'dimension') {
      return `Dimension name '${name}' is already a measure value name (${col.type}) of a MULTI measure in this table.`;
    }
  }
  if (rec.multi) {
    for (const v of rec.values) {
      const col = columnOf(shape, v.name);
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

function addColumn(shape: GroupShape, column: ExtraColumn): void {
  if (shape.slots.has(column.name) || shape.newSlots.has(column.name)) return;
  shape.newSlots.set(column.name, { column, ordinal: shape.slots.size + shape.newColumns.length });
  shape.newFolded.set(foldAscii(column.name), column.name);
  shape.newColumns.push(column);
}

/** Adds the columns and measure (or measure dimensions) an accepted record brings. */
export function registerShape(rec: ParsedRecord, shape: GroupShape): void {
  for (const [name] of rec.dimensions) addColumn(shape, { name, kind: 'dimension', type: 'VARCHAR' });
  if (rec.multi) for (const v of rec.values) addColumn(shape, { name: v.name, kind: 'multi', type: v.type });
  const fresh = shape.newMeasures.get(rec.measureName);
  const stored = shape.grownMeasures.get(rec.measureName) ?? shape.measures.get(rec.measureName);
  const current = fresh ?? stored;
  if (!current) {
    shape.newMeasures.set(rec.measureName, {
      dataType: measureDataType(rec.multi, rec.values[0]!.type),
      dimensions: new Set(rec.dimensions.map(([n]) => n)),
    });
    return;
  }
  const missing = rec.dimensions.filter(([n]) => !current.dimensions.has(n));
  if (missing.length === 0) return;
  const grown = { dataType: current.dataType, dimensions: new Set(current.dimensions) };
  for (const [n] of missing) grown.dimensions.add(n);
  if (fresh) shape.newMeasures.set(rec.measureName, grown);
  else shape.grownMeasures.set(rec.measureName, grown);
}
