/**
 * Rollup on InfluxDB: 30 days x 1,000 devices x 3 measures of raw points aggregated into the daily measurement.
 *
 * Usage: npm run bench -- influxdb-rollup [--devices 1000] [--days 30] [--per-day 111] [--time-zone UTC]
 *   [--influxd <path>] [--hot]
 * Starts Debian's influxd (1.x) under a temporary data directory, as `npm start` does with STORAGE=influxdb.
 * Raw measurement: devices x days x per-day points of co2, temperature and humidity (1,000 x 30 x 111 = 3.33M
 * points = 10M field values), loaded straight with raw line-protocol POSTs (gzip, 5,000 lines per request, 4 in
 * flight) for speed, not through the writer, then left to influxd's snapshot and compaction, as older days are
 * (--hot: measured with the points still in the write cache). Then the rollup as the pipeline runs it with STORAGE=influxdb
 * (`rollupFromConfig` with STORAGE=influxdb, as the Lambda, `npm run rollup` and `npm start` run it): per zone day one
 * InfluxQL query, the aggregates written back through the InfluxDB sink (one point per device and day, fields
 * `<measure>_<statistic>`). Baseline, in the same run: the same
 * aggregates as one InfluxQL query over the 30 days (GROUP BY time(1d), deviceId), nothing written back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { aggregateField } from '#consumers/rollup/influxdb-daily-rollup';
import { rollupFromConfig } from '#consumers/rollup/rollup-from-config';
import { addDays, zoneDate, zoneDays } from '#consumers/rollup/zone-days';
import { readPipelineConfig } from '#core/config';
import { startLocalInfluxdb } from '#local/influxdb';
import { countPoints, influxQl, measured, waitForDataAtRest } from './support/influxd';
import { numberOption, stringOption } from './support/options';

const gzip = promisify(gzipCallback);
const devices = numberOption('devices', 1000);
const days = numberOption('days', 30);
const perDay = numberOption('per-day', 111);
const timeZone = stringOption('time-zone', 'UTC');
const influxdBinary = stringOption('influxd', process.env.INFLUXD_PATH || 'influxd');
const linesPerRequest = 5_000;
const hot = process.argv.includes('--hot');
const measures = ['co2', 'humidity', 'temperature'];
const functions = ['mean', 'min', 'max', 'sum', 'count', 'first', 'last'];

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-influxdb-rollup-'));
  // older days are at rest in TSM files, not in the write cache: let influxd snapshot soon after the load
  // (by default it waits 10 minutes without writes)
  if (!hot) process.env.INFLUXDB_DATA_CACHE_SNAPSHOT_WRITE_COLD_DURATION = '2s';
  const influx = await startLocalInfluxdb({ dataDir: join(root, 'influxdb'), binary: influxdBinary });
  const url = influx.endpoint;
  try {
    const config = readPipelineConfig({ STORAGE: 'influxdb', INFLUXDB_URL: url, ROLLUP_TIMEZONE: timeZone });
    const database = config.influxdbDatabase || config.database;
    const lastDay = addDays(zoneDate(timeZone, Date.now()), -1);
    const dayList = zoneDays(timeZone, addDays(lastDay, -(days - 1)), lastDay);
    const firstMs = dayList[0]?.startMs as number;
    const endMs = dayList.at(-1)?.endMs as number;
    const slots = days * perDay;
    const stepMs = Math.floor((endMs - firstMs) / slots);
    const points = devices * slots;

    // 1) the raw points, straight with line protocol, in the order the writer would write them (time slot by
    // time slot, every device in each)
    await influxQl(url, undefined, `CREATE DATABASE "${database}"`, 'POST');
    console.log(
      `Loading ${points.toLocaleString('en-US')} raw points (${devices} devices x ${days} ${timeZone} days x ${perDay}; ${(points * 3).toLocaleString('en-US')} field values) straight into influxd ${influx.version} with line protocol`,
    );
    const requests = Math.ceil(points / linesPerRequest);
    const target = `${url}/write?${new URLSearchParams({ db: database, precision: 'ms' })}`;
    const load = await measured(influx.pid, () =>
      mapWithConcurrency(
        Array.from({ length: requests }, (_, i) => i),
        4,
        async (i) => {
          const lines: string[] = [];
          for (let r = i * linesPerRequest; r < Math.min(points, (i + 1) * linesPerRequest); r++) {
            const slot = Math.floor(r / devices);
            lines.push(
              `${config.rawTable},deviceId=device_${r % devices} co2=${400 + ((r * 7919) % 800)}.0,humidity=${(30 + ((r * 17) % 400) / 10).toFixed(1)},temperature=${(20 + ((r * 31) % 100) / 10).toFixed(1)} ${firstMs + slot * stepMs}`,
            );
          }
          const response = await fetch(target, {
            method: 'POST',
            headers: { 'Content-Encoding': 'gzip' },
            body: new Uint8Array(await gzip(Buffer.from(lines.join('\n')), { level: 1 })),
          });
          const text = await response.text();
          if (response.status !== 204)
            throw new Error(`loading: POST /write answered ${response.status}: ${text}`);
        },
      ),
    );
    const loaded = await countPoints(url, database, config.rawTable, 'co2');
    if (loaded !== points) throw new Error(`the raw measurement holds ${loaded} points, expected ${points}`);
    console.log(
      `  loaded in ${(load.wallMs / 1000).toFixed(1)} s (${Math.round(points / (load.wallMs / 1000)).toLocaleString('en-US')} points/s)`,
    );

    if (!hot) {
      const rest = await measured(influx.pid, () => waitForDataAtRest(url, 600_000));
      console.log(`  snapshotted and compacted after ${(rest.wallMs / 1000).toFixed(1)} s more`);
    } else console.log('  (--hot: the points stay in the write cache, as just-written data)');

    // 2) baseline: the same aggregates as one InfluxQL query over the whole range, nothing written back
    const columns = measures.flatMap((m) => functions.map((f) => `${f}("${m}")`)).join(', ');
    const zone = timeZone === 'UTC' ? '' : ` tz('${timeZone}')`;
    const baselineQuery = `SELECT ${columns} FROM "${config.rawTable}" WHERE time >= ${firstMs}ms AND time < ${endMs}ms GROUP BY time(1d), "deviceId"${zone}`;
    const countAggregates = (result: Awaited<ReturnType<typeof influxQl>>) =>
      (result.results[0]?.series ?? []).reduce(
        (n, s) =>
          n +
          s.values.reduce<number>(
            (k, row) =>
              k +
              measures.filter(
                (_, i) =>
                  typeof row[1 + i * functions.length + 4] === 'number' &&
                  (row[1 + i * functions.length + 4] as number) > 0,
              ).length,
            0,
          ),
        0,
      );
    await influxQl(url, database, baselineQuery); // warm-up (the cache of the shards' index and blocks)
    const baseline = await measured(influx.pid, () => influxQl(url, database, baselineQuery));
    const baselineAggregates = countAggregates(baseline.result);

    // 3) the rollup as the pipeline runs it with STORAGE=influxdb
    const pipelineRollup = rollupFromConfig(config, {}, { units: unitRegistryFromEnv({}) });
    const rollup = await measured(influx.pid, () =>
      pipelineRollup.run(dayList, { deadline: Number.POSITIVE_INFINITY }),
    );
    await pipelineRollup.close();
    const groups = rollup.result.reduce((n, r) => n + r.groups, 0);
    const written = rollup.result.reduce((n, r) => n + r.written, 0);
    // one point per device and day, with the <measure>_<statistic> fields of every measure
    let stored = 0;
    for (const m of measures) {
      stored += await countPoints(url, database, config.aggregateTable, aggregateField(m, 'avg'));
    }
    const { results: pointResults } = await influxQl(
      url,
      database,
      `SELECT count("deviceId") FROM (SELECT "deviceId", /_count$/ FROM "${config.aggregateTable}")`,
    );
    const storedPoints = Number(pointResults[0]?.series?.[0]?.values[0]?.[1] ?? 0);
    const expected = days * devices * measures.length;
    if (
      groups !== expected ||
      written !== expected ||
      stored !== expected ||
      storedPoints !== days * devices ||
      baselineAggregates !== expected
    ) {
      throw new Error(
        `aggregates: rollup found ${groups}, wrote ${written}, the measurement holds ${stored} in ${storedPoints} points, the baseline query found ${baselineAggregates}; expected ${expected} (days x devices x measures) in ${days * devices} points (days x devices)`,
      );
    }

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log('');
    console.log(
      `  rollup of ${days} ${timeZone} days (InfluxQL per day + aggregates written back): ${s(rollup.wallMs)} wall; CPU Node ${s(rollup.ownCpuMs)}, influxd ${s(rollup.serverCpuMs)}; ${stored.toLocaleString('en-US')} aggregates stored in ${storedPoints.toLocaleString('en-US')} points (= ${days} x ${devices}, one per device and day)`,
    );
    console.log(
      `  baseline (the same aggregates as one InfluxQL query, nothing written): ${s(baseline.wallMs)} wall; CPU Node ${s(baseline.ownCpuMs)}, influxd ${s(baseline.serverCpuMs)}`,
    );
    console.log(
      `  ratio rollup / baseline: wall ${(rollup.wallMs / baseline.wallMs).toFixed(2)}x, influxd CPU ${(rollup.serverCpuMs / baseline.serverCpuMs).toFixed(2)}x, total CPU ${((rollup.ownCpuMs + rollup.serverCpuMs) / (baseline.ownCpuMs + baseline.serverCpuMs)).toFixed(2)}x`,
    );
  } finally {
    await influx.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
