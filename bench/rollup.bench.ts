/**
 * Rollup: 30 days x 1,000 devices x 3 measures of raw readings aggregated into the daily table (target <= 60 s).
 *
 * Usage: npm run bench -- rollup [--devices 1000] [--days 30] [--per-day 111] [--time-zone UTC]
 * Raw table in the default multi layout: devices x days x per-day MULTI rows of co2, temperature, humidity
 * (1,000 x 30 x 111 = 3.33M rows = 10M measure values). Baseline, in the same run: the same aggregates as one
 * query straight on DuckDB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTimestreamQueryClient, createTimestreamWriteClient } from '#adapters/service-clients';
import { queryAll } from '#adapters/timestream-query';
import { runDailyRollup } from '#consumers/rollup/daily-rollup';
import { addDays, zoneDate, zoneDays } from '#consumers/rollup/zone-days';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { readPipelineConfig } from '#core/config';
import { bulkLoad, multiRawColumns, prepareMultiRawTable, timeOnDuckDb } from './support/bulk-load';
import { startTimestreamChild } from './support/child-services';
import { numberOption, stringOption } from './support/options';

const devices = numberOption('devices', 1000);
const days = numberOption('days', 30);
const perDay = numberOption('per-day', 111);
const timeZone = stringOption('time-zone', 'UTC');

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-rollup-'));
  const dataDir = join(root, 'timestream');
  const config = readPipelineConfig({ ROLLUP_TIMEZONE: timeZone });
  const lastDay = addDays(zoneDate(timeZone, Date.now()), -1);
  const dayList = zoneDays(timeZone, addDays(lastDay, -(days - 1)), lastDay);
  const firstMs = dayList[0]?.startMs as number;
  const spanMs = (dayList.at(-1)?.endMs as number) - firstMs;
  const rows = devices * days * perDay;
  try {
    // 1) tables and their columns through the API, 2) the rows straight into storage
    await prepareMultiRawTable(root, config, firstMs);
    console.log(
      `Loading ${rows.toLocaleString('en-US')} raw MULTI rows (${devices} devices x ${days} days x ${perDay}; ${(rows * 3).toLocaleString('en-US')} measure values) straight into storage`,
    );
    const stepNs = (BigInt(spanMs) * 1_000_000n) / BigInt(days * perDay);
    await bulkLoad(
      dataDir,
      config.database,
      config.rawTable,
      multiRawColumns,
      `SELECT make_timestamp_ns(${BigInt(firstMs) * 1_000_000n} + (r % ${days * perDay}) * ${stepNs}), 'reading', 1,
              'device_' || (r // ${days * perDay}), 400 + (r * 7919) % 800, 20 + ((r * 31) % 100) / 10, 30 + ((r * 17) % 400) / 10
       FROM range(${rows}) t(r)`,
    );
    const baseline = await timeOnDuckDb(
      dataDir,
      async (relation) => `
      WITH raw AS (SELECT * FROM ${await relation(config.rawTable)}),
      v AS (
        SELECT deviceId, 'co2' AS measure, time, co2 AS x FROM raw UNION ALL
        SELECT deviceId, 'temperature', time, temperature FROM raw UNION ALL
        SELECT deviceId, 'humidity', time, humidity FROM raw)
      SELECT deviceId, measure, time_bucket(INTERVAL 1 DAY, time::TIMESTAMP) AS day, avg(x), min(x), max(x), sum(x),
             count(x), arg_min(x, time), arg_max(x, time)
      FROM v WHERE x IS NOT NULL GROUP BY ALL`,
    );

    const timestream = await startTimestreamChild(root);
    const endpoints = { timestreamEndpoint: timestream.endpoint };
    const query = createTimestreamQueryClient(endpoints);
    const sinkClient = createTimestreamWriteClient(endpoints);
    const started = performance.now();
    const reports = await runDailyRollup(
      {
        queryClient: query,
        aggregateSink: new TimestreamReadingSink({
          client: sinkClient,
          database: config.database,
          table: config.aggregateTable,
          concurrency: config.writeConcurrency,
        }),
        database: config.database,
        rawTable: config.rawTable,
      },
      dayList,
      { deadline: Number.POSITIVE_INFINITY, version: Date.now() },
    );
    const seconds = (performance.now() - started) / 1000;
    const groups = reports.reduce((n, r) => n + r.groups, 0);
    const [check] = await queryAll(
      query,
      `SELECT count(*) AS n FROM "${config.database}"."${config.aggregateTable}"`,
    );
    query.destroy();
    sinkClient.destroy();
    await timestream.stop();
    if (check?.n !== groups) throw new Error(`aggregate table holds ${check?.n} rows, expected ${groups}`);

    console.log('');
    console.log(
      `  rollup of ${days} ${timeZone} days through the Query and WriteRecords APIs: ${seconds.toFixed(1)} s (${groups.toLocaleString('en-US')} aggregates written; target <= 60 s)`,
    );
    console.log(
      `  baseline (the same aggregates as one query straight on DuckDB): ${(baseline.ms / 1000).toFixed(1)} s (${baseline.rows.toLocaleString('en-US')} rows); ratio ${(seconds / (baseline.ms / 1000)).toFixed(1)}x`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
