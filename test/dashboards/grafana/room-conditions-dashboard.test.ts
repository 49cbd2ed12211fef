// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { defaults, type PipelineConfig, type RecordLayout } from '#core/config';
import { createUnitRegistry } from '#core/units';
import {
  buildRoomConditionsDashboard,
  grafanaUnit,
  measureUnitOverrides,
  roomConditionsDashboardOptions,
  shippedDashboards,
} from '#dashboards/grafana';
import { fieldOptions, matcherRegExp } from './field-config';

const run = promisify(execFile);
const repoRoot = new URL('../../../', import.meta.url);

interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Record<string, unknown>[];
  fieldConfig?: {
    defaults: Record<string, unknown> & { custom?: Record<string, unknown> };
    overrides: Override[];
  };
  timeFrom?: string;
  interval?: string;
}
interface Dashboard {
  uid: string;
  timezone: string;
  refresh: string;
  panels: Panel[];
  templating: {
    list: { name: string; type: string; query?: unknown; refresh?: number; current?: unknown }[];
  };
}

const build = (layout: RecordLayout, overrides: Partial<PipelineConfig> = {}, units = createUnitRegistry()) =>
  buildRoomConditionsDashboard(
    roomConditionsDashboardOptions({ ...defaults, ...overrides, recordLayout: layout }, units),
  ) as unknown as Dashboard;
const panel = (d: Dashboard, id: number) => d.panels.find((p) => p.id === id)!;

/** The unit Grafana gives a field of this display name; more than one matching unit override is an error. */
const unitOf = (overrides: Override[], displayName: string) => {
  const units = overrides
    .filter((o) => o.matcher.id === 'byRegexp' && matcherRegExp(o.matcher.options).test(displayName))
    .flatMap((o) => o.properties.filter((p) => p.id === 'unit').map((p) => p.value));
  if (units.length > 1) throw new Error(`${displayName} matches ${units.length} unit overrides: ${units}`);
  return units[0];
};

describe('the shipped dashboard files', () => {
  it.each(shippedDashboards.map((d) => [d.layout, d.file] as const))(
    'are what the generator builds for the default configuration (%s)',
    (layout, file) => {
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(build(layout));
    },
  );
});

describe('buildRoomConditionsDashboard', () => {
  it("takes the dashboard's time zone from ROLLUP_TIMEZONE (Grafana's utc for UTC)", () => {
    expect(build('multi').timezone).toBe('utc');
    expect(build('multi', { rollupTimezone: 'Asia/Tokyo' }).timezone).toBe('Asia/Tokyo');
  });

  it("writes the names in the SQL, never in the target's Database/Table/Measure fields", () => {
    for (const layout of ['multi', 'single'] as const) {
      for (const p of build(layout).panels) {
        for (const t of p.targets ?? []) {
          expect(Object.keys(t), `panel ${p.id}`).not.toEqual(
            expect.arrayContaining([expect.stringMatching(/^(database|table|measure)$/)]),
          );
          expect(t.rawQuery, `panel ${p.id}`).toMatch(/FROM "\$\{database\}"\."\$\{(aggregate|raw)_table\}"/);
          expect(t.rawQuery, `panel ${p.id}`).not.toMatch(/\$__(database|table|measure)/);
        }
      }
    }
  });

  it('fills the pickers from a fixed window of the aggregate table, on load only', () => {
    const pickers = build('multi').templating.list.filter((v) => v.type === 'query');
    expect(pickers.map((v) => v.name)).toEqual(['device', 'measure']);
    for (const v of pickers) {
      expect(v.query).toMatch(/WHERE time >= ago\(31d\)/);
      expect(v.query).not.toMatch(/\$__timeFilter/);
      expect(v.refresh).toBe(1);
    }
  });

  it('writes the raw panel for its layout only', () => {
    const multi = panel(build('multi'), 9).targets![0]!.rawQuery as string;
    const single = panel(build('single'), 9).targets![0]!.rawQuery as string;
    expect(multi).toContain(`avg("\${measure}")`);
    expect(multi).toContain("measure_name = 'reading'");
    expect(single).toContain('avg(measure_value::double)');
    expect(single).toContain("measure_name = '${measure}'");
    expect(build('single').uid).not.toBe(build('multi').uid);
  });

  it('gives each measure its unit on the fleet panel and the raw panel', () => {
    // Prepare: Grafana's display names of the fields (partitioned fleet series, the raw panel's column)
    const d = build('multi');
    const fleet = panel(d, 6).fieldConfig!.overrides;
    const raw = panel(d, 9).fieldConfig!.overrides;
    // Assess
    const expected = { co2: 'ppm', temperature: 'celsius', humidity: 'percent', pressure: 'pressurehpa' };
    for (const [measure, unit] of Object.entries(expected)) {
      expect(unitOf(fleet, `fleet_avg ${measure}`), measure).toBe(unit);
      expect(unitOf(fleet, `fleet_avg {measure="${measure}"}`), measure).toBe(unit);
      expect(unitOf(raw, measure), measure).toBe(unit);
    }
    // a measure whose name starts another's does not take the other's unit
    expect(unitOf(fleet, 'fleet_avg rain')).toBe('lengthmm');
    expect(unitOf(fleet, 'fleet_avg rain_rate')).toBe('suffix: mm/h');
    expect(unitOf(fleet, 'fleet_avg pm2_5')).toBe(grafanaUnit('ug/m3'));
    expect(unitOf(fleet, 'fleet_avg wind_speed')).toBe('velocityms');
  });

  it('has an override for every measure of the units registry, including ones UNITS_CONFIG adds', () => {
    const units = createUnitRegistry({ measures: { radon: { canonicalUnit: 'Bq/m3' } } });
    const overrides = panel(build('multi', {}, units), 6).fieldConfig!.overrides;
    for (const measure of units.measureNames()) {
      expect(unitOf(overrides, `fleet_avg ${measure}`), measure).toBe(
        grafanaUnit(units.measure(measure)!.canonicalUnit),
      );
    }
    expect(unitOf(overrides, 'fleet_avg radon')).toBe('suffix: Bq/m3');
    expect(measureUnitOverrides({ 'a.b': 'ppm' })[0]!.matcher.options).toContain('a\\.b');
  });

  it("names the selected measure's statistics after it, so that its unit override applies", () => {
    // Prepare: measures named like the statistics, as UNITS_CONFIG may add them
    const units = createUnitRegistry({
      measures: { max: { canonicalUnit: 'dBA' }, count: { canonicalUnit: 'dB' } },
    });
    const d = build('multi', {}, units);
    // Assess: the SQL aliases carry the measure (Grafana expands it), and each name takes one measure's unit
    expect(panel(d, 2).targets![0]!.rawQuery).toContain('"avg" AS "avg ${measure}"');
    expect(panel(d, 7).targets![0]!.rawQuery).toContain('AS "fleet_max ${measure}"');
    for (const id of [2, 3, 7]) {
      const overrides = panel(d, id).fieldConfig!.overrides;
      expect(unitOf(overrides, 'max co2'), `panel ${id}`).toBe('ppm');
      expect(unitOf(overrides, 'fleet_max temperature'), `panel ${id}`).toBe('celsius');
      expect(unitOf(overrides, 'avg max'), `panel ${id}`).toBe('suffix: dBA');
      expect(unitOf(overrides, 'fleet_min count'), `panel ${id}`).toBe('suffix: dB');
    }
    // the readings' count keeps no unit and no decimals, also with a measure named count
    expect(fieldOptions(panel(d, 3).fieldConfig!, 'count')).toMatchObject({ unit: 'none', decimals: 0 });
  });

  it('shows counts without decimals', () => {
    const d = build('multi');
    const count = panel(d, 3).fieldConfig!.overrides.find((o) => o.matcher.options === 'count');
    expect(count?.properties).toContainEqual({ id: 'decimals', value: 0 });
    expect(panel(d, 5).fieldConfig!.defaults).toMatchObject({ unit: 'none', decimals: 0 });
  });

  it('draws a missing day as a gap, and refreshes the raw panel', () => {
    const d = build('multi');
    for (const id of [2, 6, 7]) {
      const custom = panel(d, id).fieldConfig!.defaults.custom!;
      expect(custom.spanNulls, `panel ${id}`).toBe(false);
      // longer than a 25-hour day (end of daylight saving time), shorter than two days
      expect(custom.insertNulls, `panel ${id}`).toBeGreaterThan(25 * 3_600_000);
      expect(custom.insertNulls, `panel ${id}`).toBeLessThan(47 * 3_600_000);
    }
    expect(d.refresh).toMatch(/^\d+[smh]$/);
    expect(panel(d, 9)).toMatchObject({ timeFrom: '24h', interval: '1m' });
  });
});

describe('npm run grafana:dashboard', () => {
  const out = mkdtempSync(join(tmpdir(), 'grafana-dashboard-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes the dashboard for the configuration in the environment', async () => {
    // Act
    const { stdout } = await run('npm', ['run', '-s', 'grafana:dashboard', '--', '--out', out], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ROLLUP_TIMEZONE: 'Asia/Tokyo',
        RECORD_LAYOUT: 'single',
        TIMESTREAM_DATABASE: 'Plant7',
        UNITS_CONFIG: JSON.stringify({ measures: { radon: { canonicalUnit: 'Bq/m3' } } }),
      },
    });
    // Assess
    expect(stdout).toMatch(/RECORD_LAYOUT=single, time zone Asia\/Tokyo/);
    const written = JSON.parse(readFileSync(join(out, 'iot-room-conditions.json'), 'utf8')) as Dashboard;
    expect(written.timezone).toBe('Asia/Tokyo');
    expect(written.uid).toBe('iot-room-conditions-single');
    expect(written.templating.list.find((v) => v.name === 'database')?.query).toBe('Plant7');
    expect(unitOf(panel(written, 6).fieldConfig!.overrides, 'fleet_avg radon')).toBe('suffix: Bq/m3');
  });

  it('stops on a bad setting, naming the variable and what is allowed', async () => {
    const failed = await run('npm', ['run', '-s', 'grafana:dashboard', '--', '--out', out], {
      cwd: repoRoot,
      env: { ...process.env, ROLLUP_TIMEZONE: 'Mars/Olympus' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(
      /ROLLUP_TIMEZONE="Mars\/Olympus": must be an IANA time zone/,
    );
  });
});
