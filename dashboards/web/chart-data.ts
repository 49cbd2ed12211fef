import type { ScalarCell } from '#adapters/timestream-query';
import { PanelShapeError } from './errors';
import { columnUnit, type MeasureUnits } from './measure-units';
import type { QueryResult, ResultColumn } from './run-query';

/** One line of a chart: its legend label, the unit of its axis, one value per x (null = gap). */
export interface ChartSeries {
  readonly label: string;
  readonly unit: string;
  readonly values: readonly (number | null)[];
}

/** A time-series panel's data in uPlot's column layout: x in epoch seconds, ascending. */
export interface TimeSeriesData {
  readonly kind: 'timeseries';
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** Non-null values over all series (0 = nothing to draw). */
  readonly points: number;
}

/** A table panel's data: the columns and rows as the query returned them. */
export interface TableData {
  readonly kind: 'table';
  readonly columns: readonly (ResultColumn & { readonly unit: string })[];
  readonly rows: readonly (readonly ScalarCell[])[];
  readonly points: number;
}

export type PanelData = TimeSeriesData | TableData;

const numericTypes = new Set(['DOUBLE', 'BIGINT', 'INTEGER']);
const partitionTypes = new Set(['VARCHAR', 'BOOLEAN']);

/**
 * Turns a query result into chart columns: the first TIMESTAMP column is x; each numeric column is a series;
 * string columns partition the rows into one series per value (Grafana's "partition by values", e.g. one line
 * per measure), labelled by the value. Each series carries the unit of its axis.
 */
export function toTimeSeries(
  result: Pick<QueryResult, 'columns' | 'rows'>,
  context: {
    readonly measure?: string;
    readonly units: MeasureUnits;
    /** Leave out the series without a single value (the panel's Grafana override hides them). */
    readonly hideEmptySeries?: boolean;
  },
): TimeSeriesData {
  const describe = () => result.columns.map((c) => `${c.name}:${c.type}`);
  const timeIndex = result.columns.findIndex((c) => c.type === 'TIMESTAMP');
  if (timeIndex < 0) throw new PanelShapeError(describe(), 'a time series needs a TIMESTAMP column');
  const valueIndexes: number[] = [];
  const partitionIndexes: number[] = [];
  result.columns.forEach((c, i) => {
    if (numericTypes.has(c.type)) valueIndexes.push(i);
    else if (i !== timeIndex && partitionTypes.has(c.type)) partitionIndexes.push(i);
  });
  if (valueIndexes.length === 0)
    throw new PanelShapeError(describe(), 'a time series needs a numeric column');

  const times = new Set<number>();
  for (const row of result.rows) {
    const t = row[timeIndex];
    if (typeof t === 'number') times.add(t);
  }
  const xMs = [...times].sort((a, b) => a - b);
  const slot = new Map(xMs.map((t, i) => [t, i]));

  const series = new Map<string, { label: string; unit: string; values: (number | null)[] }>();
  const seriesFor = (key: string, valueIndex: number) => {
    const id = `${key}\u0000${valueIndex}`;
    let s = series.get(id);
    if (!s) {
      const column = result.columns[valueIndex]!.name;
      const label = key === '' ? column : valueIndexes.length === 1 ? key : `${key} ${column}`;
      const unit =
        key !== '' && context.units[key] !== undefined
          ? context.units[key]
          : columnUnit(column, context.measure, context.units);
      s = { label, unit, values: new Array<number | null>(xMs.length).fill(null) };
      series.set(id, s);
    }
    return s;
  };
  // series of unpartitioned results exist even when every value is null, so that the legend is stable
  if (partitionIndexes.length === 0) for (const v of valueIndexes) seriesFor('', v);
  let points = 0;
  for (const row of result.rows) {
    const t = row[timeIndex];
    if (typeof t !== 'number') continue;
    const key = partitionIndexes.map((i) => String(row[i] ?? 'null')).join(' ');
    for (const v of valueIndexes) {
      const value = row[v];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      seriesFor(key, v).values[slot.get(t)!] = value;
      points++;
    }
  }
  const drawn = context.hideEmptySeries
    ? [...series.values()].filter((s) => s.values.some((v) => v !== null))
    : [...series.values()];
  return {
    kind: 'timeseries',
    x: xMs.map((t) => t / 1000),
    series: drawn.sort((a, b) => (partitionIndexes.length ? a.label.localeCompare(b.label) : 0)),
    points,
  };
}

/** A table panel's data, each column with its unit (time and text columns have none). */
export function toTable(
  result: Pick<QueryResult, 'columns' | 'rows'>,
  context: { readonly measure?: string; readonly units: MeasureUnits },
): TableData {
  return {
    kind: 'table',
    columns: result.columns.map((c) => ({
      ...c,
      unit: numericTypes.has(c.type) ? columnUnit(c.name, context.measure, context.units) : '',
    })),
    rows: result.rows,
    points: result.rows.length,
  };
}
