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

/**
 * The local Timestream's tuning from the environment, read the same way by `npm run timestream:local` and
 * `npm start`: TIMESTREAM_JOURNAL_SYNC_MS (fsync interval, default 1000; 0: only on close),
 * TIMESTREAM_APPLY_DELAY_MS (how long journaled writes wait to be applied to DuckDB when no query waits,
 * default 500; 0: at once) and TIMESTREAM_INDEX_DAYS (UTC days per table whose upsert keys stay in memory,
 * default 8).
 *
 * @throws LocalTimestreamSettingError naming the variable when a value is not a whole number in range
 */
export function timestreamTuningFromEnv(env: Record<string, string | undefined>): {
  journalSyncMs?: number;
  applyDelayMs?: number;
  indexDays?: number;
} {
  const journalSyncMs = readWhole(env, 'TIMESTREAM_JOURNAL_SYNC_MS', 0, 'milliseconds');
  const applyDelayMs = readWhole(env, 'TIMESTREAM_APPLY_DELAY_MS', 0, 'milliseconds');
  const indexDays = readWhole(env, 'TIMESTREAM_INDEX_DAYS', 1, 'days');
  return {
    ...(journalSyncMs === undefined ? {} : { journalSyncMs }),
    ...(applyDelayMs === undefined ? {} : { applyDelayMs }),
    ...(indexDays === undefined ? {} : { indexDays }),
  };
}
