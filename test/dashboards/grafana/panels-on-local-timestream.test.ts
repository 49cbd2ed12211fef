// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ColumnInfo,
  QueryCommand,
  type Row,
  TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { type LocalTimestream, startLocalTimestream } from 'timestream-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults, type RecordLayout } from '#core/config';
import { multiMeasureName } from '#core/records';
import { createUnitRegistry } from '#core/units';
import {
  buildRoomConditionsDashboard,
  type DashboardPanelQuery,
  dashboardFileFor,
  expandGrafanaMacros,
  expandPanelQuery,
  grafanaUnit,
  listDashboardPanels,
  listDashboardVariables,
  roomConditionsDashboardOptions,
} from '#dashboards/grafana';
import { fieldOptions, type PanelFieldConfig } from './field-config';

const database = defaults.database;
const rawTable = defaults.rawTable;
const singleTable = `${defaults.rawTable}_single`;
const aggregateTable = defaults.aggregateTable;
const dayMs = 86_400_000;
const nowMs = Date.now();
const today = Math.floor(nowMs / dayMs) * dayMs;
const days = [5, 4, 3, 2, 1].map((n) => today - n * dayMs);
const devices = ['dev-a', 'dev-b'] as const;
const measures = ['co2', 'temperature'] as const;
/** A device that reported only long ago: a year of older aggregates the pickers should not scan. */
const oldDevice = 'dev-gone';
const oldDays = Array.from({ length: 60 }, (_, n) => today - (400 + n) * dayMs);

/** Seeded daily aggregate of (device, measure, day index): distinct, predictable numbers. */
const aggregate = (d: number, m: number, i: number) => {
  const avg = 400 + 100 * m + 10 * d + i;
  const count = 10 + d * 5 + i;
  return { avg, min: avg - 5, max: avg + 5, sum: avg * count, count, first: avg - 1, last: avg + 1 };
};
/** Seeded raw reading of a device at minute offset k (every 30 min over the last 23 h). */
const rawValue = (d: number, measure: string, k: number) =>
  measure === 'co2' ? 500 + d * 50 + k : measure === 'temperature' ? 20 + d + k / 100 : 40 + k / 10;
const rawTimes = Array.from({ length: 46 }, (_, k) => ({ k, time: nowMs - 23 * 3_600_000 + k * 1_800_000 }));

let ts: LocalTimestream;
let dataDir: string;
let query: TimestreamQueryClient;
/** The panels of the shipped dashboard of each record layout. */
const panels: Record<RecordLayout, DashboardPanelQuery[]> = { multi: [], single: [] };
let dashboardJson: unknown;

async function writeAll(write: TimestreamWriteClient, table: string, records: _Record[]) {
  for (let i = 0; i < records.length; i += 100) {
    await write.send(
      new WriteRecordsCommand({
        DatabaseName: database,
        TableName: table,
        Records: records.slice(i, i + 100),
      }),
    );
  }
}

interface Result {
  readonly columns: ColumnInfo[];
  readonly rows: Row[];
  /** What the local Timestream reports scanning (QueryStatus.CumulativeBytesScanned). */
  readonly bytesScanned: number;
}
async function run(sql: string): Promise<Result> {
  const rows: Row[] = [];
  let columns: ColumnInfo[] = [];
  let bytesScanned = 0;
  let nextToken: string | undefined;
  do {
    const page = await query.send(new QueryCommand({ QueryString: sql, NextToken: nextToken }));
    columns = page.ColumnInfo ?? columns;
    rows.push(...(page.Rows ?? []));
    bytesScanned = Math.max(bytesScanned, page.QueryStatus?.CumulativeBytesScanned ?? 0);
    nextToken = page.NextToken;
  } while (nextToken);
  return { columns, rows, bytesScanned };
}
const column = (r: Result, name: string) => {
  const index = r.columns.findIndex((c) => c.Name === name);
  if (index < 0) throw new Error(`no column ${name} in ${r.columns.map((c) => c.Name).join(', ')}`);
  return r.rows.map((row) => row.Data?.[index]?.ScalarValue);
};
const numbers = (r: Result, name: string) => column(r, name).map(Number);

beforeAll(async () => {
  // Prepare: a local Timestream with the three tables (magnetic writes on: the seeded days are in the past)
  dataDir = await mkdtemp(join(tmpdir(), 'grafana-panels-'));
  ts = await startLocalTimestream({ port: 0, dataDir });
  const write = new TimestreamWriteClient({
    endpoint: ts.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  query = new TimestreamQueryClient({
    endpoint: ts.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await write.send(new CreateDatabaseCommand({ DatabaseName: database }));
  for (const table of [rawTable, singleTable, aggregateTable]) {
    await write.send(
      new CreateTableCommand({
        DatabaseName: database,
        TableName: table,
        RetentionProperties: {
          MemoryStoreRetentionPeriodInHours: 24,
          MagneticStoreRetentionPeriodInDays: 3650,
        },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      }),
    );
  }
  const daily: _Record[] = [];
  devices.forEach((deviceId, d) => {
    measures.forEach((measure, m) => {
      days.forEach((day, i) => {
        const a = aggregate(d, m, i);
        daily.push({
          Dimensions: [
            { Name: 'deviceId', Value: deviceId },
            { Name: 'measure', Value: measure },
          ],
          MeasureName: 'daily',
          MeasureValueType: 'MULTI',
          MeasureValues: [
            ...(['avg', 'min', 'max', 'sum', 'first', 'last'] as const).map((name) => ({
              Name: name,
              Value: String(a[name]),
              Type: 'DOUBLE' as const,
            })),
            { Name: 'count', Value: String(a.count), Type: 'BIGINT' },
          ],
          Time: String(day),
          TimeUnit: 'MILLISECONDS',
        });
      });
    });
  });
  for (const day of oldDays) {
    daily.push({
      Dimensions: [
        { Name: 'deviceId', Value: oldDevice },
        { Name: 'measure', Value: 'co2' },
      ],
      MeasureName: 'daily',
      MeasureValueType: 'MULTI',
      MeasureValues: [{ Name: 'avg', Value: '450', Type: 'DOUBLE' }],
      Time: String(day),
      TimeUnit: 'MILLISECONDS',
    });
  }
  await writeAll(write, aggregateTable, daily);
  const multi: _Record[] = [];
  const single: _Record[] = [];
  devices.forEach((deviceId, d) => {
    for (const { k, time } of rawTimes) {
      const dims = [{ Name: 'deviceId', Value: deviceId }];
      const names = ['co2', 'temperature', 'humidity'];
      multi.push({
        Dimensions: dims,
        MeasureName: multiMeasureName,
        MeasureValueType: 'MULTI',
        MeasureValues: names.map((n) => ({ Name: n, Value: String(rawValue(d, n, k)), Type: 'DOUBLE' })),
        Time: String(time),
      });
      for (const n of names) {
        single.push({
          Dimensions: dims,
          MeasureName: n,
          MeasureValue: String(rawValue(d, n, k)),
          Time: String(time),
        });
      }
    }
  });
  await writeAll(write, rawTable, multi);
  await writeAll(write, singleTable, single);
  write.destroy();
  dashboardJson = JSON.parse(await readFile(dashboardFileFor('multi'), 'utf8'));
  panels.multi = listDashboardPanels(dashboardJson);
  panels.single = listDashboardPanels(JSON.parse(await readFile(dashboardFileFor('single'), 'utf8')));
});

afterAll(async () => {
  query?.destroy();
  await ts?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const range = { from: today - 7 * dayMs, to: nowMs };
const variables = (rawTableName: string) => ({
  database,
  raw_table: rawTableName,
  aggregate_table: aggregateTable,
  device: 'dev-b',
  measure: 'co2',
});
/**
 * Runs one panel of the dashboard for `layout` as Grafana would (the single layout's dashboard reads the
 * single-layout table, as RECORD_LAYOUT=single would).
 */
const runPanel = (panelId: number, layout: RecordLayout = 'multi') => {
  const panel = panels[layout].find((p) => p.panelId === panelId);
  if (!panel) throw new Error(`panel ${panelId} not in the ${layout} dashboard`);
  const sql = expandPanelQuery(panel, {
    ...range,
    intervalMs: 3_600_000,
    nowMs,
    variables: variables(layout === 'single' ? singleTable : rawTable),
  });
  return run(sql);
};

describe('every dashboard panel on the local Timestream', () => {
  it('returns a time column and numeric values for each panel', async () => {
    for (const layout of ['multi', 'single'] as const) {
      expect(panels[layout].length).toBeGreaterThan(0);
      for (const panel of panels[layout]) {
        const result = await runPanel(panel.panelId, layout);
        const types = result.columns.map((c) => c.Type?.ScalarType);
        expect(types, panel.title).toContain('TIMESTAMP');
        expect(result.rows.length, panel.title).toBeGreaterThan(0);
        const numeric = result.columns.filter((c) =>
          ['DOUBLE', 'BIGINT', 'INTEGER'].includes(c.Type?.ScalarType ?? ''),
        );
        expect(numeric.length, panel.title).toBeGreaterThan(0);
        for (const c of numeric) {
          for (const v of numbers(result, c.Name!))
            expect(Number.isFinite(v), `${panel.title} ${c.Name}`).toBe(true);
        }
      }
    }
  });

  it('daily avg/min/max: the selected device and measure, one row per day in time order', async () => {
    const result = await runPanel(2);
    expect(column(result, 'time')).toHaveLength(days.length);
    expect(numbers(result, 'avg co2')).toEqual(days.map((_, i) => aggregate(1, 0, i).avg));
    expect(numbers(result, 'min co2')).toEqual(days.map((_, i) => aggregate(1, 0, i).min));
    expect(numbers(result, 'max co2')).toEqual(days.map((_, i) => aggregate(1, 0, i).max));
  });

  it('devices reporting per day: both devices on every seeded day', async () => {
    const result = await runPanel(5);
    expect(numbers(result, 'devices')).toEqual(days.map(() => 2));
  });

  it('fleet average weighs every reading equally (sum of sums / sum of counts)', async () => {
    const result = await runPanel(7);
    const expected = days.map((_, i) => {
      const a = aggregate(0, 0, i);
      const b = aggregate(1, 0, i);
      return (a.sum + b.sum) / (a.count + b.count);
    });
    for (const [i, v] of numbers(result, 'fleet_avg co2').entries()) expect(v).toBeCloseTo(expected[i]!, 9);
    expect(numbers(result, 'fleet_min co2')).toEqual(days.map((_, i) => aggregate(0, 0, i).min));
  });

  it('last 24 hours of raw readings: same figures in the multi and the single layout', async () => {
    const multi = await runPanel(9, 'multi');
    const single = await runPanel(9, 'single');
    const total = (r: Result) => numbers(r, 'co2').length;
    expect(total(multi)).toBeGreaterThan(10);
    expect(numbers(single, 'co2')).toEqual(numbers(multi, 'co2'));
    const mean = numbers(multi, 'co2').reduce((s, v) => s + v, 0) / total(multi);
    expect(mean).toBeGreaterThan(550);
    expect(mean).toBeLessThan(600);
  });

  it('fills the device and measure variables from the aggregate table, also for "Last 24 hours" and "Today"', async () => {
    // days are stamped at their start and the newest is yesterday: these ranges hold no daily row
    const pickerRanges = {
      'Last 24 hours': { from: nowMs - dayMs, to: nowMs },
      Today: { from: today, to: nowMs },
      'Last 7 days': range,
    };
    for (const [name, pickerRange] of Object.entries(pickerRanges)) {
      const values: Record<string, string[]> = {};
      for (const v of listDashboardVariables(dashboardJson)) {
        if (v.kind !== 'query') continue;
        const sql = expandGrafanaMacros(v.rawQuery, {
          ...pickerRange,
          intervalMs: 3_600_000,
          variables: variables(rawTable),
        });
        const result = await run(sql);
        values[v.name] = column(result, result.columns[0]!.Name!).map(String);
      }
      expect(values, name).toEqual({ device: [...devices], measure: [...measures] });
    }
  });

  it('reads only the recent aggregates for the pickers, not the whole table', async () => {
    // Prepare: the device picker's query, and the same question asked of the whole aggregate table
    const device = listDashboardVariables(dashboardJson).find((v) => v.name === 'device');
    if (device?.kind !== 'query') throw new Error('no device query variable');
    const picker = await run(
      expandGrafanaMacros(device.rawQuery, { ...range, intervalMs: 60_000, variables: variables(rawTable) }),
    );
    const whole = await run(
      `SELECT DISTINCT deviceId FROM "${database}"."${aggregateTable}" WHERE measure_name = 'daily' ORDER BY deviceId`,
    );
    // Assess: the old device is in the table but not in the picker, and the picker scanned a fraction of it
    expect(column(whole, 'deviceId')).toContain(oldDevice);
    expect(column(picker, 'deviceId')).not.toContain(oldDevice);
    expect(picker.bytesScanned).toBeGreaterThan(0);
    expect(picker.bytesScanned).toBeLessThan(whole.bytesScanned / 2);
  });
});

describe('units of the selected measure in Grafana', () => {
  it("gives every numeric field of the selected measure's panels the measure's unit, for every measure of the registry", async () => {
    // Prepare: the registry with measures UNITS_CONFIG adds, two named like the statistics the panels return
    const units = createUnitRegistry({
      measures: {
        radon: { canonicalUnit: 'Bq/m3' },
        max: { canonicalUnit: 'dBA' },
        count: { canonicalUnit: 'dB' },
      },
    });
    const dashboard = buildRoomConditionsDashboard(roomConditionsDashboardOptions({ ...defaults }, units));
    const fieldConfigOf = (panelId: number) =>
      (dashboard.panels.find((p) => p.id === panelId) as { fieldConfig: PanelFieldConfig }).fieldConfig;
    // the panels of the selected measure: daily aggregates filtered on the measure picker
    const selected = listDashboardPanels(dashboard).filter(
      (q) => q.table === '"${aggregate_table}"' && q.rawQuery.includes("measure = '${measure}'"),
    );
    expect(selected.map((q) => q.panelId)).toEqual([2, 3, 7]);
    for (const measure of units.measureNames()) {
      const unit = grafanaUnit(units.measure(measure)!.canonicalUnit);
      for (const q of selected) {
        // Act: the query as Grafana expands it, on the local Timestream (the field names are its columns)
        const sql = expandPanelQuery(q, {
          ...range,
          intervalMs: 3_600_000,
          nowMs,
          variables: { ...variables(rawTable), measure },
        });
        const result = await run(sql);
        // Assess
        if (measure === 'co2') expect(result.rows.length, q.title).toBeGreaterThan(0);
        const numeric = result.columns.filter((c) => ['DOUBLE', 'BIGINT'].includes(c.Type?.ScalarType ?? ''));
        expect(numeric.length, `${q.title} (${measure})`).toBeGreaterThanOrEqual(3);
        for (const c of numeric) {
          const options = fieldOptions(fieldConfigOf(q.panelId), c.Name!);
          if (c.Name === 'count') {
            expect(options, `${q.title}: count (${measure})`).toMatchObject({ unit: 'none', decimals: 0 });
          } else {
            expect(options.unit, `${q.title}: ${c.Name}`).toBe(unit);
          }
        }
      }
    }
  });
});
