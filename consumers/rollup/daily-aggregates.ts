import type { _Record } from '@aws-sdk/client-timestream-write';
import type { QueryRow } from '#adapters/timestream-query';
import { quoteIdentifier, quoteLiteral } from '#adapters/timestream-query';
import type { ZoneDay } from '#core/time';

/**
 * The aggregate table's contract with the dashboards: one MULTI record per (deviceId, measure, day), with
 * dimensions `deviceId` and `measure`, time = the first instant of the zone's calendar day, measure name
 * `daily` and the columns avg, min, max, sum (DOUBLE), count (BIGINT), first, last (DOUBLE).
 */
const dailyMeasureName = 'daily';

export interface DailyAggregate {
  readonly deviceId: string;
  readonly measure: string;
  readonly day: ZoneDay;
  readonly avg: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly count: number;
  readonly first: number;
  readonly last: number;
  /** epoch ms of the first and last reading, used to merge groups */
  readonly firstTime: number;
  readonly lastTime: number;
}

/** Where the numbers of a raw table live, found from its DESCRIBE. */
export interface RawTableShape {
  /** The table has single-measure rows (`measure_name` + `measure_value::double`). */
  readonly singleMeasure: boolean;
  /** Numeric MULTI measure columns that are known measures (the others are not aggregated). */
  readonly multiMeasureColumns: readonly string[];
}

/**
 * Reads a DESCRIBE result (Column, Type, Timestream attribute type) into a {@link RawTableShape}, keeping the
 * MULTI columns named exactly as one of `measures` (the unit registry's): a column that is not a measure of
 * the fleet's schema (left by an older version that took any name; Timestream columns cannot be dropped) is
 * not aggregated.
 */
export function rawTableShape(describeRows: readonly QueryRow[], measures: readonly string[]): RawTableShape {
  const known = new Set(measures);
  let singleMeasure = false;
  const multiMeasureColumns: string[] = [];
  for (const row of describeRows) {
    const column = String(row.Column);
    const type = String(row.Type).toLowerCase();
    const attribute = String(row['Timestream attribute type']).toUpperCase();
    if (column === 'measure_value::double') singleMeasure = true;
    else if (attribute.startsWith('MULTI') && (type === 'double' || type === 'bigint') && known.has(column)) {
      multiMeasureColumns.push(column);
    }
  }
  return { singleMeasure, multiMeasureColumns };
}

/** Timestream's longest query string, in characters (its QueryString constraint). */
export const maxQueryChars = 262_144;

const aggregates = (value: string) =>
  [
    `avg(${value}) AS avg_value`,
    `min(${value}) AS min_value`,
    `max(${value}) AS max_value`,
    `sum(${value}) AS sum_value`,
    `count(${value}) AS count_value`,
    `min_by(${value}, time) AS first_value`,
    `max_by(${value}, time) AS last_value`,
    'min(time) AS first_time',
    'max(time) AS last_time',
  ].join(', ');

const unionAll = ' UNION ALL ';

/**
 * The queries that aggregate one zone day of a raw table per device and known measure, for either layout
 * (both when the table holds both): one SELECT per MULTI column, and for the single layout SELECTs over
 * `measure_name IN (...)` lists of the known measures; the SELECTs are joined with UNION ALL into as few
 * queries as fit in `maxChars` each, however many measures the registry holds. Bounds are half-open:
 * [start, end). No query when there is nothing to aggregate.
 */
export function dailyAggregateQueries(
  database: string,
  rawTable: string,
  shape: RawTableShape,
  measures: readonly string[],
  day: ZoneDay,
  maxChars: number = maxQueryChars,
): string[] {
  const from = `${quoteIdentifier(database)}.${quoteIdentifier(rawTable)}`;
  const inDay = `time >= from_milliseconds(${day.startMs}) AND time < from_milliseconds(${day.endMs})`;
  const parts: string[] = [];
  if (shape.singleMeasure && measures.length > 0) {
    const v = 'measure_value::double';
    const head = `SELECT "deviceId", measure_name AS measure, ${aggregates(v)} FROM ${from} WHERE ${inDay} AND measure_name IN (`;
    const tail = `) AND ${v} IS NOT NULL GROUP BY "deviceId", measure_name`;
    let names: string[] = [];
    let length = head.length + tail.length;
    for (const measure of measures) {
      const literal = quoteLiteral(measure);
      const added = literal.length + (names.length > 0 ? 2 : 0);
      if (names.length > 0 && length + added > maxChars) {
        parts.push(`${head}${names.join(', ')}${tail}`);
        names = [];
        length = head.length + tail.length;
      }
      length += literal.length + (names.length > 0 ? 2 : 0);
      names.push(literal);
    }
    parts.push(`${head}${names.join(', ')}${tail}`);
  }
  for (const column of shape.multiMeasureColumns) {
    const v = `CAST(${quoteIdentifier(column)} AS double)`;
    parts.push(
      `SELECT "deviceId", ${quoteLiteral(column)} AS measure, ${aggregates(v)} FROM ${from} ` +
        `WHERE ${inDay} AND ${quoteIdentifier(column)} IS NOT NULL GROUP BY "deviceId"`,
    );
  }
  const queries: string[] = [];
  let current = '';
  for (const part of parts) {
    if (part.length > maxChars) {
      throw new RangeError(
        `one aggregate SELECT is ${part.length} characters, over the ${maxChars} a query may have: ` +
          'shorten the database, table or measure names',
      );
    }
    if (current === '') current = part;
    else if (current.length + unionAll.length + part.length <= maxChars) current += unionAll + part;
    else {
      queries.push(current);
      current = part;
    }
  }
  if (current !== '') queries.push(current);
  return queries;
}

/** Turns the queries' rows into aggregates, merging a (device, measure) that both layouts hold. */
export function toDailyAggregates(rows: readonly QueryRow[], day: ZoneDay): DailyAggregate[] {
  const byKey = new Map<string, DailyAggregate>();
  for (const row of rows) {
    const next: DailyAggregate = {
      deviceId: String(row.deviceId),
      measure: String(row.measure),
      day,
      avg: Number(row.avg_value),
      min: Number(row.min_value),
      max: Number(row.max_value),
      sum: Number(row.sum_value),
      count: Number(row.count_value),
      first: Number(row.first_value),
      last: Number(row.last_value),
      firstTime: Number(row.first_time),
      lastTime: Number(row.last_time),
    };
    const key = JSON.stringify([next.deviceId, next.measure]);
    const seen = byKey.get(key);
    byKey.set(key, seen ? mergeAggregates(seen, next) : next);
  }
  return [...byKey.values()];
}

function mergeAggregates(a: DailyAggregate, b: DailyAggregate): DailyAggregate {
  const count = a.count + b.count;
  const sum = a.sum + b.sum;
  const [early, late] = a.firstTime <= b.firstTime ? [a, b] : [b, a];
  const lastFrom = a.lastTime >= b.lastTime ? a : b;
  return {
    ...a,
    count,
    sum,
    avg: sum / count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    first: early.first,
    firstTime: Math.min(early.firstTime, late.firstTime),
    last: lastFrom.last,
    lastTime: lastFrom.lastTime,
  };
}

/**
 * The aggregate table record of one (device, measure, day). `version` (the run's time in ms) makes a re-run
 * overwrite the day, so that late data is folded in.
 */
export function toAggregateRecord(aggregate: DailyAggregate, version: number): _Record {
  const double = (Name: string, value: number) => ({ Name, Value: String(value), Type: 'DOUBLE' as const });
  return {
    Dimensions: [
      { Name: 'deviceId', Value: aggregate.deviceId },
      { Name: 'measure', Value: aggregate.measure },
    ],
    MeasureName: dailyMeasureName,
    MeasureValueType: 'MULTI',
    MeasureValues: [
      double('avg', aggregate.avg),
      double('min', aggregate.min),
      double('max', aggregate.max),
      double('sum', aggregate.sum),
      { Name: 'count', Value: String(aggregate.count), Type: 'BIGINT' },
      double('first', aggregate.first),
      double('last', aggregate.last),
    ],
    Time: String(aggregate.day.startMs),
    TimeUnit: 'MILLISECONDS',
    Version: version,
  };
}
