import { type DailyRollupDeps, type DayReport, runDailyRollup } from './daily-rollup';
import { type InfluxDailyRollupDeps, runInfluxDailyRollup } from './influxdb-daily-rollup';
import type { ZoneDay } from './zone-days';

/** What one run of a {@link DailyRollup} is given. */
export interface DailyRollupRun {
  /** Epoch ms by which the writes must be done (the Lambda's remaining time; Infinity for the commands). */
  readonly deadline: number;
  /** Called after each day, with what it aggregated and wrote. */
  readonly onDay?: (report: DayReport) => void;
}

/**
 * The rollup port: aggregates zone days of the raw data into the aggregate table or measurement (the same
 * contract, `avg min max sum count first last` per device, measure and day, on either store), overwriting a
 * re-rolled day. Both stores implement it; `rollupFromConfig` (rollup-from-config.ts) picks one from STORAGE, and the
 * rollup Lambda, `npm run rollup`, `npm run replay` and `npm start` all run it. Fails after trying every day
 * when any aggregate was not written.
 */
export interface DailyRollup {
  /** What it reads, for messages: e.g. `Timestream "RoomCondition"."conditions" on http://127.0.0.1:8100`. */
  readonly description: string;
  run(days: readonly ZoneDay[], options: DailyRollupRun): Promise<DayReport[]>;
  /** Releases its clients. */
  close(): void;
}

/** The rollup on Timestream for LiveAnalytics: SQL per zone day, MULTI records with a Version of the run's time. */
export function timestreamDailyRollup(deps: DailyRollupDeps, where: string, close = () => {}): DailyRollup {
  return {
    description: `Timestream "${deps.database}"."${deps.rawTable}" on ${where}`,
    run: (days, options) =>
      runDailyRollup(deps, days, {
        deadline: options.deadline,
        version: Date.now(),
        ...(options.onDay ? { onDay: options.onDay } : {}),
      }),
    close,
  };
}

/** The rollup on InfluxDB: InfluxQL per zone day, points of the aggregate measurement at each day's first instant. */
export function influxDailyRollup(deps: InfluxDailyRollupDeps): DailyRollup {
  return {
    description: `InfluxDB database "${deps.database}", measurement "${deps.rawMeasurement}" on ${deps.client.url}`,
    run: (days, options) => runInfluxDailyRollup(deps, days, options),
    close: () => {},
  };
}
