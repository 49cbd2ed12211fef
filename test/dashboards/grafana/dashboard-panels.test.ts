// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaults } from '#core/config';
import { multiMeasureName } from '#core/records';
import {
  dashboardFileFor,
  expandPanelQuery,
  InvalidDashboardError,
  listDashboardPanels,
  listDashboardVariables,
  panelTimeRange,
} from '#dashboards/grafana';

const dashboard: unknown = JSON.parse(readFileSync(dashboardFileFor('multi'), 'utf8'));
const singleDashboard: unknown = JSON.parse(readFileSync(dashboardFileFor('single'), 'utf8'));
const provisioning = readFileSync(
  new URL('../../../dashboards/grafana/provisioning/datasources/timestream.yaml', import.meta.url),
  'utf8',
);

describe('listDashboardPanels', () => {
  const panels = listDashboardPanels(dashboard);

  it('lists every panel query, rows flattened, the same panels in both layouts', () => {
    expect(panels.map((p) => p.panelId)).toEqual([2, 3, 5, 6, 7, 9]);
    expect(listDashboardPanels(singleDashboard).map((p) => p.panelId)).toEqual([2, 3, 5, 6, 7, 9]);
    expect(panels.find((p) => p.panelId === 9)).toMatchObject({ collapsed: false, timeFrom: '24h' });
    expect(panels.find((p) => p.panelId === 2)).toMatchObject({ collapsed: false, row: expect.any(String) });
  });

  it('marks the panels of collapsed rows', () => {
    const listed = listDashboardPanels({
      panels: [
        {
          id: 1,
          type: 'row',
          title: 'Hidden',
          collapsed: true,
          panels: [{ id: 2, type: 'table', targets: [{ rawQuery: 'SELECT 1' }] }],
        },
      ],
    });
    expect(listed).toEqual([expect.objectContaining({ panelId: 2, row: 'Hidden', collapsed: true })]);
  });

  it("takes the table a query reads from the target's fields, else from its SQL", () => {
    const listed = listDashboardPanels({
      panels: [
        {
          id: 1,
          type: 'table',
          targets: [
            { refId: 'A', rawQuery: `SELECT * FROM "db"."t" WHERE measure_name = 'm'` },
            { refId: 'B', table: '"own"', rawQuery: `SELECT * FROM "db"."t"` },
            { refId: 'C', rawQuery: `SELECT * FROM $__database.$__table WHERE measure_name = '$__measure'` },
          ],
        },
      ],
    });
    expect(listed.map((q) => [q.database, q.table, q.measure])).toEqual([
      ['"db"', '"t"', 'm'],
      ['"db"', '"own"', undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it('uses the data source variable on every panel and target', () => {
    const raw = dashboard as {
      panels: { type: string; datasource?: unknown; targets?: { datasource: unknown }[] }[];
    };
    for (const p of raw.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource).toEqual({ type: 'grafana-timestream-datasource', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource).toEqual(p.datasource);
    }
  });

  it('reads the aggregate table for the daily panels and the raw table for the last-24-hours panels', () => {
    for (const p of [...panels, ...listDashboardPanels(singleDashboard)]) {
      if (p.timeFrom === '24h') expect(p.table).toBe('"${raw_table}"');
      else expect(p.table).toBe('"${aggregate_table}"');
      expect(p.database).toBe('"${database}"');
    }
    expect(panels.find((p) => p.panelId === 9)?.measure).toBe(multiMeasureName);
    expect(listDashboardPanels(singleDashboard).find((p) => p.panelId === 9)?.measure).toBe('${measure}');
  });

  it('rejects JSON that is not a dashboard, saying where', () => {
    expect(() => listDashboardPanels({ panels: [{ id: 'x' }] })).toThrow(InvalidDashboardError);
    expect(() => listDashboardPanels({})).toThrow(/panels/);
  });
});

describe('dashboard variables', () => {
  const variables = listDashboardVariables(dashboard);

  it('defaults the names to the pipeline configuration defaults', () => {
    const values = Object.fromEntries(
      variables.flatMap((v) => (v.kind === 'value' ? [[v.name, v.value]] : [])),
    );
    expect(values).toEqual({
      database: defaults.database,
      raw_table: defaults.rawTable,
      aggregate_table: defaults.aggregateTable,
    });
  });

  it('fills the device variable from the aggregate table', () => {
    const device = variables.find((v) => v.name === 'device');
    expect(device?.kind).toBe('query');
    expect(device?.kind === 'query' && device.rawQuery).toMatch(
      /SELECT DISTINCT deviceId\s+FROM "\$\{database\}"\."\$\{aggregate_table\}"/,
    );
  });

  it('has a data source variable of the Timestream plugin', () => {
    expect(variables).toContainEqual({
      kind: 'datasource',
      name: 'datasource',
      pluginId: 'grafana-timestream-datasource',
    });
  });
});

describe('expandPanelQuery', () => {
  it('runs a panel with a relative time override over the last 24 hours up to now', () => {
    // Prepare
    const panel = listDashboardPanels(dashboard).find((p) => p.panelId === 9)!;
    const nowMs = Date.UTC(2026, 0, 10);
    // Act
    const sql = expandPanelQuery(panel, {
      from: 0,
      to: nowMs,
      intervalMs: 300_000,
      nowMs,
      variables: { database: 'RoomCondition', raw_table: 'conditions', device: 'd1', measure: 'co2' },
    });
    // Assess
    expect(sql).toContain(`from_milliseconds(${nowMs - 86_400_000}) AND from_milliseconds(${nowMs})`);
    expect(sql).toContain('FROM "RoomCondition"."conditions"');
    expect(sql).toContain(`measure_name = 'reading'`);
    expect(sql).toContain('bin(time, 300000ms)');
    expect(sql).not.toContain('$');
  });

  it('rejects an unreadable relative time', () => {
    expect(() => panelTimeRange({ timeFrom: 'yesterday' }, { from: 0, to: 1 }, 1)).toThrow(/timeFrom/);
  });
});

describe('data source provisioning', () => {
  it('provisions the Timestream plugin with the configuration defaults, quoted as the editor stores them', () => {
    expect(provisioning).toMatch(/type: grafana-timestream-datasource/);
    expect(provisioning).toContain(`defaultDatabase: '"${defaults.database}"'`);
    expect(provisioning).toContain(`defaultTable: '"${defaults.aggregateTable}"'`);
    expect(provisioning).toMatch(/defaultMeasure: daily/);
  });

  it('takes the region from AWS_REGION, and the README says to set it', () => {
    expect(provisioning).toMatch(/^\s+defaultRegion: \$\{AWS_REGION\}$/m);
    const readme = readFileSync(new URL('../../../dashboards/grafana/README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/Set\s+`AWS_REGION` in Grafana's environment/);
  });
});
