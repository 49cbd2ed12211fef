/**
 * `npm run timestream:local`: serves the local Timestream on 127.0.0.1:${TIMESTREAM_PORT:-8100} with its data
 * in ${DATA_DIR:-./.data}/timestream. TIMESTREAM_HOST listens elsewhere (explicitly only), and
 * TIMESTREAM_ALLOWED_HOSTS (comma-separated names) adds names it answers to besides loopback;
 * TIMESTREAM_FAULTS=throttle:0.2,internal:0.05 fails that share of WriteRecords calls on purpose.
 * TIMESTREAM_JOURNAL_SYNC_MS (default 1000; 0: only on close) fsyncs the write journal that often, for
 * OS-crash durability; TIMESTREAM_APPLY_DELAY_MS (default 500; 0: at once) waits that long before applying
 * journaled writes to DuckDB when no query waits for them; TIMESTREAM_INDEX_DAYS (default 8) UTC days per
 * table keep their upsert keys in memory. TIMESTREAM_QUERY_TIMEOUT_MS (default 60000) stops a longer query;
 * TIMESTREAM_DUCKDB_MEMORY_MB (default a quarter of RAM) and TIMESTREAM_DUCKDB_THREADS (default the cores)
 * bound DuckDB.
 */
import { join, resolve } from 'node:path';
import { LocalTimestreamSettingError } from './errors';
import { parseFaultRates } from './operations/faults';
import { timestreamTuningFromEnv } from './settings-from-env';
import { startLocalTimestream } from './start-local-timestream';

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 8100;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalTimestreamSettingError('TIMESTREAM_PORT', value, 'must be a whole number 0..65535');
  }
  return port;
}

async function main(): Promise<void> {
  const port = readPort(process.env.TIMESTREAM_PORT);
  const host = process.env.TIMESTREAM_HOST || '127.0.0.1';
  const faults = parseFaultRates(process.env.TIMESTREAM_FAULTS);
  const dataDir = join(resolve(process.env.DATA_DIR || './.data'), 'timestream');
  const tuning = timestreamTuningFromEnv(process.env);
  const allowedHosts = (process.env.TIMESTREAM_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const service = await startLocalTimestream({ port, host, dataDir, faults, allowedHosts, ...tuning });
  const stop = (signal: string) => {
    console.log(`${signal}: closing the local Timestream`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('local Timestream: close failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  console.log(`local Timestream listening on ${service.endpoint} (data in ${dataDir})`);
  if (faults.throttle > 0 || faults.internal > 0) {
    console.log(
      `faults on purpose: throttle ${faults.throttle}, internal ${faults.internal} of WriteRecords calls`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
