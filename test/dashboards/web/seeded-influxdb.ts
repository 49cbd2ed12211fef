import { expect } from 'vitest';
import { rollupFromConfig } from '#consumers/rollup/rollup-from-config';
import { InfluxDbReadingSink } from '#consumers/writer/influxdb-reading-sink';
import { toWriteChunks } from '#core';
import { type PipelineConfig, readPipelineConfig } from '#core/config';
import type { Reading } from '#core/reading';
import { zoneDate, zoneDays } from '#core/time';
import { createUnitRegistry } from '#core/units';
import { type DashboardServer, panelSourceFromConfig, startDashboardServer } from '#dashboards/web';
import type { TestInfluxd } from '../../helpers/influxd';

/*
 * Readings of three devices every 30 minutes over the six days before the dashboard's "now", for the web
 * dashboard on InfluxDB: written through the writer's InfluxDB sink, rolled up by the rollup STORAGE picks,
 * and kept here as plain numbers so that tests compute the expected figures themselves.
 */

export const dayMs = 86_400_000;
const stepMs = 30 * 60_000;
const seededDays = 6;
export const zone = 'Asia/Tokyo';
/** `room.1` and `roomX1`: an unescaped device filter `/^room.1$/` would match both. */
export const devices = ['room.1', 'roomX1', 'room_b'] as const;
export const measures = ['co2', 'humidity', 'pressure', 'temperature'] as const;
export type Measure = (typeof measures)[number];
export const units: Record<Measure, string> = {
  co2: 'ppm',
  humidity: 'percent',
  pressure: 'hPa',
  temperature: 'degC',
};
// the dashboard's "now": noon UTC today (21:00 in Tokyo), so that today already has readings in the zone
export const nowMs = Math.floor(Date.now() / dayMs) * dayMs + 12 * 3_600_000;

const seededValue = (d: number, i: number, m: Measure) =>
  m === 'co2'
    ? 500 + 200 * d + 40 * Math.sin(i / 7)
    : m === 'temperature'
      ? 20 + d + 2 * Math.sin(i / 9)
      : m === 'humidity'
        ? 40 + 5 * d + Math.cos(i / 5)
        : 1013 + d + (i % 3);

/** Every reading written, as plain numbers to compute the expected figures from. */
export const written: { deviceId: string; timeMs: number; values: Record<Measure, number> }[] = [];
for (let t = nowMs - seededDays * dayMs, i = 0; t < nowMs - 60_000; t += stepMs, i++) {
  for (const [d, deviceId] of devices.entries()) {
    const values = Object.fromEntries(measures.map((m) => [m, seededValue(d, i, m)])) as Record<
      Measure,
      number
    >;
    written.push({ deviceId, timeMs: t + d * 1000, values });
  }
}

/** The zone days the rollup covered, each with the readings in it. */
export const days = zoneDays(zone, zoneDate(zone, nowMs - seededDays * dayMs), zoneDate(zone, nowMs)).map(
  (day) => ({
    ...day,
    readings: written.filter((r) => r.timeMs >= day.startMs && r.timeMs < day.endMs),
  }),
);

export const stats = (values: readonly number[]) => ({
  avg: values.reduce((a, b) => a + b, 0) / values.length,
  min: Math.min(...values),
  max: Math.max(...values),
  count: values.length,
});

export function configFor(influx: TestInfluxd, database: string): PipelineConfig {
  return readPipelineConfig({
    STORAGE: 'influxdb',
    INFLUXDB_URL: influx.server.endpoint,
    INFLUXDB_DATABASE: database,
    ROLLUP_TIMEZONE: zone,
  });
}

export async function writeReadings(influx: TestInfluxd, config: PipelineConfig, readings: typeof written) {
  await influx.client.createDatabase(config.influxdbDatabase);
  const sink = new InfluxDbReadingSink({
    client: influx.client,
    database: config.influxdbDatabase,
    measurement: config.rawTable,
    concurrency: 2,
  });
  const chunks = toWriteChunks(
    readings.map(
      (r): Reading => ({
        deviceId: r.deviceId,
        timeMs: r.timeMs,
        dimensions: { prefecture: 'Tokyo' },
        measures: Object.fromEntries(measures.map((m) => [m, { value: r.values[m], unit: units[m] }])),
      }),
    ),
    { layout: 'multi', version: 1 },
  );
  const outcomes = await sink.write(
    chunks.map((c) => ({ commonAttributes: c.commonAttributes, records: c.records })),
    { deadline: Date.now() + 60_000 },
  );
  expect(new Set(outcomes.flat().map((o) => o.status)), 'raw readings written').toEqual(new Set(['written']));
}

export async function startDashboard(influx: TestInfluxd, config: PipelineConfig): Promise<DashboardServer> {
  return startDashboardServer({
    port: 0,
    source: panelSourceFromConfig(
      config,
      {
        timestreamQuery: () => {
          throw new Error('STORAGE=influxdb must not build a Timestream client');
        },
        influxdb: () => influx.client,
      },
      createUnitRegistry(),
    ),
    rollupSchedule: config.rollupSchedule,
    rollupTimezone: config.rollupTimezone,
    now: () => nowMs,
  });
}

/** Writes every seeded reading into `database` and rolls up every seeded zone day (today's so far included). */
export async function seedInfluxDashboard(influx: TestInfluxd, database: string): Promise<PipelineConfig> {
  const config = configFor(influx, database);
  await writeReadings(influx, config, written);
  const rollup = rollupFromConfig(config, {}, { units: createUnitRegistry() });
  try {
    await rollup.run(days, { deadline: Date.now() + 60_000 });
  } finally {
    rollup.close();
  }
  return config;
}
