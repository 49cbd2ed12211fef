import { type InfluxDbClient, quoteIdentifier } from '#adapters/influxdb-client';
import type { PipelineConfig } from '#core/config';
import type { ZoneDay } from '#core/time';
import { InfluxDbReadingSink } from '../writer/influxdb-reading-sink';
import type { ReadingSink } from '../writer/reading-sink';
import type { DailyAggregate } from './daily-aggregates';
import { type DayReport, throwIfIncomplete, writeDayAggregates } from './daily-rollup';

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

const functions = ['mean', 'min', 'max', 'sum', 'count', 'first', 'last'] as const;
const recordsPerRequest = 5_000;

/**
 * The InfluxQL of one zone day: every function of the aggregate contract for every measure, per device, over
 * `[startMs, endMs)`. Only InfluxQL that InfluxDB 3 supports (MEAN, MIN, MAX, SUM, COUNT, FIRST, LAST, a time
 * range, GROUP BY a tag); no SELECT ... INTO: the aggregates are written back by the writer's sink.
 *
 * @example
 * dailyAggregateInfluxQl('conditions', ['co2'], { date: '2022-04-20', startMs: 1650412800000, endMs: 1650499200000 })
 * // SELECT mean("co2") AS "co2|mean", ... FROM "conditions" WHERE time >= 1650412800000ms AND time < 1650499200000ms GROUP BY "deviceId"
 */
function dailyAggregateInfluxQl(measurement: string, measures: readonly string[], day: ZoneDay): string {
  const columns = measures.flatMap((m) =>
    functions.map((f) => `${f}(${quoteIdentifier(m)}) AS ${quoteIdentifier(`${m}|${f}`)}`),
  );
  return (
    `SELECT ${columns.join(', ')} FROM ${quoteIdentifier(measurement)} ` +
    `WHERE time >= ${day.startMs}ms AND time < ${day.endMs}ms GROUP BY ${quoteIdentifier('deviceId')}`
  );
}

/**
 * The rollup on InfluxDB: the same zone days and aggregate contract as on Timestream (avg, min, max, sum, count,
 * first, last per device, measure and day), read with InfluxQL from the raw measurement and written to the
 * aggregate measurement with tags `deviceId` and `measure` at the day's first instant; re-rolling a day writes
 * the same series and time again, which replaces the earlier aggregates. Days without data write nothing.
 * Fails after trying every day if any aggregate was not written.
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
    const cell = (measure: string, f: (typeof functions)[number]) => {
      const value = row[series.columns.indexOf(`${measure}|${f}`)];
      return typeof value === 'number' ? value : undefined;
    };
    for (const measure of measures) {
      const count = cell(measure, 'count');
      if (count === undefined || count === 0) continue;
      const numbers = functions.map((f) => cell(measure, f));
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
