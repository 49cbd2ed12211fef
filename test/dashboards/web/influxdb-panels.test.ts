import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneDayStartMs } from '#core/time';
import { createUnitRegistry } from '#core/units';
import { buildInfluxDbDashboard, influxDbDashboardOptions } from '#dashboards/grafana/influxdb-dashboard';
import {
  createPanelService,
  type DashboardServer,
  type PanelInfo,
  type PanelResponse,
  type TableData,
  type TimeSeriesData,
  type VariableOptions,
} from '#dashboards/web';
import { createInfluxDbPanelSource } from '#dashboards/web/influxdb-panel-source';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd';
import {
  configFor,
  dayMs,
  days,
  devices,
  measures,
  nowMs,
  seedInfluxDashboard,
  startDashboard,
  stats,
  units,
  writeReadings,
  written,
  zone,
} from './seeded-influxdb';

/*
 * The local web dashboard with STORAGE=influxdb, over HTTP, against a real influxd: readings written through the
 * writer's InfluxDB sink, aggregates written by the real rollup (the port STORAGE picks), and every panel of
 * the InfluxDB Grafana dashboard (built by its generator for this configuration) answered by the dashboard
 * server. The expected figures are computed here from the readings written, not read back from InfluxDB, and
 * no query or aggregate field name is written here: the test holds whatever schema the rollup and the
 * dashboard agree on.
 */

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

let influx: TestInfluxd;
let dashboard: DashboardServer;
let fresh: DashboardServer;

beforeAll(async () => {
  influx = await startTestInfluxd();
  // the rollup as STORAGE picks it, over every seeded zone day (today's so far included)
  dashboard = await startDashboard(influx, await seedInfluxDashboard(influx, 'dashboard'));
  // a pipeline whose rollup has not run yet: raw readings of one device over the last two hours only
  const freshConfig = configFor(influx, 'fresh');
  await writeReadings(
    influx,
    freshConfig,
    written.filter((r) => r.deviceId === 'room_b' && r.timeMs > nowMs - 2 * 3_600_000),
  );
  fresh = await startDashboard(influx, freshConfig);
}, 120_000);

afterAll(async () => {
  await dashboard?.close();
  await fresh?.close();
  await influx?.close();
});

const panel = async (server: DashboardServer, id: number, query: Record<string, string>) => {
  const { status, body } = await getJson<PanelResponse>(
    `${server.url}/api/panels/${id}?${new URLSearchParams({ maxDataPoints: '1440', ...query })}`,
  );
  expect(status, `panel ${id}: ${JSON.stringify(body)}`).toBe(200);
  return body;
};

/** A time series' values by x (epoch ms), of the series whose label matches. */
function seriesByX(data: TimeSeriesData, label: RegExp): Map<number, number> {
  const matching = data.series.filter((s) => label.test(s.label));
  expect(
    matching.map((s) => s.label),
    `one series ${label} among ${data.series.map((s) => s.label)}`,
  ).toHaveLength(1);
  const out = new Map<number, number>();
  matching[0]!.values.forEach((v, i) => {
    if (v !== null) out.set(data.x[i]! * 1000, v);
  });
  return out;
}

/** The days whose start lies in the range, as the daily panels show them. */
const daysIn = (from: number, to: number) => days.filter((d) => d.startMs >= from && d.startMs <= to);

describe('the web dashboard on InfluxDB (STORAGE=influxdb), over HTTP, on a real influxd', () => {
  it('lays out every panel of the InfluxDB Grafana dashboard, and says queries are not billed', async () => {
    const { body } = await getJson<{ panels: PanelInfo[] }>(
      `${dashboard.url}/api/panels?device=room.1&measure=co2`,
    );
    expect(body.panels.map((p) => [p.id, p.type, p.source])).toEqual([
      [2, 'timeseries', 'aggregate'],
      [3, 'table', 'aggregate'],
      [5, 'timeseries', 'aggregate'],
      [6, 'timeseries', 'aggregate'],
      [7, 'timeseries', 'aggregate'],
      [9, 'timeseries', 'raw'],
    ]);
    expect(body.panels.find((p) => p.id === 9)).toMatchObject({
      title: 'room.1: co2, last 24 hours',
      width: 24,
    });
    expect(body.panels.find((p) => p.id === 2)?.row).toBe('Device room.1: co2 (daily aggregates)');
    const html = await (await fetch(`${dashboard.url}/`)).text();
    expect(html).toContain(`<body data-time-zone="${zone}" data-query-billing="instance">`);
  });

  it('fills the device and measure pickers with every device and measure', async () => {
    const { body } = await getJson<{ variables: VariableOptions[] }>(
      `${dashboard.url}/api/variables?range=30d`,
    );
    expect(body.variables.map((v) => [v.name, v.source, v.options])).toEqual([
      ['device', 'aggregate', [...devices].sort()],
      ['measure', 'aggregate', [...measures]],
    ]);
  });

  it('draws the daily average, minimum and maximum of the selected device and measure, one point per zone day', async () => {
    for (const device of ['room.1', 'roomX1'] as const) {
      for (const measure of ['co2', 'temperature'] as const) {
        const response = await panel(dashboard, 2, { range: '7d', device, measure });
        expect(response.bytesScanned, 'InfluxDB reports no bytes scanned').toBeUndefined();
        expect(response.sql).toContain(device.replace('.', '\\.'));
        const data = response.data as TimeSeriesData;
        expect(data.kind).toBe('timeseries');
        expect(data.series.every((s) => s.unit === units[measure])).toBe(true);
        const expected = daysIn(response.range.from, response.range.to);
        expect(data.x.map((x) => x * 1000)).toEqual(expected.map((d) => d.startMs));
        const [avg, min, max] = [/avg|mean/, /min/, /max/].map((label) => seriesByX(data, label));
        for (const day of expected) {
          const s = stats(day.readings.filter((r) => r.deviceId === device).map((r) => r.values[measure]));
          expect(avg!.get(day.startMs), `${device} ${measure} ${day.date}`).toBeCloseTo(s.avg, 9);
          expect(min!.get(day.startMs)).toBe(s.min);
          expect(max!.get(day.startMs)).toBe(s.max);
        }
        // the x axis spans whole zone days: from noon to noon around the first and last day's midnight
        for (const edge of [response.xRange.from, response.xRange.to]) {
          expect(zoneDayStartMs(zone, edge + dayMs / 2)).toBe(edge + dayMs / 2);
        }
      }
    }
  });

  it('lists the daily summary newest first, with each day of the device and measure', async () => {
    const response = await panel(dashboard, 3, { range: '30d', device: 'room_b', measure: 'humidity' });
    const data = response.data as TableData;
    expect(data.kind).toBe('table');
    const column = (name: RegExp) => {
      const i = data.columns.findIndex((c) => name.test(c.name));
      expect(i, `a column ${name} in ${data.columns.map((c) => c.name)}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const [time, avg, count] = [column(/^time$/), column(/avg|mean/), column(/count/)];
    expect(data.columns[time]!.type).toBe('TIMESTAMP');
    const expected = [...days].reverse();
    expect(data.rows.map((r) => r[time])).toEqual(expected.map((d) => d.startMs));
    data.rows.forEach((row, i) => {
      const s = stats(
        expected[i]!.readings.filter((r) => r.deviceId === 'room_b').map((r) => r.values.humidity),
      );
      expect(row[avg] as number).toBeCloseTo(s.avg, 9);
      expect(row[count]).toBe(s.count);
    });
  });

  it('counts the devices reporting per day, and draws the fleet averages per measure and the fleet extremes', async () => {
    const range = { range: '7d', device: 'room.1', measure: 'co2' };
    const reporting = await panel(dashboard, 5, range);
    const expected = daysIn(reporting.range.from, reporting.range.to);
    const perDay = seriesByX(reporting.data as TimeSeriesData, /devices/);
    expect([...perDay]).toEqual(
      expected.map((d) => [d.startMs, new Set(d.readings.map((r) => r.deviceId)).size]),
    );

    const fleet = await panel(dashboard, 6, range);
    const fleetData = fleet.data as TimeSeriesData;
    expect(fleetData.series.map((s) => [s.label, s.unit])).toEqual(measures.map((m) => [m, units[m]]));
    for (const measure of measures) {
      const byDay = seriesByX(fleetData, new RegExp(`^${measure}$`));
      for (const day of expected) {
        expect(byDay.get(day.startMs), `${measure} ${day.date}`).toBeCloseTo(
          stats(day.readings.map((r) => r.values[measure])).avg,
          9,
        );
      }
    }

    const extremes = await panel(dashboard, 7, { ...range, measure: 'pressure' });
    const data = extremes.data as TimeSeriesData;
    const [avg, min, max] = [/avg/, /min/, /max/].map((label) => seriesByX(data, label));
    for (const day of expected) {
      const s = stats(day.readings.map((r) => r.values.pressure));
      expect(avg!.get(day.startMs)).toBeCloseTo(s.avg, 9);
      expect([min!.get(day.startMs), max!.get(day.startMs)]).toEqual([s.min, s.max]);
    }
    expect(data.series.every((s) => s.unit === 'hPa')).toBe(true);
  });

  it("draws the device's raw readings of the last 24 hours, one per minute bin, whatever range is picked", async () => {
    const response = await panel(dashboard, 9, { range: '30d', device: 'room.1', measure: 'temperature' });
    expect(response.range).toEqual({ from: nowMs - dayMs, to: nowMs });
    expect(response.xRange).toEqual(response.range);
    const data = response.data as TimeSeriesData;
    expect(data.series.map((s) => [s.label, s.unit])).toEqual([['temperature', 'degC']]);
    // a minute's bin per point (the panel's 1m minimum interval), every reading in its own bin
    expect(response.intervalMs).toBe(60_000);
    const expected = written
      .filter((r) => r.deviceId === 'room.1' && r.timeMs >= nowMs - dayMs && r.timeMs <= nowMs)
      .map((r) => [Math.floor(r.timeMs / 60_000) * 60_000, r.values.temperature]);
    expect([...seriesByX(data, /temperature/)]).toEqual(expected);
    expect(data.points).toBe(expected.length);
  });

  it('says why a panel is empty: nothing selected, no readings for a device, a range without a day', async () => {
    const unselected = await panel(dashboard, 2, { range: '7d' });
    expect(unselected.sql).toBeNull();
    expect(unselected.empty).toMatch(/^No device or measure to show/);
    const unknown = await panel(dashboard, 9, { range: '7d', device: 'room_z', measure: 'co2' });
    expect(unknown.data?.points ?? 0).toBe(0);
    expect(unknown.empty).toBe('No readings in the last 24 h for device room_z, measure co2.');
    const past = await panel(dashboard, 5, {
      from: String(nowMs - 60 * dayMs),
      to: String(nowMs - 30 * dayMs),
    });
    expect(past.data?.points ?? 0).toBe(0);
    expect(past.empty).toMatch(
      /^No daily aggregates in the last 30 days: the rollup runs on cron\(15 0 \* \* \? \*\)/,
    );
  });

  it('before the first rollup: pickers from the raw measurement, the raw panel drawn, daily panels say to run the rollup', async () => {
    const { body } = await getJson<{ variables: VariableOptions[] }>(`${fresh.url}/api/variables?range=7d`);
    expect(body.variables.map((v) => [v.name, v.source, v.options])).toEqual([
      ['device', 'raw', ['room_b']],
      ['measure', 'raw', [...measures]],
    ]);
    const selection = { range: '7d', device: 'room_b', measure: 'co2' };
    for (const id of [2, 3, 5, 6, 7]) {
      const response = await panel(fresh, id, selection);
      expect(response.data?.points ?? 0, `panel ${id}`).toBe(0);
      expect(response.empty, `panel ${id}`).toMatch(
        /^No daily aggregates .* run `npm run rollup` to aggregate now\.$/,
      );
    }
    const raw = await panel(fresh, 9, selection);
    expect(raw.data?.points).toBe(4);
  });

  it("answers 502 with InfluxDB's message and the InfluxQL when a query fails", async () => {
    const missing = await startDashboard(influx, configFor(influx, 'no_such_database'));
    try {
      const { status, body } = await getJson<{ error: { name: string; message: string; sql: string } }>(
        `${missing.url}/api/panels/9?range=7d&device=room.1&measure=co2`,
      );
      expect(status).toBe(502);
      expect(body.error.name).toBe('PanelQueryError');
      expect(body.error.message).toMatch(/^panel 9 .*: InfluxQlError: database not found: no_such_database/);
      expect(body.error.sql).toMatch(/FROM "conditions"/);
    } finally {
      await missing.close();
    }
  });

  it("runs a dashboard's other Grafana forms: custom and regex-filtered variables, a panel with two targets", async () => {
    const config = configFor(influx, 'dashboard');
    const json = buildInfluxDbDashboard(influxDbDashboardOptions(config, createUnitRegistry())) as {
      templating: { list: Record<string, unknown>[] };
      panels: { id: number; targets?: { refId: string; query: string }[] }[];
    };
    for (const v of json.templating.list) {
      if (v.name === 'measure') Object.assign(v, { type: 'custom', query: 'temperature,CO2 : co2' });
      if (v.name === 'device') Object.assign(v, { regex: '/^room(.*)$/', sort: 2 });
    }
    const raw = json.panels.find((p) => p.id === 9)!;
    const [first] = raw.targets!;
    raw.targets!.push({ ...first!, refId: 'B', query: first!.query.replaceAll('$measure', 'humidity') });
    const service = createPanelService(
      createInfluxDbPanelSource({
        client: influx.client,
        database: config.influxdbDatabase,
        rawMeasurement: config.rawTable,
        aggregateMeasurement: config.aggregateTable,
        dashboard: json,
      }),
      { rollupTimezone: zone, now: () => nowMs },
    );
    const variables = await service.variables({ from: nowMs - 7 * dayMs, to: nowMs });
    expect(variables.map((v) => [v.name, v.options])).toEqual([
      ['device', ['_b', 'X1', '.1']],
      ['measure', ['temperature', 'co2']],
    ]);
    const response = await service.runPanel('9', {
      from: nowMs - 7 * dayMs,
      to: nowMs,
      device: 'room_b',
      measure: 'co2',
      maxDataPoints: 1440,
    });
    const data = response.data as TimeSeriesData;
    expect(data.series.map((s) => [s.label, s.unit])).toEqual([
      ['co2', 'ppm'],
      ['humidity', 'percent'],
    ]);
    const expected = written.filter((r) => r.deviceId === 'room_b' && r.timeMs >= nowMs - dayMs);
    expect([...seriesByX(data, /humidity/).values()]).toEqual(expected.map((r) => r.values.humidity));
    expect(response.sql?.split(';\n')).toHaveLength(2);
  });
});
