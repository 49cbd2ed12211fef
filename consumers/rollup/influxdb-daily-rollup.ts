import { type InfluxDbClient, quoteIdentifier } from '#adapters/influxdb-client';
import type { PipelineConfig } from '#core/config';
import type { ZoneDay } from '#core/time';
import { InfluxDbReadingSink } from '../writer/influxdb-reading-sink';
import type { ReadingSink } from '../writer/reading-sink';
import type { DailyAggregate } from './daily-aggregates';
import { type AggregateRecords, type DayReport, throwIfIncomplete, writeDayAggregates } from './daily-rollup';

/** What the rollup on InfluxDB reads and writes (STORAGE=influxdb). */
export interface InfluxDailyRollupDeps {
  readonly client: InfluxDbClient;
  readonly database: string;
  /** The raw measurement (RAW_TABLE). */
  readonly rawMeasurement: string;
  /** Writes the aggregate measurement (an InfluxDbReadingSink on AGGREGATE_TABLE). */
  readonly aggregateSink: ReadingSink;
  /** The measures to aggregate: the unit registry's; fields of the raw measurement not among them are left alone. */
  readonly measures: readonly string[];
  readonly log?: (message: string, details: Record<string, unknown>) => void;
}

/** The statistics of the aggregate contract, in its order, and the InfluxQL function of each. */
const statistics = [
  ['avg', 'mean'],
  ['min', 'min'],
  ['max', 'max'],
  ['sum', 'sum'],
  ['count', 'count'],
  ['first', 'first'],
  ['last', 'last'],
] as const;
type Statistic = (typeof statistics)[number][0];
const recordsPerRequest = 5_000;

/**
 * The field of the aggregate measurement that holds one statistic of one measure: `<measure>_<statistic>`
 * (`co2_avg`, `co2_count`). No two (measure, statistic) pairs share a field: the statistics hold no `_`, so the
 * last `_` of a field always separates the measure (letters, digits and `_`, as the unit registry allows) from
 * the statistic (`x_avg_min` is measure `x_avg`, statistic `min`). The dashboards name the same fields
 * (`"${measure}_avg"`) and list the measures from the fields ending in `_avg`.
 */
export const aggregateField = (measure: string, statistic: Statistic): string => `${measure}_${statistic}`;

/**
 * The InfluxQL of one zone day: every statistic of the aggregate contract for every measure, per device, over
 * `[startMs, endMs)`, named as the aggregate measurement's fields. Only InfluxQL that InfluxDB 3 supports
 * (MEAN, MIN, MAX, SUM, COUNT, FIRST, LAST, a time range, GROUP BY a tag); no SELECT ... INTO: the aggregates
 * are written back by the writer's sink.
 *
 * @example
 * dailyAggregateInfluxQl('conditions', ['co2'], { date: '2022-04-20', startMs: 1650412800000, endMs: 1650499200000 })
 * // SELECT mean("co2") AS "co2_avg", ... FROM "conditions" WHERE time >= 1650412800000ms AND time < 1650499200000ms GROUP BY "deviceId"
 */
function dailyAggregateInfluxQl(measurement: string, measures: readonly string[], day: ZoneDay): string {
  const columns = measures.flatMap((m) =>
    statistics.map(([s, f]) => `${f}(${quoteIdentifier(m)}) AS ${quoteIdentifier(aggregateField(m, s))}`),
  );
  return (
    `SELECT ${columns.join(', ')} FROM ${quoteIdentifier(measurement)} ` +
    `WHERE time >= ${day.startMs}ms AND time < ${day.endMs}ms GROUP BY ${quoteIdentifier('deviceId')}`
  );
}

/**
 * One point per device and day: tag `deviceId`, fields `<measure>_<statistic>` of every measure the device
 * reported that day (count an integer, the others floats), time = the day's first instant.
 */
const pointPerDevice: AggregateRecords = (aggregates) => {
  const byDevice = new Map<string, DailyAggregate[]>();
  for (const a of aggregates) {
    const list = byDevice.get(a.deviceId);
    if (list) list.push(a);
    else byDevice.set(a.deviceId, [a]);
  }
  return [...byDevice].map(([deviceId, carried]) => ({
    aggregates: carried,
    record: {
      Dimensions: [{ Name: 'deviceId', Value: deviceId }],
      MeasureName: 'daily',
      MeasureValueType: 'MULTI',
      MeasureValues: carried.flatMap((a) =>
        statistics.map(([s]) => ({
          Name: aggregateField(a.measure, s),
          Value: String(a[s]),
          Type: s === 'count' ? ('BIGINT' as const) : ('DOUBLE' as const),
        })),
      ),
      Time: String(carried[0]!.day.startMs),
      TimeUnit: 'MILLISECONDS',
    },
  }));
};

/**
 * The rollup on InfluxDB: the same zone days and aggregate contract as on Timestream (avg, min, max, sum, count,
 * first, last per device, measure and day), read with InfluxQL from the raw measurement and written to the
 * aggregate measurement as one point per device and day (tag `deviceId`, fields {@link aggregateField}, time =
 * the day's first instant): one series per device, so the daily panels read as many series as there are
 * devices, not devices x measures. The raw measurement's other tags (the dimensions) are not kept, as on
 * Timestream: a device's day is aggregated over all its readings. Re-rolling a day writes the same series and
 * time again, which replaces the fields written before. Days without data write nothing. Reports count
 * (device, measure) aggregates. Fails after trying every day if any aggregate was not written.
 */
export async function runInfluxDailyRollup(
  deps: InfluxDailyRollupDeps,
  days: readonly ZoneDay[],
  options: { readonly deadline: number; readonly onDay?: (report: DayReport) => void },
): Promise<DayReport[]> {
  const { client, database, rawMeasurement, aggregateSink, log } = deps;
  const [keys] = await client.query(database, `SHOW FIELD KEYS FROM ${quoteIdentifier(rawMeasurement)}`);
  const stored = new Set((keys?.series?.[0]?.values ?? []).map((v) => String(v[0])));
  const measures = deps.measures.filter((m) => stored.has(m)).sort();
  const reports: DayReport[] = [];
  for (const day of days) {
    const aggregates = measures.length === 0 ? [] : await dayAggregates(deps, measures, day);
    const report = await writeDayAggregates(aggregateSink, aggregates, day, {
      version: 1,
      perRequest: recordsPerRequest,
      deadline: options.deadline,
      toRecords: pointPerDevice,
    });
    log?.('rollup day done', { ...report, problems: report.problems.slice(0, 5) });
    options.onDay?.(report);
    reports.push(report);
  }
  throwIfIncomplete(reports);
  return reports;
}

async function dayAggregates(
  deps: InfluxDailyRollupDeps,
  measures: readonly string[],
  day: ZoneDay,
): Promise<DailyAggregate[]> {
  const [result] = await deps.client.query(
    deps.database,
    dailyAggregateInfluxQl(deps.rawMeasurement, measures, day),
  );
  const aggregates: DailyAggregate[] = [];
  for (const series of result?.series ?? []) {
    const deviceId = series.tags?.deviceId;
    const row = series.values[0];
    if (deviceId === undefined || deviceId === '' || row === undefined) continue;
    const cell = (measure: string, s: Statistic) => {
      const value = row[series.columns.indexOf(aggregateField(measure, s))];
      return typeof value === 'number' ? value : undefined;
    };
    for (const measure of measures) {
      const count = cell(measure, 'count');
      if (count === undefined || count === 0) continue;
      const numbers = statistics.map(([s]) => cell(measure, s));
      if (numbers.some((n) => n === undefined)) continue;
      const [avg, min, max, sum, , first, last] = numbers as number[];
      aggregates.push({
        deviceId,
        measure,
        day,
        avg: avg!,
        min: min!,
        max: max!,
        sum: sum!,
        count,
        first: first!,
        last: last!,
        firstTime: day.startMs,
        lastTime: day.endMs,
      });
    }
  }
  return aggregates;
}

/**
 * The rollup on InfluxDB as the configuration names it (INFLUXDB_DATABASE, RAW_TABLE, AGGREGATE_TABLE), with
 * the client of INFLUXDB_URL (see `rollupFromConfig`, which builds it with the token).
 */
export function influxRollupDepsFromConfig(
  config: PipelineConfig,
  client: InfluxDbClient,
  measures: readonly string[],
  log?: InfluxDailyRollupDeps['log'],
): InfluxDailyRollupDeps {
  const database = config.influxdbDatabase || config.database;
  return {
    client,
    database,
    rawMeasurement: config.rawTable,
    aggregateSink: new InfluxDbReadingSink({
      client,
      database,
      measurement: config.aggregateTable,
      concurrency: config.writeConcurrency,
    }),
    measures,
    ...(log ? { log } : {}),
  };
}
