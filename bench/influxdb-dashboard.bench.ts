/**
 * InfluxDB dashboard: each daily panel on the aggregate measurement vs the same chart computed from the raw measurement.
 *
 * Usage: npm run bench -- influxdb-dashboard [--days 30] [--devices 100] [--per-day 1440] [--runs 5] [--hot]
 * Starts a real influxd (Debian's InfluxDB 1.x, as `npm start` does) under a temporary directory, writes days x
 * devices x per-day raw readings of co2, temperature and humidity (one point per reading, tag deviceId, float
 * fields, the writer's schema) as line protocol through the v1 write API, runs the real rollup on InfluxDB
 * (runInfluxDailyRollup, UTC days) into the aggregate measurement (one point per device and day, fields
 * `<measure>_<statistic>`), then times every daily panel of the shipped
 * InfluxDB Grafana dashboard (its own InfluxQL, expanded by the dashboard code) and, in the same run, its raw
 * equivalent (`GROUP BY time(1d)` over the raw measurement). Prints per panel the median ms of each, the speedup
 * (target >= 10x) and whether both give the same figures. Before timing, influxd snapshots its write cache to TSM
 * files and finishes compacting (data at rest, as the raw and aggregate points of past days are); `--hot`
 * times the points still in the write cache, as just written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDbClient, type InfluxSeries } from '#adapters/influxdb-client';
import { runInfluxDailyRollup } from '#consumers/rollup/influxdb-daily-rollup';
import { zoneDate, zoneDays } from '#consumers/rollup/zone-days';
import { InfluxDbReadingSink } from '#consumers/writer/influxdb-reading-sink';
import { readPipelineConfig } from '#core/config';
import { influxDbDashboardFile } from '#dashboards/grafana/influxdb-dashboard';
import { expandInfluxDbPanelQuery, listInfluxDbPanelQueries } from '#dashboards/grafana/influxdb-macros';
import { type LocalInfluxdb, startLocalInfluxdb } from '#local/influxdb';
import { waitForDataAtRest } from './support/influxd';
import { numberOption } from './support/options';

const days = numberOption('days', 30);
const devices = numberOption('devices', 100);
const perDay = numberOption('per-day', 1440);
const runs = numberOption('runs', 5);
const config = readPipelineConfig({});
const database = 'bench';
const raw = config.rawTable;
const dayMs = 86_400_000;
const device = `device_${Math.floor(devices / 2)}`;
const measure = 'co2';
const linesPerWrite = 5_000;
const hot = process.argv.includes('--hot');

/** The raw readings as the writer stores them, time first and the devices interleaved. */
async function loadRaw(client: InfluxDbClient, startMs: number): Promise<number> {
  const total = days * devices * perDay;
  const stepMs = Math.floor(dayMs / perDay);
  let batch: string[] = [];
  const inFlight: Promise<void>[] = [];
  const flush = async () => {
    const body = batch.join('\n');
    batch = [];
    inFlight.push(client.write(database, body, 'ms'));
    if (inFlight.length >= 2) await inFlight.shift();
  };
  for (let r = 0; r < total; r++) {
    const day = Math.floor(r / (devices * perDay));
    const k = Math.floor(r / devices) % perDay;
    const d = r % devices;
    const t = startMs + day * dayMs + k * stepMs + d;
    const co2 = 400 + ((r * 7919) % 800);
    const temperature = 18 + ((r * 31) % 100) / 10;
    const humidity = 30 + ((r * 17) % 400) / 10;
    // floats always (a field keeps its first type): `.0` where the value is whole, as the writer sink writes them
    const f = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
    batch.push(
      `${raw},deviceId=device_${d} co2=${f(co2)},humidity=${f(humidity)},temperature=${f(temperature)} ${t}`,
    );
    if (batch.length >= linesPerWrite) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  return total;
}

/** The chart of each daily panel computed from the raw measurement instead (UTC days, the shipped dashboard's zone). */
const rawEquivalents: Readonly<Record<number, (filter: string) => string>> = {
  2: (filter) =>
    `SELECT mean("co2") AS "avg", min("co2") AS "min", max("co2") AS "max" FROM "${raw}"
     WHERE ${filter} AND "deviceId" =~ /^${device}$/ GROUP BY time(1d) fill(none)`,
  3: (filter) =>
    `SELECT mean("co2") AS "avg", min("co2") AS "min", max("co2") AS "max", sum("co2") AS "sum",
       count("co2") AS "count", first("co2") AS "first", last("co2") AS "last" FROM "${raw}"
     WHERE ${filter} AND "deviceId" =~ /^${device}$/ GROUP BY time(1d) fill(none) ORDER BY time DESC`,
  5: (filter) =>
    `SELECT count("reported") AS "devices" FROM (SELECT count("co2") AS "reported" FROM "${raw}"
       WHERE ${filter} GROUP BY time(1d), "deviceId" fill(none)) WHERE ${filter} GROUP BY time(1d) fill(none)`,
  6: (filter) =>
    `SELECT mean("co2") AS "co2", mean("humidity") AS "humidity", mean("temperature") AS "temperature"
     FROM "${raw}" WHERE ${filter} GROUP BY time(1d) fill(none)`,
  7: (filter) =>
    `SELECT mean("co2") AS "fleet_avg", min("co2") AS "fleet_min", max("co2") AS "fleet_max" FROM "${raw}"
     WHERE ${filter} GROUP BY time(1d) fill(none)`,
};

/**
 * The numbers of a result in a comparable order: every column but time, or for panel 6 the columns of the
 * benchmark's measures (the panel has a column per measure of the units registry, empty for the others).
 */
function figures(panelId: number, series: readonly InfluxSeries[]): number[] {
  return series.flatMap((s) => {
    const columns =
      panelId === 6
        ? ['co2', 'humidity', 'temperature'].map((m) => s.columns.indexOf(m))
        : s.columns.map((_, i) => i).slice(1);
    return s.values.flatMap((v) => columns.map((i) => (i < 0 ? Number.NaN : Number(v[i]))));
  });
}

const agree = (a: number[], b: number[]) =>
  a.length > 0 &&
  a.length === b.length &&
  a.every((v, i) => Math.abs(v - b[i]!) <= 1e-9 * Math.max(1, Math.abs(v)));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(client: InfluxDbClient, query: string) {
  await client.query(database, query); // warm-up
  const times: number[] = [];
  let series: readonly InfluxSeries[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const [result] = await client.query(database, query);
    times.push(performance.now() - t0);
    series = result?.series ?? [];
  }
  return { ms: median(times), series };
}

const root = mkdtempSync(join(tmpdir(), 'influxdb-dashboard-bench-'));
let server: LocalInfluxdb | undefined;
try {
  // past days are at rest in TSM files, not in the write cache: let influxd snapshot soon after the writes (by
  // default it waits 10 minutes without writes)
  if (!hot) process.env.INFLUXDB_DATA_CACHE_SNAPSHOT_WRITE_COLD_DURATION = '2s';
  server = await startLocalInfluxdb({ dataDir: root });
  const client = new InfluxDbClient({ url: server.endpoint, timeoutMs: 600_000 });
  await client.createDatabase(database);
  const nowMs = Date.now();
  const endDay = Math.floor(nowMs / dayMs) * dayMs;
  const startMs = endDay - days * dayMs;
  const total = days * devices * perDay;
  console.log(
    `influxd ${server.version}. Raw measurement: ${days} days x ${devices} devices x ${perDay} readings/day of co2, ` +
      `temperature, humidity = ${total.toLocaleString('en-US')} points (${(3 * total).toLocaleString('en-US')} values), ` +
      `written as line protocol (${linesPerWrite} lines per gzip request, 2 in flight).`,
  );
  let t0 = performance.now();
  await loadRaw(client, startMs);
  console.log(`  written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  t0 = performance.now();
  const reports = await runInfluxDailyRollup(
    {
      client,
      database,
      rawMeasurement: raw,
      aggregateSink: new InfluxDbReadingSink({
        client,
        database,
        measurement: config.aggregateTable,
        concurrency: config.writeConcurrency,
      }),
      measures: ['co2', 'humidity', 'temperature'],
    },
    zoneDays('UTC', zoneDate('UTC', startMs), zoneDate('UTC', endDay - dayMs)),
    { deadline: Date.now() + 3_600_000 },
  );
  const written = reports.reduce((s, r) => s + r.written, 0);
  console.log(
    `Rollup (runInfluxDailyRollup, UTC days): ${written.toLocaleString('en-US')} daily aggregates in ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (!hot) {
    t0 = performance.now();
    await waitForDataAtRest(server.endpoint, 900_000);
    console.log(
      `Raw and aggregate points snapshotted and compacted (at rest) after ${((performance.now() - t0) / 1000).toFixed(1)} s more`,
    );
  } else console.log('--hot: the points stay in the write cache, as just written');

  const dashboard = JSON.parse(readFileSync(influxDbDashboardFile, 'utf8'));
  const panels = listInfluxDbPanelQueries(dashboard).filter((p) => rawEquivalents[p.panelId] !== undefined);
  // the rolled-up days only, so that both sides see the same readings
  const range = { from: startMs, to: endDay - 1 };
  const filter = `time >= ${range.from}ms and time <= ${range.to}ms`;
  const rows: string[][] = [];
  let failures = 0;
  for (const panel of panels) {
    const query = expandInfluxDbPanelQuery(panel, {
      ...range,
      intervalMs: dayMs,
      nowMs,
      variables: { raw_measurement: raw, aggregate_measurement: config.aggregateTable, device, measure },
    });
    const aggregate = await timed(client, query);
    const fromRaw = await timed(client, rawEquivalents[panel.panelId]!(filter));
    const same = agree(figures(panel.panelId, aggregate.series), figures(panel.panelId, fromRaw.series));
    const speedup = fromRaw.ms / aggregate.ms;
    const met = speedup >= 10;
    if (!met || !same) failures++;
    rows.push([
      `${panel.panelId} ${panel.title.replace(/\$\{measure\}/, measure)}`,
      aggregate.ms.toFixed(1),
      fromRaw.ms.toFixed(1),
      `${speedup.toFixed(1)}x`,
      same ? 'yes' : 'NO',
      met ? 'yes' : 'no',
    ]);
  }
  const header = ['panel', 'agg ms', 'raw ms', 'speedup', 'same figures', '>= 10x'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `\nDaily panels, last ${days} days, device ${device}, measure ${measure}, data ${hot ? 'in the write cache' : 'at rest'}: ` +
      `median of ${runs} runs after a warm-up, through the v1 /query API (InfluxQL, JSON).`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(
    '\nTarget per panel: the aggregate measurement >= 10x faster than the raw equivalent (baseline: the raw ' +
      `equivalent, measured in the same run), same figures. ${rows.length - failures} of ${rows.length} panels meet it.`,
  );
  if (failures > 0) process.exitCode = 1;
} finally {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
}
