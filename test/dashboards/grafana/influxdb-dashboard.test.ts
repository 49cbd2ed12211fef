// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { defaults, type PipelineConfig } from '#core/config';
import { createUnitRegistry } from '#core/units';
import {
  buildInfluxDbDashboard,
  influxDbDashboardFile,
  influxDbDashboardOptions,
} from '#dashboards/grafana/influxdb-dashboard';
import { listInfluxDbPanelQueries } from '#dashboards/grafana/influxdb-macros';

const run = promisify(execFile);
const repoRoot = new URL('../../../', import.meta.url);

interface Override {
  matcher: { id: string; options: unknown };
  properties: { id: string; value: unknown }[];
}
interface Dashboard {
  timezone: string;
  panels: { id: number; fieldConfig?: { overrides: Override[] } }[];
  templating: {
    list: { name: string; type: string; query?: unknown; regex?: string; current?: { value?: unknown } }[];
  };
}

const build = (overrides: Partial<PipelineConfig> = {}) =>
  buildInfluxDbDashboard(
    influxDbDashboardOptions({ ...defaults, ...overrides }, createUnitRegistry()),
  ) as unknown as Dashboard;

const unitOf = (overrides: Override[], displayName: string) =>
  overrides
    .filter(
      (o) =>
        o.matcher.id === 'byRegexp' &&
        new RegExp(/^\/(.*)\/$/.exec(String(o.matcher.options))![1]!).test(displayName),
    )
    .map((o) => o.properties.find((p) => p.id === 'unit')?.value);

describe('the InfluxDB (InfluxQL) Grafana dashboard generator', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('ships the output for the default configuration', () => {
    expect(JSON.parse(readFileSync(influxDbDashboardFile, 'utf8'))).toEqual(
      JSON.parse(
        JSON.stringify(buildInfluxDbDashboard(influxDbDashboardOptions(defaults, createUnitRegistry()))),
      ),
    );
  });

  it('is the only dashboard under dashboards/grafana/influxdb/ (Grafana loads every JSON file of the folder)', () => {
    const folder = new URL('.', influxDbDashboardFile);
    const found = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .map((f) => fileURLToPath(new URL(f, folder)));
    expect(found).toEqual([fileURLToPath(influxDbDashboardFile)]);
  });

  it('uses ROLLUP_TIMEZONE for the dashboard and for the day buckets of the fleet panels', () => {
    const tokyo = build({ rollupTimezone: 'Asia/Tokyo' });
    expect(tokyo.timezone).toBe('Asia/Tokyo');
    const queries = listInfluxDbPanelQueries(tokyo);
    for (const id of [5, 6, 7]) {
      expect(queries.find((q) => q.panelId === id)!.query).toContain("tz('Asia/Tokyo')");
    }
    const utc = build();
    expect(utc.timezone).toBe('utc');
    expect(
      listInfluxDbPanelQueries(utc)
        .map((q) => q.query)
        .join('\n'),
    ).not.toContain('tz(');
  });

  it('names the measurements of the configuration, and fills the device picker from SHOW TAG VALUES and the measure picker from the _avg fields', () => {
    const d = build({ rawTable: 'raw_m', aggregateTable: 'agg_m' });
    const byName = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
    expect(byName.raw_measurement?.current?.value).toBe('raw_m');
    expect(byName.aggregate_measurement?.current?.value).toBe('agg_m');
    expect(byName.device?.query).toBe(
      'SHOW TAG VALUES FROM "${aggregate_measurement}" WITH KEY = "deviceId"',
    );
    expect(byName.measure?.query).toBe('SHOW FIELD KEYS FROM "${aggregate_measurement}"');
    expect(byName.measure?.regex).toBe('/^(.+)_avg$/');
    const rawPanel = listInfluxDbPanelQueries(d).find((q) => q.panelId === 9)!;
    expect(rawPanel.query).toContain('FROM "${raw_measurement}"');
    expect(rawPanel.query).toContain('GROUP BY time($__interval) fill(null)');
  });

  it('reads the aggregate fields <measure>_<statistic> of the selected measure, and no measure tag', () => {
    const queries = new Map(listInfluxDbPanelQueries(build()).map((q) => [q.panelId, q.query]));
    expect(queries.get(2)).toContain('SELECT "${measure}_avg" AS "avg", "${measure}_min" AS "min"');
    expect(queries.get(3)).toContain('"${measure}_count" AS "count"');
    expect(queries.get(7)).toContain('sum("${measure}_sum") / sum("${measure}_count") AS "fleet_avg"');
    // the fleet panel per measure: one column per measure of the units registry
    for (const m of createUnitRegistry().measureNames()) {
      expect(queries.get(6)).toContain(`sum("${m}_sum") / sum("${m}_count") AS "${m}"`);
    }
    for (const [id, q] of queries) expect(q, `panel ${id}`).not.toMatch(/"measure"|\$measure_|\$tag_/);
  });

  it("gives each measure's series the unit of the units registry", () => {
    const d = build();
    const fleet = d.panels.find((p) => p.id === 6)!.fieldConfig!.overrides;
    expect(unitOf(fleet, 'co2')).toEqual(['ppm']);
    expect(unitOf(fleet, 'temperature')).toEqual(['celsius']);
    expect(unitOf(fleet, 'pressure')).toEqual(['pressurehpa']);
    // the measures without data (all values null) are left out of the legend, the tooltip and the chart
    expect(fleet.find((o) => o.matcher.id === 'byValue')).toEqual({
      matcher: { id: 'byValue', options: { reducer: 'allIsNull', op: 'gte', value: 0 } },
      properties: [{ id: 'custom.hideFrom', value: { legend: true, tooltip: true, viz: true } }],
    });
    const raw = d.panels.find((p) => p.id === 9)!.fieldConfig!.overrides;
    expect(unitOf(raw, 'conditions.humidity')).toEqual(['percent']);
  });

  it('writes the dashboard for the configuration in the environment, and stops on a bad value', async () => {
    const out = mkdtempSync(join(tmpdir(), 'influx-dashboard-'));
    dirs.push(out);
    await run('npm', ['run', '-s', 'grafana:influxdb-dashboard', '--', '--out', out], {
      cwd: repoRoot,
      env: { ...process.env, ROLLUP_TIMEZONE: 'Europe/Paris', AGGREGATE_TABLE: 'daily_x' },
    });
    const written = JSON.parse(readFileSync(join(out, 'iot-room-conditions.json'), 'utf8')) as Dashboard;
    expect(written.timezone).toBe('Europe/Paris');
    expect(written.templating.list.find((v) => v.name === 'aggregate_measurement')?.current?.value).toBe(
      'daily_x',
    );
    await expect(
      run('npm', ['run', '-s', 'grafana:influxdb-dashboard', '--', '--out', out], {
        cwd: repoRoot,
        env: { ...process.env, ROLLUP_TIMEZONE: 'Mars/Olympus' },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('ROLLUP_TIMEZONE') });
  }, 60_000);
});
