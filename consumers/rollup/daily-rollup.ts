import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { _Record } from '@aws-sdk/client-timestream-write';
import { queryAll, quoteIdentifier } from '#adapters/timestream-query';
import type { ZoneDay } from '#core/time';
import { builtInMeasures } from '#core/units';
import { oneOutcomePerItem, type ReadingSink, type WriteRequest } from '../writer/reading-sink';
import {
  type DailyAggregate,
  dailyAggregateQueries,
  rawTableShape,
  toAggregateRecord,
  toDailyAggregates,
} from './daily-aggregates';

export interface DailyRollupDeps {
  readonly queryClient: TimestreamQueryClient;
  /** Writes into the aggregate table. */
  readonly aggregateSink: ReadingSink;
  readonly database: string;
  readonly rawTable: string;
  /**
   * The measures to aggregate: the unit registry's (`units.measureNames()`), the fleet schema's columns.
   * Columns of the raw table that are not among them are left alone. @default the built-in measures
   */
  readonly measures?: readonly string[];
  readonly log?: (message: string, details: Record<string, unknown>) => void;
}

export interface DayReport {
  readonly date: string;
  readonly startMs: number;
  readonly endMs: number;
  /** (device, measure) groups aggregated */
  readonly groups: number;
  readonly written: number;
  readonly problems: readonly string[];
}

/** The rollup could not write every aggregate: the days listed must be run again. */
class RollupIncompleteError extends Error {
  override readonly name = 'RollupIncompleteError';
  constructor(readonly days: readonly DayReport[]) {
    super(
      `rollup incomplete for ${days.map((d) => d.date).join(', ')}: ${days
        .flatMap((d) => d.problems)
        .slice(0, 3)
        .join('; ')}`,
    );
  }
}

const recordsPerRequest = 100;

/**
 * Aggregates each zone day of the raw table into the aggregate table (one MULTI record per device, known
 * measure and day; the day's SELECTs split into queries under Timestream's length limit), overwriting earlier runs of the same day through a higher Version. Days with no data write
 * nothing. Throws {@link RollupIncompleteError} after trying every day if any aggregate was not written.
 */
export async function runDailyRollup(
  deps: DailyRollupDeps,
  days: readonly ZoneDay[],
  options: {
    readonly deadline: number;
    readonly version: number;
    readonly onDay?: (report: DayReport) => void;
  },
): Promise<DayReport[]> {
  const { queryClient, aggregateSink, database, rawTable, log } = deps;
  const describe = await queryAll(
    queryClient,
    `DESCRIBE ${quoteIdentifier(database)}.${quoteIdentifier(rawTable)}`,
  );
  const measures = deps.measures ?? Object.keys(builtInMeasures.measures).sort();
  const shape = rawTableShape(describe, measures);
  const reports: DayReport[] = [];
  for (const day of days) {
    const rows = [];
    for (const sql of dailyAggregateQueries(database, rawTable, shape, measures, day)) {
      rows.push(...(await queryAll(queryClient, sql)));
    }
    const aggregates = toDailyAggregates(rows, day);
    const report = await writeDayAggregates(aggregateSink, aggregates, day, {
      version: options.version,
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

/**
 * The records of a day's aggregates, each with the aggregates it carries: one record per aggregate on
 * Timestream (the default); the InfluxDB rollup writes one point per device carrying all its measures.
 */
export type AggregateRecords = (
  aggregates: readonly DailyAggregate[],
  version: number,
) => { readonly record: _Record; readonly aggregates: readonly DailyAggregate[] }[];

const recordPerAggregate: AggregateRecords = (aggregates, version) =>
  aggregates.map((a) => ({ record: toAggregateRecord(a, version), aggregates: [a] }));

/**
 * Writes one zone day's aggregates to the aggregate sink, `perRequest` records a request, and reports what was
 * written and why the rest was not (both stores' rollups), counting (device, measure) aggregates whatever
 * records carry them.
 */
export async function writeDayAggregates(
  sink: ReadingSink,
  aggregates: readonly DailyAggregate[],
  day: ZoneDay,
  options: {
    readonly version: number;
    readonly perRequest: number;
    readonly deadline: number;
    readonly toRecords?: AggregateRecords;
  },
): Promise<DayReport> {
  const records = (options.toRecords ?? recordPerAggregate)(aggregates, options.version);
  const requests: WriteRequest[] = [];
  for (let i = 0; i < records.length; i += options.perRequest) {
    requests.push({ records: records.slice(i, i + options.perRequest).map((r) => r.record) });
  }
  const outcomes = await sink.write(requests, { deadline: options.deadline });
  const problems: string[] = [];
  let written = 0;
  // every record is accounted for: a request answered with another number of outcomes than records (the sink
  // broke its port) has none of its records taken as written
  requests.forEach((request, r) => {
    const perRecord = oneOutcomePerItem(
      outcomes[r],
      request.records.length,
      () =>
        new Error(
          'no outcome from the sink for its record (the sink adapter is at fault); run the day again',
        ),
    );
    perRecord.forEach((outcome, i) => {
      const carried = records[r * options.perRequest + i]?.aggregates ?? [];
      if (outcome.status === 'written') written += carried.length;
      else {
        const why = outcome.status === 'rejected' ? outcome.reason : outcome.error.message;
        for (const a of carried) problems.push(`${a.deviceId}/${a.measure}/${day.date}: ${why}`);
      }
    });
  });
  return {
    date: day.date,
    startMs: day.startMs,
    endMs: day.endMs,
    groups: aggregates.length,
    written,
    problems,
  };
}

/** Throws {@link RollupIncompleteError} when any day has aggregates that were not written. */
export function throwIfIncomplete(reports: readonly DayReport[]): void {
  const incomplete = reports.filter((r) => r.problems.length > 0);
  if (incomplete.length > 0) throw new RollupIncompleteError(incomplete);
}
