import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfluxSeries } from '#adapters/influxdb-client';
import { runInfluxDailyRollup } from '#consumers/rollup/influxdb-daily-rollup';
import { zoneDate, zoneDays } from '#consumers/rollup/zone-days';
import { InfluxDbReadingSink } from '#consumers/writer/influxdb-reading-sink';
import { toWriteChunks } from '#core';
import { defaults } from '#core/config';
import { createUnitRegistry } from '#core/units';
import {
  buildInfluxDbDashboard,
  influxDbDashboardFile,
  influxDbDashboardOptions,
} from '#dashboards/grafana/influxdb-dashboard';
import {
  expandInfluxDbPanelQuery,
  expandInfluxQlMacros,
  influxDbVariableValues,
  listInfluxDbPanelQueries,
  listInfluxDbVariables,
} from '#dashboards/grafana/influxdb-macros';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd';
import { readingFactory } from '../../helpers/readings';

const dayMs = 86_400_000;
const stepMs = 30 * 60_000;
const seededDays = 6;
/** `room.1` and `roomX1`: an unescaped `/^room.1$/` would match both, so the device filter must be escaped. */
const devices = ['room.1', 'roomX1', 'room_b'] as const;
const measures = ['co2', 'humidity', 'pressure', 'temperature'] as const;
const raw = defaults.rawTable;
const aggregate = defaults.aggregateTable;

/** The time ranges a viewer picks: all but the last hold daily points (today's is rolled up too). */
const ranges = (nowMs: number) =>
  ({
    'Last 24 hours': { from: nowMs - dayMs, to: nowMs, hasDays: true },
    'Last 7 days': { from: nowMs - 7 * dayMs, to: nowMs, hasDays: true },
    'Last 30 days': { from: nowMs - 30 * dayMs, to: nowMs, hasDays: true },
    'Previous month': { from: nowMs - 60 * dayMs, to: nowMs - 30 * dayMs, hasDays: false },
  }) as const;

/** Grafana's interval for a panel: range / max data points, never under the panel's minimum (1m here). */
const intervalFor = (from: number, to: number, maxDataPoints = 1440) =>
  Math.max(60_000, (to - from) / maxDataPoints);

const pointsOf = (series: readonly InfluxSeries[] | undefined) =>
  (series ?? []).reduce((n, s) => n + s.values.filter((v) => v.slice(1).some((x) => x !== null)).length, 0);

describe('the InfluxDB Grafana dashboard on a real influxd, with data from the writer and the rollup', () => {
  let influx: TestInfluxd;
  // the dashboard's "now": noon UTC today (21:00 in Tokyo), whatever the clock when the test runs, so that
  // today already has readings in both zones and "Last 24 hours" holds today's daily point (right after a
  // midnight, a real "now" would find today empty and yesterday's point just outside the range)
  const nowMs = Math.floor(Date.now() / dayMs) * dayMs + 12 * 3_600_000;
  /** One database per dashboard zone: the same raw readings, rolled up into the zone's days. */
  const zones = { utc: 'UTC', tokyo: 'Asia/Tokyo' } as const;
  type Db = keyof typeof zones;

  const select = async (database: Db, query: string) => {
    const [result] = await influx.client.query(database, query);
    return result?.series ?? [];
  };

  beforeAll(async () => {
    influx = await startTestInfluxd();
    const readings = [];
    for (let t = nowMs - seededDays * dayMs, i = 0; t < nowMs - 60_000; t += stepMs, i++) {
      for (const [d, deviceId] of devices.entries()) {
        readings.push(
          readingFactory({
            deviceId,
            timeMs: t + d * 1000,
            dimensions: { prefecture: 'Tokyo' },
            measures: {
              co2: { value: 500 + 200 * d + 40 * Math.sin(i / 7), unit: 'ppm' },
              temperature: { value: 20 + d + 2 * Math.sin(i / 9), unit: 'degC' },
              humidity: { value: 40 + 5 * d, unit: 'percent' },
              pressure: { value: 1013 + d, unit: 'hPa' },
            },
          }),
        );
      }
    }
    const chunks = toWriteChunks(readings, { layout: 'multi', version: 1 });
    for (const [database, zone] of Object.entries(zones)) {
      const sink = (measurement: string) =>
        new InfluxDbReadingSink({ client: influx.client, database, measurement, concurrency: 2 });
      const outcomes = await sink(raw).write(
        chunks.map((c) => ({ commonAttributes: c.commonAttributes, records: c.records })),
        { deadline: Date.now() + 60_000 },
      );
      expect(new Set(outcomes.flat().map((o) => o.status)), `raw readings written to ${database}`).toEqual(
        new Set(['written']),
      );
      // every day with readings, today's (so far) included, as the scheduled rollup redoes it
      const days = zoneDays(zone, zoneDate(zone, nowMs - seededDays * dayMs), zoneDate(zone, nowMs));
      await runInfluxDailyRollup(
        {
          client: influx.client,
          database,
          rawMeasurement: raw,
          aggregateSink: sink(aggregate),
          measures: [...measures],
        },
        days,
        { deadline: Date.now() + 60_000 },
      );
    }
  }, 120_000);
  afterAll(async () => {
    await influx?.close();
  });

  const dashboards = () =>
    [
      {
        name: 'shipped (UTC)',
        db: 'utc' as Db,
        json: JSON.parse(readFileSync(influxDbDashboardFile, 'utf8')),
      },
      {
        name: 'generated for ROLLUP_TIMEZONE=Asia/Tokyo',
        db: 'tokyo' as Db,
        json: buildInfluxDbDashboard(
          influxDbDashboardOptions({ ...defaults, rollupTimezone: 'Asia/Tokyo' }, createUnitRegistry()),
        ),
      },
    ] as const;

  it('fills the device picker from SHOW TAG VALUES and the measure picker from the _avg fields, with every device and measure', async () => {
    for (const { name, db, json } of dashboards()) {
      const variables = listInfluxDbVariables(json);
      const values = Object.fromEntries(
        variables.flatMap((v) => (v.kind === 'value' ? [[v.name, v.value]] : [])),
      ) as Record<string, string>;
      expect(values, name).toEqual({ raw_measurement: raw, aggregate_measurement: aggregate });
      const pickers: Record<string, string[]> = {};
      for (const v of variables) {
        if (v.kind !== 'query') continue;
        const query = expandInfluxQlMacros(v.query, {
          from: nowMs - 30 * dayMs,
          to: nowMs,
          intervalMs: 60_000,
          variables: values,
        });
        // the values Grafana offers: SHOW TAG VALUES' value column, SHOW FIELD KEYS' keys through the regex
        pickers[v.name] = influxDbVariableValues(v, await select(db, query)).sort();
      }
      expect(pickers, name).toEqual({ device: [...devices].sort(), measure: [...measures] });
    }
  });

  it('runs every panel query for every device, measure and range without an error, and returns data where there is some', async () => {
    let ran = 0;
    for (const { name, db, json } of dashboards()) {
      const panels = listInfluxDbPanelQueries(json);
      expect(
        panels.map((p) => p.panelId),
        name,
      ).toEqual([2, 3, 5, 6, 7, 9]);
      for (const [rangeName, range] of Object.entries(ranges(nowMs))) {
        for (const device of devices) {
          for (const measure of measures) {
            for (const panel of panels) {
              const variables = { raw_measurement: raw, aggregate_measurement: aggregate, device, measure };
              const query = expandInfluxDbPanelQuery(panel, {
                ...range,
                intervalMs: intervalFor(range.from, range.to),
                nowMs,
                variables,
              });
              expect(query, `${name} panel ${panel.panelId}: every macro and variable expanded`).not.toMatch(
                /\$(\w|\{)|\[\[/,
              );
              const series = await select(db, query).catch((error: Error) => {
                throw new Error(
                  `${name}, ${rangeName}, ${device}/${measure}, panel ${panel.panelId} "${panel.title}": ${error.message}`,
                );
              });
              ran++;
              // the raw panel always shows the last 24 hours; the daily panels show data when days are in range
              const expectData = panel.timeFrom !== undefined || range.hasDays;
              if (expectData) {
                expect(
                  pointsOf(series),
                  `${name}, ${rangeName}, ${device}/${measure}, panel ${panel.panelId}: ${query}`,
                ).toBeGreaterThan(0);
              }
            }
          }
        }
      }
    }
    expect(ran).toBe(2 * 4 * devices.length * measures.length * 6);
  }, 120_000);

  it('shows the figures of the selected device, measure and zone day', async () => {
    for (const { name, db, json } of dashboards()) {
      const zone = zones[db];
      const panels = new Map(listInfluxDbPanelQueries(json).map((p) => [p.panelId, p]));
      const range = { from: nowMs - 7 * dayMs, to: nowMs };
      const run = (panelId: number, device: string, measure: string) =>
        select(
          db,
          expandInfluxDbPanelQuery(panels.get(panelId)!, {
            ...range,
            intervalMs: 600_000,
            nowMs,
            variables: { raw_measurement: raw, aggregate_measurement: aggregate, device, measure },
          }),
        );
      // a full zone day: yesterday in the zone
      const [day] = zoneDays(zone, zoneDate(zone, nowMs - dayMs), zoneDate(zone, nowMs - dayMs));
      const [rawDay] = await select(
        db,
        `SELECT mean("co2"), min("co2"), max("co2") FROM "${raw}" WHERE "deviceId" = 'room.1' AND time >= ${day!.startMs}ms AND time < ${day!.endMs}ms`,
      );
      const [expectedAvg, expectedMin, expectedMax] = rawDay!.values[0]!.slice(1) as number[];

      // panel 2: room.1 only (roomX1 is not matched), one point per day at the zone day's start
      const [daily] = await run(2, 'room.1', 'co2');
      const times = daily!.values.map((v) => v[0]);
      expect(new Set(times).size, `${name}: one point per day`).toBe(times.length);
      const row = daily!.values.find((v) => v[0] === day!.startMs);
      expect(row, `${name}: a point at ${new Date(day!.startMs).toISOString()}`).toBeDefined();
      expect(row![1]).toBeCloseTo(expectedAvg!, 9);
      expect(row!.slice(2)).toEqual([expectedMin, expectedMax]);

      // panel 5: the three devices on every full day
      const [reporting] = await run(5, 'room.1', 'co2');
      expect(reporting!.values.find((v) => v[0] === day!.startMs)?.[1], `${name}: devices that day`).toBe(3);

      // panel 6: a column per measure of the registry, with values for the measures stored, each the fleet's
      // mean of that day; panel 7: the fleet mean and extremes of co2 that day equal the raw ones
      const [fleetRaw] = await select(
        db,
        `SELECT ${measures.map((m) => `mean("${m}") AS "${m}"`).join(', ')}, min("co2"), max("co2") FROM "${raw}" WHERE time >= ${day!.startMs}ms AND time < ${day!.endMs}ms`,
      );
      const rawOf = (column: string) => fleetRaw!.values[0]![fleetRaw!.columns.indexOf(column)] as number;
      const [perMeasure] = await run(6, 'room.1', 'co2');
      expect(perMeasure!.columns, name).toEqual(['time', ...createUnitRegistry().measureNames()]);
      const perMeasureRow = perMeasure!.values.find((v) => v[0] === day!.startMs)!;
      const withData = perMeasure!.columns.filter((_, i) => i > 0 && perMeasureRow[i] !== null);
      expect(withData, name).toEqual([...measures]);
      for (const m of measures) {
        expect(perMeasureRow[perMeasure!.columns.indexOf(m)], `${name}: fleet ${m}`).toBeCloseTo(rawOf(m), 9);
      }
      const [fleet] = await run(7, 'room.1', 'co2');
      const fleetRow = fleet!.values.find((v) => v[0] === day!.startMs)!;
      expect(fleetRow[1]).toBeCloseTo(rawOf('co2'), 9);
      expect(fleetRow.slice(2)).toEqual([rawOf('min'), rawOf('max')]);
    }
  });
});
