import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyRollup } from '#consumers/rollup/daily-rollup';
import { RecordLayout } from '#core/config';
import { lookbackDays } from '#core/time';
import {
  expandGrafanaMacros,
  expandPanelQuery,
  listDashboardPanels,
  listDashboardVariables,
  shippedDashboards,
} from '#dashboards/grafana';
import { runQuery } from '#dashboards/web';
import { dailyRollupDeps, startTimestreamStack, type TimestreamStack } from '../../consumers/local-stack';
import { writeThroughWriter } from '../../helpers/local-writer';
import { fleetReadings } from '../../helpers/readings';

const dayMs = 86_400_000;
const hourMs = 3_600_000;
const stepMs = 30 * 60_000;
const seededDays = 5;
const devices = ['room_a', 'room_b', 'room_c'] as const;
const measures = ['co2', 'humidity', 'pressure', 'temperature'] as const;
/** co2 of device d: around 500 + 200 d ppm. */
const co2 = (d: number, i: number) => 500 + 200 * d + 40 * Math.sin(i / 7);

/** The time ranges a viewer picks, Grafana's quick ranges (the dashboard's zone is UTC by default). */
const ranges = (nowMs: number) => {
  const today = Math.floor(nowMs / dayMs) * dayMs;
  return {
    'Last 24 hours': { from: nowMs - dayMs, to: nowMs },
    Today: { from: today, to: nowMs },
    'Last 7 days': { from: nowMs - 7 * dayMs, to: nowMs },
    'Last 30 days': { from: nowMs - 30 * dayMs, to: nowMs },
    'Previous month': { from: today - 60 * dayMs, to: today - 30 * dayMs },
  } as const;
};

/**
 * A local Timestream written by the writer in `layout` (readings of three devices every 30 minutes over the
 * last five days), with the real daily rollup run over the days before today.
 */
async function startPipeline(layout: RecordLayout, nowMs: number): Promise<TimestreamStack> {
  const stack = await startTimestreamStack({ RECORD_LAYOUT: layout });
  try {
    const readings = fleetReadings(
      devices,
      { fromMs: nowMs - seededDays * dayMs, toMs: nowMs - 60_000, stepMs },
      (d, i) => ({
        co2: co2(d, i),
        temperature: 20 + d + 2 * Math.sin(i / 9),
        humidity: 40 + 5 * d,
        pressure: 1013 + d,
      }),
    );
    await writeThroughWriter(stack, readings, { layout });
    await runDailyRollup(dailyRollupDeps(stack), lookbackDays('UTC', nowMs, seededDays), {
      deadline: Date.now() + 60_000,
      version: Date.now(),
    });
    return stack;
  } catch (error) {
    await stack.close();
    throw error;
  }
}

describe('the shipped dashboards', () => {
  it('are all listed with their record layout, and every layout has one', () => {
    // Prepare: every JSON file under dashboards/grafana/ that is a Grafana dashboard
    const root = new URL('../../../dashboards/grafana/', import.meta.url);
    const found = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      // influxdb/: the InfluxDB data source's dashboard, checked by influxdb-dashboard.test.ts
      .filter((f) => !f.startsWith('influxdb/'))
      .filter((f) => 'panels' in (JSON.parse(readFileSync(new URL(f, root), 'utf8')) as object))
      .map((f) => fileURLToPath(new URL(f, root)))
      .sort();
    // Assess
    expect(found).toEqual(shippedDashboards.map((d) => fileURLToPath(d.file)).sort());
    expect(new Set(shippedDashboards.map((d) => d.layout))).toEqual(new Set(Object.values(RecordLayout)));
  });
});

describe.each(Object.values(RecordLayout))(
  'every shipped dashboard for RECORD_LAYOUT=%s on a local pipeline',
  (layout) => {
    const nowMs = Date.now();
    let stack: TimestreamStack;
    const dashboards = shippedDashboards
      .filter((d) => d.layout === layout)
      .map((d) => ({ file: d.file.pathname, json: JSON.parse(readFileSync(d.file, 'utf8')) as unknown }));
    const names = () => ({
      database: stack.config.database,
      raw_table: stack.config.rawTable,
      aggregate_table: stack.config.aggregateTable,
    });

    beforeAll(async () => {
      stack = await startPipeline(layout, nowMs);
    });
    afterAll(() => stack?.close());

    /** Runs every query variable of a dashboard over a range, as Grafana does on load: name -> options. */
    const pickers = async (json: unknown, range: { from: number; to: number }) => {
      const out: Record<string, string[]> = {};
      for (const v of listDashboardVariables(json)) {
        if (v.kind !== 'query') continue;
        const sql = expandGrafanaMacros(v.rawQuery, { ...range, intervalMs: 60_000, variables: names() });
        const result = await runQuery(stack.query, sql, `variable ${v.name}`);
        out[v.name] = result.rows.map((row) => String(row[0])).sort();
      }
      return out;
    };

    it('has a dashboard for this layout', () => {
      expect(dashboards.length).toBeGreaterThan(0);
    });

    it("fills the device and measure pickers with the fleet's devices and measures whatever the range", async () => {
      for (const { file, json } of dashboards) {
        for (const [name, range] of Object.entries(ranges(nowMs))) {
          expect(await pickers(json, range), `${file}, ${name}`).toEqual({
            device: [...devices],
            measure: [...measures],
          });
        }
      }
    });

    it('runs every panel with every picker choice over every range without an error, and shows the seeded days', async () => {
      const failures: string[] = [];
      const empty: string[] = [];
      for (const { file, json } of dashboards) {
        const panels = listDashboardPanels(json);
        expect(panels.length, file).toBeGreaterThan(0);
        for (const [rangeName, range] of Object.entries(ranges(nowMs))) {
          const options = await pickers(json, range);
          // a picker with no choice is None in Grafana, and the panels then run with '' (as here)
          const choices = (name: string) => (options[name]?.length ? options[name] : ['']);
          for (const device of choices('device')) {
            for (const measure of choices('measure')) {
              for (const panel of panels) {
                const where = `${file}: panel ${panel.panelId} "${panel.title}", ${rangeName}, ${device}/${measure}`;
                try {
                  const sql = expandPanelQuery(panel, {
                    ...range,
                    intervalMs: 300_000,
                    nowMs,
                    variables: { ...names(), device, measure },
                  });
                  const result = await runQuery(stack.query, sql, 'panel');
                  if (rangeName === 'Last 7 days' && result.rows.length === 0) empty.push(where);
                } catch (error) {
                  failures.push(`${where}: ${(error as Error).message}`);
                }
              }
            }
          }
        }
      }
      expect(failures).toEqual([]);
      expect(empty).toEqual([]);
    });

    it('draws the raw readings of the selected device and measure in the last 24 hours', async () => {
      for (const { file, json } of dashboards) {
        const raw = listDashboardPanels(json).find((p) => p.timeFrom === '24h');
        expect(raw, `${file} has a last-24-hours panel`).toBeDefined();
        const sql = expandPanelQuery(raw!, {
          from: nowMs - 30 * dayMs,
          to: nowMs,
          intervalMs: hourMs,
          nowMs,
          variables: { ...names(), device: 'room_c', measure: 'co2' },
        });
        const result = await runQuery(stack.query, sql, file);
        const values = result.rows.map((row) =>
          Number(row[result.columns.findIndex((c) => c.name === 'co2')]),
        );
        // hourly bins over 24 hours of readings every 30 minutes; room_c's co2 is 900 +- 40 ppm
        expect(values.length).toBeGreaterThanOrEqual(23);
        for (const v of values) expect(v > 850 && v < 950, `room_c co2 ${v}`).toBe(true);
      }
    });
  },
);
