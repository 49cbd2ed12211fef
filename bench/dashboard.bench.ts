/**
 * Dashboard: each daily panel on the aggregate table vs the same chart computed from the raw table (time and bytes scanned).
 *
 * Usage: npm run bench -- dashboard [--days 30] [--devices 1000] [--per-day 1440] [--runs 5]
 * Stores days x devices x per-day readings of co2, temperature and humidity in the MULTI layout, in the order
 * the writer stores them (defaults: one reading a minute per device, 43,200,000 MULTI rows = 129,600,000
 * measure values; `--per-day 111` gives the ~10M values of the rollup benchmark), runs the real daily rollup
 * into the aggregate table,
 * then runs every aggregate panel of the Grafana dashboard (its own SQL, expanded by the dashboard code) and
 * its raw-table equivalent in the same run, and prints per panel: median ms of each, speedup, the bytes
 * scanned the local Timestream reports for each, and their ratio. Also checks that both give the same figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { runDailyRollup } from '#consumers/rollup/daily-rollup';
import { zoneDate, zoneDays } from '#consumers/rollup/zone-days';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { readPipelineConfig } from '#core/config';
import {
  dashboardFiles,
  expandPanelQuery,
  interpolateDashboardVariables,
  listDashboardPanels,
} from '#dashboards/grafana';
import { type QueryResult, runQuery } from '#dashboards/web';
import { bulkLoad, multiRawColumns, prepareMultiRawTable } from './support/bulk-load';
import { startTimestreamChild } from './support/child-services';
import { numberOption } from './support/options';

const days = numberOption('days', 30);
const devices = numberOption('devices', 1000);
const perDay = numberOption('per-day', 1440);
const runs = numberOption('runs', 5);
const config = readPipelineConfig({});
const dayMs = 86_400_000;
const device = `device_${Math.floor(devices / 2)}`;
const measure = 'co2';

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

/**
 * Creates the pipeline's tables through the API (one MULTI record creates the raw table's columns), then
 * bulk-loads the raw readings straight into the raw table's DuckDB storage with the server stopped, as
 * bench/timestream.bench.ts does: millions of magnetic-store records through WriteRecords would take hours.
 */
async function loadRawTable(dataRoot: string, startMs: number): Promise<number> {
  await prepareMultiRawTable(dataRoot, config, startMs);
  const rows = days * devices * perDay;
  const stepNs = BigInt(Math.floor((dayMs * 1_000_000) / perDay));
  // r -> (day, k, device): rows in the order they arrive, time first and the devices interleaved (as the
  // writer stores them), so that no device's readings sit together for the storage to skip to
  await bulkLoad(
    join(dataRoot, 'timestream'),
    config.database,
    config.rawTable,
    multiRawColumns,
    `SELECT make_timestamp_ns(${BigInt(startMs) * 1_000_000n}
              + (r // ${devices * perDay}) * ${BigInt(dayMs) * 1_000_000n}
              + ((r // ${devices}) % ${perDay}) * ${stepNs} + (r % ${devices}) * 1000000),
            'reading', 1, 'device_' || (r % ${devices}),
            400 + (r * 7919) % 800, 18 + ((r * 31) % 100) / 10, 30 + ((r * 17) % 400) / 10
     FROM range(${rows}) t(r)`,
  );
  return rows;
}

/** The chart of each aggregate panel computed from the raw table instead (MULTI layout, UTC days). */
const rawEquivalents: Readonly<Record<number, (raw: string, filter: string) => string>> = {
  2: (raw, filter) =>
    `SELECT bin(time, 1d) AS time, avg(co2) AS "avg", min(co2) AS "min", max(co2) AS "max" FROM ${raw}
     WHERE ${filter} AND measure_name = 'reading' AND deviceId = '${device}' GROUP BY bin(time, 1d) ORDER BY time ASC`,
  3: (raw, filter) =>
    `SELECT bin(time, 1d) AS time, avg(co2) AS "avg", min(co2) AS "min", max(co2) AS "max", sum(co2) AS "sum",
       count(co2) AS "count", min_by(co2, time) AS "first", max_by(co2, time) AS "last" FROM ${raw}
     WHERE ${filter} AND measure_name = 'reading' AND deviceId = '${device}' GROUP BY bin(time, 1d) ORDER BY time DESC`,
  5: (raw, filter) =>
    `SELECT bin(time, 1d) AS time, count(DISTINCT deviceId) AS devices FROM ${raw}
     WHERE ${filter} AND measure_name = 'reading' GROUP BY bin(time, 1d) ORDER BY time ASC`,
  6: (raw, filter) =>
    `SELECT bin(time, 1d) AS time, avg(co2) AS co2, avg(humidity) AS humidity, avg(temperature) AS temperature
     FROM ${raw} WHERE ${filter} AND measure_name = 'reading' GROUP BY bin(time, 1d) ORDER BY time ASC`,
  7: (raw, filter) =>
    `SELECT bin(time, 1d) AS time, avg(co2) AS fleet_avg, min(co2) AS fleet_min, max(co2) AS fleet_max FROM ${raw}
     WHERE ${filter} AND measure_name = 'reading' GROUP BY bin(time, 1d) ORDER BY time ASC`,
};

/** The numbers of a result, flattened in a comparable order (panel 6 pivoted from rows per measure). */
function figures(panelId: number, r: QueryResult, fromRaw: boolean): number[] {
  if (panelId === 6 && !fromRaw) {
    const byMeasure = ['co2', 'humidity', 'temperature'];
    const times = [...new Set(r.rows.map((row) => Number(row[0])))].sort((a, b) => a - b);
    return times.flatMap((t) =>
      byMeasure.map((m) => Number(r.rows.find((row) => Number(row[0]) === t && row[1] === m)?.[2])),
    );
  }
  return r.rows.flatMap((row) => row.slice(1).map(Number));
}

const agree = (a: number[], b: number[]) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-9 * Math.max(1, Math.abs(v)));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(client: TimestreamQueryClient, sql: string, label: string) {
  await runQuery(client, sql, label); // warm-up
  const times: number[] = [];
  let last: QueryResult | undefined;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    last = await runQuery(client, sql, label);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result: last! };
}

const fmtBytes = (n: number) =>
  n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`;

const root = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
let server: Awaited<ReturnType<typeof startTimestreamChild>> | undefined;
try {
  const nowMs = Date.now();
  const endDay = Math.floor(nowMs / dayMs) * dayMs;
  const startMs = endDay - days * dayMs;
  console.log(
    `Raw table: ${days} days x ${devices} devices x ${perDay} readings/day of co2, temperature, humidity = ` +
      `${(days * devices * perDay).toLocaleString('en-US')} MULTI rows (${(3 * days * devices * perDay).toLocaleString('en-US')} values), multi layout; loaded straight into the local Timestream's DuckDB storage.`,
  );
  let t0 = performance.now();
  await loadRawTable(root, startMs);
  console.log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  server = await startTimestreamChild(root);
  const query = new TimestreamQueryClient(clientConfig(server.endpoint));
  const write = new TimestreamWriteClient(clientConfig(server.endpoint));
  t0 = performance.now();
  const reports = await runDailyRollup(
    {
      queryClient: query,
      aggregateSink: new TimestreamReadingSink({
        client: write,
        database: config.database,
        table: config.aggregateTable,
        concurrency: config.writeConcurrency,
      }),
      database: config.database,
      rawTable: config.rawTable,
    },
    zoneDays('UTC', zoneDate('UTC', startMs), zoneDate('UTC', endDay - dayMs)),
    { deadline: Date.now() + 3_600_000, version: Date.now() },
  );
  const written = reports.reduce((s, r) => s + r.written, 0);
  console.log(
    `Rollup (runDailyRollup, UTC days, written through WriteRecords): ${written.toLocaleString('en-US')} daily aggregates in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const dashboard = JSON.parse(readFileSync(dashboardFiles.iotRoomConditions, 'utf8'));
  const panels = listDashboardPanels(dashboard).filter((p) => rawEquivalents[p.panelId] !== undefined);
  const range = { from: startMs, to: nowMs };
  const raw = `"${config.database}"."${config.rawTable}"`;
  const filter = `time BETWEEN from_milliseconds(${range.from}) AND from_milliseconds(${range.to})`;
  const rows: string[][] = [];
  let failures = 0;
  for (const panel of panels) {
    const sql = expandPanelQuery(panel, {
      ...range,
      intervalMs: dayMs,
      nowMs,
      variables: {
        database: config.database,
        raw_table: config.rawTable,
        aggregate_table: config.aggregateTable,
        device,
        measure,
      },
    });
    const aggregate = await timed(query, sql, `panel ${panel.panelId}`);
    const fromRaw = await timed(query, rawEquivalents[panel.panelId]!(raw, filter), `raw ${panel.panelId}`);
    const same = agree(
      figures(panel.panelId, aggregate.result, false),
      figures(panel.panelId, fromRaw.result, true),
    );
    const speedup = fromRaw.ms / aggregate.ms;
    const ratio = fromRaw.result.bytesScanned / Math.max(1, aggregate.result.bytesScanned);
    const met = aggregate.ms < 100 && speedup >= 10 && ratio >= 100;
    if (!met || !same) failures++;
    rows.push([
      `${panel.panelId} ${interpolateDashboardVariables(panel.title, { measure })}`,
      aggregate.ms.toFixed(1),
      fromRaw.ms.toFixed(1),
      `${speedup.toFixed(1)}x`,
      fmtBytes(aggregate.result.bytesScanned),
      fmtBytes(fromRaw.result.bytesScanned),
      `${ratio.toFixed(0)}x`,
      same ? 'yes' : 'NO',
      met ? 'yes' : 'no',
    ]);
  }
  const header = [
    'panel',
    'agg ms',
    'raw ms',
    'speedup',
    'agg bytes',
    'raw bytes',
    'ratio',
    'same figures',
    'targets',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `\nDaily panels, last ${days} days, device ${device}, measure ${measure}: median of ${runs} runs after a warm-up, ` +
      'through the Query API (all pages); bytes = QueryStatus.CumulativeBytesScanned.',
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(
    '\nTargets per panel: aggregate < 100 ms, >= 10x faster and >= 100x fewer bytes scanned than the raw equivalent ' +
      `(baseline: the raw equivalent, measured in the same run). ${rows.length - failures} of ${rows.length} panels meet them.`,
  );
  query.destroy();
  write.destroy();
} finally {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
