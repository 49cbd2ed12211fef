import { LocalTimestreamSettingError } from './errors';

function readWhole(
  env: Record<string, string | undefined>,
  name: string,
  min: number,
  what: string,
): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new LocalTimestreamSettingError(name, value, `must be a whole number of ${what} >= ${min}`);
  }
  return n;
}

/** The local Timestream's tuning read from the environment (absent: the default). */
export interface TimestreamTuning {
  journalSyncMs?: number;
  applyDelayMs?: number;
  indexDays?: number;
  queryTimeoutMs?: number;
  memoryLimitMb?: number;
  threads?: number;
}

/**
 * The local Timestream's tuning from the environment, read the same way by `npm run timestream:local` and
 * `npm start`: TIMESTREAM_JOURNAL_SYNC_MS (fsync interval, default 1000; 0: only on close),
 * TIMESTREAM_APPLY_DELAY_MS (how long journaled writes wait to be applied to DuckDB when no query waits,
 * default 500; 0: at once), TIMESTREAM_INDEX_DAYS (UTC days per table whose upsert keys stay in memory,
 * default 8), TIMESTREAM_QUERY_TIMEOUT_MS (a query still running this long is stopped, default 60000 as
 * Timestream), TIMESTREAM_DUCKDB_MEMORY_MB (DuckDB's memory limit, default a quarter of the machine's memory)
 * and TIMESTREAM_DUCKDB_THREADS (DuckDB's threads, default the number of cores).
 *
 * @throws LocalTimestreamSettingError naming the variable when a value is not a whole number in range
 */
export function timestreamTuningFromEnv(env: Record<string, string | undefined>): TimestreamTuning {
  const read: Array<[keyof TimestreamTuning, number | undefined]> = [
    ['journalSyncMs', readWhole(env, 'TIMESTREAM_JOURNAL_SYNC_MS', 0, 'milliseconds')],
    ['applyDelayMs', readWhole(env, 'TIMESTREAM_APPLY_DELAY_MS', 0, 'milliseconds')],
    ['indexDays', readWhole(env, 'TIMESTREAM_INDEX_DAYS', 1, 'days')],
    ['queryTimeoutMs', readWhole(env, 'TIMESTREAM_QUERY_TIMEOUT_MS', 1, 'milliseconds')],
    ['memoryLimitMb', readWhole(env, 'TIMESTREAM_DUCKDB_MEMORY_MB', 64, 'MiB')],
    ['threads', readWhole(env, 'TIMESTREAM_DUCKDB_THREADS', 1, 'threads')],
  ];
  return Object.fromEntries(read.filter(([, v]) => v !== undefined));
}
