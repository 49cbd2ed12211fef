import { LocalTimestreamSettingError } from './errors';

function readMs(env: Record<string, string | undefined>, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new LocalTimestreamSettingError(name, value, 'must be a whole number of milliseconds >= 0');
  }
  return ms;
}

/**
 * The journal's timing from the environment, read the same way by `npm run timestream:local` and `npm start`:
 * TIMESTREAM_JOURNAL_SYNC_MS (fsync interval, default 1000; 0: only on close) and TIMESTREAM_APPLY_DELAY_MS
 * (how long journaled writes wait to be applied to DuckDB when no query waits, default 500; 0: at once).
 *
 * @throws LocalTimestreamSettingError naming the variable when a value is not a whole number >= 0
 */
export function journalSettingsFromEnv(env: Record<string, string | undefined>): {
  journalSyncMs?: number;
  applyDelayMs?: number;
} {
  const journalSyncMs = readMs(env, 'TIMESTREAM_JOURNAL_SYNC_MS');
  const applyDelayMs = readMs(env, 'TIMESTREAM_APPLY_DELAY_MS');
  return {
    ...(journalSyncMs === undefined ? {} : { journalSyncMs }),
    ...(applyDelayMs === undefined ? {} : { applyDelayMs }),
  };
}
