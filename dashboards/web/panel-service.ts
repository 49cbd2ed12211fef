import { readFileSync } from 'node:fs';
import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { RecordLayout } from '#core/config';
import { multiMeasureName } from '#core/records';
import {
  type DashboardPanelQuery,
  dashboardFileFor,
  expandGrafanaMacros,
  expandPanelQuery,
  interpolateDashboardVariables,
  listDashboardPanels,
  listDashboardVariables,
  panelTimeRange,
} from '../grafana';
import { type PanelData, toTable, toTimeSeries } from './chart-data';
import { PanelQueryError, UnknownPanelError } from './errors';
import { builtInMeasureUnits, type MeasureUnits } from './measure-units';
import { type PanelLayout, readPanelLayouts } from './panel-layout';
import { type QueryResult, runQuery } from './run-query';
import { dailyAxisRange, panelIntervalMs, parseDurationMs } from './time-ranges';

/** Where the panels' data comes from, and how the tables are laid out. */
export interface PanelServiceOptions {
  readonly queryClient: TimestreamQueryClient;
  readonly database: string;
  readonly rawTable: string;
  readonly aggregateTable: string;
  /** The raw table's record layout: picks the raw-readings panel written for it. */
  readonly layout: RecordLayout;
  /** The Grafana dashboard JSON. @default the repository's iot-room-conditions.json */
  readonly dashboard?: unknown;
  /** Canonical unit per measure, for the axes. @default the built-in measures' units */
  readonly units?: MeasureUnits;
  /** The rollup's schedule, quoted in the empty state of aggregate panels. */
  readonly rollupSchedule?: string;
  /**
   * The zone whose calendar days the rollup aggregates: daily panels' axes span whole days of it.
   * @default 'UTC'
   */
  readonly rollupTimezone?: string;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What the page picked: the range (epoch ms), the device and measure, and the chart width in points. */
export interface PanelSelection {
  readonly from: number;
  readonly to: number;
  readonly device?: string;
  readonly measure?: string;
  /** Points the chart can show (its width in pixels); sets `$__interval_ms`. */
  readonly maxDataPoints: number;
}

/** Which table a panel reads. */
const PanelSource = { aggregate: 'aggregate', raw: 'raw' } as const;
export type PanelSource = (typeof PanelSource)[keyof typeof PanelSource];

/** A panel as the page lays it out. */
export interface PanelInfo {
  readonly id: number;
  /** The title with the selected device and measure filled in. */
  readonly title: string;
  /** `timeseries` or `table` (Grafana's panel type). */
  readonly type: string;
  /** The row title, variables filled in. */
  readonly row?: string;
  readonly source: PanelSource;
  /** Grafana grid width, 1..24. */
  readonly width: number;
  readonly description?: string;
  /** The panel's own relative range (e.g. `24h`), overriding the picker. */
  readonly timeFrom?: string;
  /** `line`, `bars` or `points` (the Grafana panel's draw style). */
  readonly drawStyle?: string;
}

/** The answer to one panel request: chart-ready data or the reason there is none. */
export interface PanelResponse {
  readonly panel: PanelInfo;
  readonly data: PanelData | null;
  /** Why nothing is drawn (no data, nothing selected); absent when there is data. */
  readonly empty?: string;
  /**
   * QueryStatus.CumulativeBytesScanned: the bytes the query scanned. Billed only on accounts with bytes-scanned
   * query pricing; accounts onboarded since 2024-04-29 pay for query compute (TCUs) instead.
   */
  readonly bytesScanned: number;
  readonly elapsedMs: number;
  /** The range the query ran over (the panel's own override applied). */
  readonly range: { readonly from: number; readonly to: number };
  /**
   * What a time-series panel's x axis spans, whatever the data (epoch ms): the range for raw panels; for
   * daily panels, the whole days of the rollup's zone whose stamps lie in the range (see `dailyAxisRange`).
   */
  readonly xRange: { readonly from: number; readonly to: number };
  readonly intervalMs: number;
  /** The SQL as sent. */
  readonly sql: string | null;
}

/** A dashboard variable's choices, and which table they were read from. */
export interface VariableOptions {
  readonly name: string;
  readonly options: readonly string[];
  /**
   * `aggregate`: the dashboard's own variable query; `raw`: fallback on the raw table when there are no
   * aggregates yet (the rollup has not run).
   */
  readonly source: PanelSource;
  readonly bytesScanned: number;
}

const usesVariable = (text: string, name: string) =>
  new RegExp(`\\$\\{${name}(?::[^}]*)?\\}|\\$${name}\\b|\\[\\[${name}(?::\\w+)?\\]\\]`).test(text);

const describeSpan = (ms: number) =>
  ms % 86_400_000 === 0 && ms > 86_400_000 ? `${ms / 86_400_000} days` : `${Math.round(ms / 3_600_000)} h`;

/** The panels of one dashboard, run against Timestream with the dashboard's own SQL. */
export interface PanelService {
  /** The panels shown for this layout, in dashboard order, titles filled in with the selection. */
  panels(selection: Pick<PanelSelection, 'device' | 'measure'>): PanelInfo[];
  /** The device and measure pickers' choices over the selected range. */
  variables(selection: Pick<PanelSelection, 'from' | 'to'>): Promise<VariableOptions[]>;
  /** Runs one panel's query to its end; throws {@link UnknownPanelError} or a `PanelQueryError`. */
  runPanel(panelId: string, selection: PanelSelection): Promise<PanelResponse>;
}

/**
 * Builds the panels of the Grafana dashboard for the local web page: each panel's SQL expanded by the same
 * macro code Grafana's data source uses, run through the Timestream Query client (local or AWS), and
 * shaped for uPlot. Panels for the other record layout are left out.
 */
export function createPanelService(options: PanelServiceOptions): PanelService {
  const dashboard = options.dashboard ?? JSON.parse(readFileSync(dashboardFileFor(options.layout), 'utf8'));
  const units = options.units ?? builtInMeasureUnits();
  const now = options.now ?? Date.now;
  const layouts = readPanelLayouts(dashboard);
  const timeZone = options.rollupTimezone ?? 'UTC';
  // the table is named in the target's Table field or, as the plugin's docs write it, in the SQL itself
  const sourceOf = (q: DashboardPanelQuery): PanelSource =>
    usesVariable(`${q.table ?? ''} ${q.rawQuery}`, 'raw_table') ? PanelSource.raw : PanelSource.aggregate;
  const queries = listDashboardPanels(dashboard).filter((q) => {
    if (sourceOf(q) !== PanelSource.raw) return true;
    const multiPanel = q.measure === multiMeasureName;
    return options.layout === 'multi' ? multiPanel : !multiPanel;
  });
  const variableQueries = listDashboardVariables(dashboard).flatMap((v) => (v.kind === 'query' ? [v] : []));
  const names = {
    database: options.database,
    raw_table: options.rawTable,
    aggregate_table: options.aggregateTable,
  };
  const variablesOf = (s: Pick<PanelSelection, 'device' | 'measure'>) => ({
    ...names,
    device: s.device ?? '',
    measure: s.measure ?? '',
  });

  const info = (q: DashboardPanelQuery, s: Pick<PanelSelection, 'device' | 'measure'>): PanelInfo => {
    const fill = (text: string) => {
      const filled = variablesOf({ device: s.device ?? '(no device)', measure: s.measure ?? '(no measure)' });
      return interpolateDashboardVariables(text, filled);
    };
    const layout: PanelLayout = layouts.get(q.panelId) ?? { width: 24 };
    return {
      id: q.panelId,
      title: fill(q.title),
      type: q.type,
      ...(q.row === undefined ? {} : { row: fill(q.row) }),
      source: sourceOf(q),
      width: layout.width,
      ...(layout.description === undefined ? {} : { description: layout.description }),
      ...(q.timeFrom === undefined ? {} : { timeFrom: q.timeFrom }),
      ...(layout.drawStyle === undefined ? {} : { drawStyle: layout.drawStyle }),
    };
  };

  const emptyReason = (q: DashboardPanelQuery, s: PanelSelection, range: { from: number; to: number }) => {
    const span = describeSpan(range.to - range.from);
    const what = [
      usesVariable(q.rawQuery, 'device') ? `device ${s.device}` : '',
      usesVariable(q.rawQuery, 'measure') ? `measure ${s.measure}` : '',
    ].filter((w) => w !== '');
    const forWhat = what.length > 0 ? ` for ${what.join(', ')}` : '';
    if (sourceOf(q) === PanelSource.raw) return `No readings in the last ${span}${forWhat}.`;
    const schedule = options.rollupSchedule
      ? `on ${options.rollupSchedule} (${timeZone})`
      : `daily at 00:15 ${timeZone}`;
    const short =
      range.to - range.from < 2 * 86_400_000
        ? ' Each daily point sits at the start of its day, so a range this short may hold none: pick 7 days or more.'
        : '';
    return (
      `No daily aggregates in the last ${span}${forWhat}: the rollup runs ${schedule} ` +
      `and aggregates the days before; run \`npm run rollup\` to aggregate now.${short}`
    );
  };

  return {
    panels: (selection) => queries.map((q) => info(q, selection)),

    async variables(selection) {
      const out: VariableOptions[] = [];
      const context = { ...selection, intervalMs: 86_400_000, variables: variablesOf({}) };
      for (const v of variableQueries) {
        const result = await runOrNothing(
          expandGrafanaMacros(v.rawQuery, context),
          `variable ${v.name}`,
          options.aggregateTable,
        );
        const values = result.rows.map((r) => String(r[0]));
        if (values.length > 0 || (v.name !== 'device' && v.name !== 'measure')) {
          out.push({
            name: v.name,
            options: values,
            source: PanelSource.aggregate,
            bytesScanned: result.bytesScanned,
          });
          continue;
        }
        const fallback = await rawFallback(v.name as 'device' | 'measure', selection);
        out.push({ ...fallback, bytesScanned: result.bytesScanned + fallback.bytesScanned });
      }
      return out;
    },

    async runPanel(panelId, selection) {
      const q = queries.find((p) => String(p.panelId) === panelId);
      if (!q)
        throw new UnknownPanelError(
          panelId,
          queries.map((p) => p.panelId),
        );
      const nowMs = now();
      const range = panelTimeRange(q, selection, nowMs);
      const intervalMs = panelIntervalMs(
        range.to - range.from,
        selection.maxDataPoints,
        parseDurationMs(q.minInterval),
      );
      const panel = info(q, selection);
      const xRange = panel.source === PanelSource.aggregate ? dailyAxisRange(range, timeZone) : range;
      const missing = (['device', 'measure'] as const).filter(
        (name) => usesVariable(`${q.rawQuery} ${q.measure ?? ''}`, name) && !selection[name],
      );
      if (missing.length > 0) {
        return {
          panel,
          data: null,
          empty: `No ${missing.join(' or ')} to show: no data in the last ${describeSpan(selection.to - selection.from)} yet. Send readings (e.g. \`npm run simulate\`).`,
          bytesScanned: 0,
          elapsedMs: 0,
          range,
          xRange,
          intervalMs,
          sql: null,
        };
      }
      const sql = expandPanelQuery(q, {
        from: selection.from,
        to: selection.to,
        intervalMs,
        nowMs,
        variables: variablesOf(selection),
      });
      const table = sourceOf(q) === PanelSource.raw ? options.rawTable : options.aggregateTable;
      const result = await runOrNothing(sql, `panel ${q.panelId} (${panel.title})`, table);
      const context = { units, ...(selection.measure ? { measure: selection.measure } : {}) };
      // no columns: the table has had no record yet (see runOrNothing)
      const data =
        result.columns.length === 0
          ? null
          : q.type === 'table'
            ? toTable(result, context)
            : toTimeSeries(result, context);
      return {
        panel,
        data,
        ...((data?.points ?? 0) === 0 ? { empty: emptyReason(q, selection, range) } : {}),
        bytesScanned: result.bytesScanned,
        elapsedMs: result.elapsedMs,
        range,
        xRange,
        intervalMs,
        sql,
      };
    },
  };

  /**
   * Runs a query; when it fails because a column cannot be resolved and the table has no columns but time
   * and measure_name (Timestream adds dimension and measure columns with the first record, so an empty
   * table has none), the answer is "no rows" instead of the error: the rollup has not run yet, or no
   * reading has arrived.
   */
  async function runOrNothing(sql: string, source: string, table: string): Promise<QueryResult> {
    const started = performance.now();
    try {
      return await runQuery(options.queryClient, sql, source);
    } catch (error) {
      if (!(error instanceof PanelQueryError) || !/cannot be resolved/i.test(error.serviceMessage))
        throw error;
      const describe = await runQuery(
        options.queryClient,
        `DESCRIBE "${options.database}"."${table}"`,
        `${source} (DESCRIBE ${table})`,
      );
      const columns = describe.rows.map((row) => String(row[0]));
      if (columns.some((c) => c !== 'time' && c !== 'measure_name')) throw error;
      return { columns: [], rows: [], bytesScanned: 0, pages: 0, elapsedMs: performance.now() - started };
    }
  }

  /** Device and measure choices read from the raw table, for a fresh stack where the rollup has not run. */
  async function rawFallback(
    name: 'device' | 'measure',
    range: Pick<PanelSelection, 'from' | 'to'>,
  ): Promise<VariableOptions> {
    const table = `"${options.database}"."${options.rawTable}"`;
    const filter = `time BETWEEN from_milliseconds(${Math.trunc(range.from)}) AND from_milliseconds(${Math.trunc(range.to)})`;
    if (name === 'device') {
      const r = await runOrNothing(
        `SELECT DISTINCT deviceId FROM ${table} WHERE ${filter} ORDER BY deviceId`,
        'variable device (raw table)',
        options.rawTable,
      );
      return {
        name,
        options: r.rows.map((row) => String(row[0])),
        source: PanelSource.raw,
        bytesScanned: r.bytesScanned,
      };
    }
    if (options.layout === 'single') {
      const r = await runQuery(
        options.queryClient,
        `SELECT DISTINCT measure_name FROM ${table} WHERE ${filter} ORDER BY measure_name`,
        'variable measure (raw table)',
      );
      return {
        name,
        options: r.rows.map((row) => String(row[0])),
        source: PanelSource.raw,
        bytesScanned: r.bytesScanned,
      };
    }
    const r = await runQuery(options.queryClient, `DESCRIBE ${table}`, 'variable measure (raw table)');
    const column = (n: string) => r.columns.findIndex((c) => c.name === n);
    const [nameAt, typeAt, attributeAt] = [
      column('Column'),
      column('Type'),
      column('Timestream attribute type'),
    ];
    const measures = r.rows
      .filter(
        (row) =>
          String(row[attributeAt]).toUpperCase().startsWith('MULTI') &&
          ['double', 'bigint'].includes(String(row[typeAt]).toLowerCase()),
      )
      .map((row) => String(row[nameAt]))
      .sort();
    return { name, options: measures, source: PanelSource.raw, bytesScanned: r.bytesScanned };
  }
}
