import type { ScalarCell } from '#adapters/timestream-query';
import { interpolateDashboardVariables, panelTimeRange } from '../grafana';
import { type PanelData, toTable, toTimeSeries } from './chart-data';
import { UnknownPanelError } from './errors';
import { builtInMeasureUnits, type MeasureUnits } from './measure-units';
import { type PanelLayout, readPanelLayouts } from './panel-layout';
import type { QueryCostModel } from './query-cost';
import type { ResultColumn } from './run-query';
import { dailyAxisRange, panelIntervalMs, parseDurationMs } from './time-ranges';

/** What the page picked: the range (epoch ms), the device and measure, and the chart width in points. */
export interface PanelSelection {
  readonly from: number;
  readonly to: number;
  readonly device?: string;
  readonly measure?: string;
  /** Points the chart can show (its width in pixels); sets `$__interval_ms`. */
  readonly maxDataPoints: number;
}

/** Which table or measurement a panel reads. */
export const PanelSource = { aggregate: 'aggregate', raw: 'raw' } as const;
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
   * Timestream's QueryStatus.CumulativeBytesScanned: the bytes the query scanned (billed only on accounts with
   * bytes-scanned query pricing; accounts onboarded since 2024-04-29 pay for query compute, TCUs, instead).
   * Absent on InfluxDB, which reports nothing of the kind.
   */
  readonly bytesScanned?: number;
  readonly elapsedMs: number;
  /** The range the query ran over (the panel's own override applied). */
  readonly range: { readonly from: number; readonly to: number };
  /**
   * What a time-series panel's x axis spans, whatever the data (epoch ms): the range for raw panels; for
   * daily panels, the whole days of the rollup's zone whose stamps lie in the range (see `dailyAxisRange`).
   */
  readonly xRange: { readonly from: number; readonly to: number };
  readonly intervalMs: number;
  /** The query as sent (Timestream SQL or InfluxQL); null when none was run. */
  readonly sql: string | null;
}

/** A dashboard variable's choices, and where they were read from. */
export interface VariableOptions {
  readonly name: string;
  readonly options: readonly string[];
  /**
   * `aggregate`: the dashboard's own variable query; `raw`: fallback on the raw table or measurement when there
   * are no aggregates yet (the rollup has not run).
   */
  readonly source: PanelSource;
  /** Bytes the variable's queries scanned (Timestream); absent on InfluxDB. */
  readonly bytesScanned?: number;
}

/** One panel of a store's Grafana dashboard, as a {@link PanelDataSource} lists it. */
export interface SourcePanel {
  readonly id: number;
  /** The title as written (with `${device}` and the like). */
  readonly title: string;
  /** Grafana panel type: `timeseries`, `table`. */
  readonly type: string;
  /** The row's title as written, if the panel sits in a row. */
  readonly row?: string;
  readonly source: PanelSource;
  /** Everything of the query that may name a variable (the query text, the target's measure...). */
  readonly query: string;
  /** The panel's relative time override (e.g. `24h`). */
  readonly timeFrom?: string;
  /** The panel's minimum interval (e.g. `1m`). */
  readonly minInterval?: string;
}

/** What one panel query is run with: the picker's range (the source applies the panel's override), the interval, the choices. */
export interface PanelQueryContext {
  readonly from: number;
  readonly to: number;
  readonly nowMs: number;
  readonly intervalMs: number;
  readonly device: string;
  readonly measure: string;
}

/** A query's result in columns and rows, typed with Timestream's scalar type names (TIMESTAMP, DOUBLE, BIGINT, VARCHAR, BOOLEAN). */
export interface PanelResult {
  /** No column: nothing to draw (e.g. the table or measurement has had no record yet). */
  readonly columns: readonly ResultColumn[];
  /** Rows in column order: TIMESTAMP as epoch ms, numbers as numbers, NULL as null. */
  readonly rows: readonly (readonly ScalarCell[])[];
  /** What the store reported scanning, when it reports it (Timestream). */
  readonly bytesScanned?: number;
  readonly elapsedMs: number;
}

/**
 * The port between the dashboard and a store: the panels of the store's Grafana dashboard, and their queries
 * run as Grafana's data source for that store runs them. Adapters: `createTimestreamPanelSource` (Timestream
 * SQL through the Query API) and `createInfluxDbPanelSource` (InfluxQL over InfluxDB's v1 API);
 * `panelSourceFromConfig` picks one from STORAGE.
 */
export interface PanelDataSource {
  /** The Grafana dashboard JSON the panels come from (read for their widths, descriptions, draw styles). */
  readonly dashboard: unknown;
  /** The panels to show, in dashboard order. */
  readonly panels: readonly SourcePanel[];
  /** The dashboard's value variables (database, table or measurement names), for titles. */
  readonly names: Readonly<Record<string, string>>;
  /** How this store's queries are billed, for the page's cost notes. */
  readonly queryCost: QueryCostModel;
  /** Expands and runs one panel's query; a store error becomes a `PanelQueryError`. */
  runPanel(panel: SourcePanel, context: PanelQueryContext): Promise<{ query: string; result: PanelResult }>;
  /** The dashboard's query variables' choices over the range, from the raw data when there are no aggregates. */
  variables(range: Pick<PanelSelection, 'from' | 'to'>): Promise<VariableOptions[]>;
}

/** What the page asks of the panels, whatever the store. */
export interface PanelService {
  /** How the store's queries are billed, for the page's cost notes. */
  readonly queryCost: QueryCostModel;
  /** The panels shown, in dashboard order, titles filled in with the selection. */
  panels(selection: Pick<PanelSelection, 'device' | 'measure'>): PanelInfo[];
  /** The device and measure pickers' choices over the selected range. */
  variables(selection: Pick<PanelSelection, 'from' | 'to'>): Promise<VariableOptions[]>;
  /** Runs one panel's query to its end; throws {@link UnknownPanelError} or a `PanelQueryError`. */
  runPanel(panelId: string, selection: PanelSelection): Promise<PanelResponse>;
}

/** What {@link createPanelService} adds to a source: units, and the rollup's schedule and zone for the empty states and daily axes. */
export interface PanelServiceOptions {
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

/** Whether a query or title uses a dashboard variable (`$name`, `${name}`, `${name:format}`, `[[name]]`). */
export const usesVariable = (text: string, name: string) =>
  new RegExp(`\\$\\{${name}(?::[^}]*)?\\}|\\$${name}\\b|\\[\\[${name}(?::\\w+)?\\]\\]`).test(text);

const describeSpan = (ms: number) =>
  ms % 86_400_000 === 0 && ms > 86_400_000 ? `${ms / 86_400_000} days` : `${Math.round(ms / 3_600_000)} h`;

/**
 * The panels of a store's Grafana dashboard for the local web page: each panel's query run by the source,
 * with the picker's range, the panel's interval (as Grafana computes it) and the selected device and measure,
 * and shaped for uPlot; the reason when there is nothing to draw.
 *
 * @example
 * const panels = createPanelService(createInfluxDbPanelSource({ client, database: 'RoomCondition', ... }));
 * const response = await panels.runPanel('2', { from, to, device: 'room_a', measure: 'co2', maxDataPoints: 800 });
 */
export function createPanelService(source: PanelDataSource, options: PanelServiceOptions = {}): PanelService {
  const units = options.units ?? builtInMeasureUnits();
  const now = options.now ?? Date.now;
  const layouts = readPanelLayouts(source.dashboard);
  const timeZone = options.rollupTimezone ?? 'UTC';

  const info = (p: SourcePanel, s: Pick<PanelSelection, 'device' | 'measure'>): PanelInfo => {
    const fill = (text: string) =>
      interpolateDashboardVariables(text, {
        ...source.names,
        device: s.device ?? '(no device)',
        measure: s.measure ?? '(no measure)',
      });
    const layout: PanelLayout = layouts.get(p.id) ?? { width: 24 };
    const row = p.row ?? layout.row;
    return {
      id: p.id,
      title: fill(p.title),
      type: p.type,
      ...(row === undefined ? {} : { row: fill(row) }),
      source: p.source,
      width: layout.width,
      ...(layout.description === undefined ? {} : { description: layout.description }),
      ...(p.timeFrom === undefined ? {} : { timeFrom: p.timeFrom }),
      ...(layout.drawStyle === undefined ? {} : { drawStyle: layout.drawStyle }),
    };
  };

  const emptyReason = (p: SourcePanel, s: PanelSelection, range: { from: number; to: number }) => {
    const span = describeSpan(range.to - range.from);
    const what = [
      usesVariable(p.query, 'device') ? `device ${s.device}` : '',
      usesVariable(p.query, 'measure') ? `measure ${s.measure}` : '',
    ].filter((w) => w !== '');
    const forWhat = what.length > 0 ? ` for ${what.join(', ')}` : '';
    if (p.source === PanelSource.raw) return `No readings in the last ${span}${forWhat}.`;
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
    queryCost: source.queryCost,
    panels: (selection) => source.panels.map((p) => info(p, selection)),
    variables: (selection) => source.variables(selection),

    async runPanel(panelId, selection) {
      const p = source.panels.find((q) => String(q.id) === panelId);
      if (!p)
        throw new UnknownPanelError(
          panelId,
          source.panels.map((q) => q.id),
        );
      const nowMs = now();
      const range = panelTimeRange(p, selection, nowMs);
      const intervalMs = panelIntervalMs(
        range.to - range.from,
        selection.maxDataPoints,
        parseDurationMs(p.minInterval),
      );
      const panel = info(p, selection);
      const xRange = p.source === PanelSource.aggregate ? dailyAxisRange(range, timeZone) : range;
      const missing = (['device', 'measure'] as const).filter(
        (name) => usesVariable(p.query, name) && !selection[name],
      );
      if (missing.length > 0) {
        return {
          panel,
          data: null,
          empty: `No ${missing.join(' or ')} to show: no data in the last ${describeSpan(selection.to - selection.from)} yet. Send readings (e.g. \`npm run simulate\`).`,
          elapsedMs: 0,
          range,
          xRange,
          intervalMs,
          sql: null,
        };
      }
      const { query, result } = await source.runPanel(p, {
        from: selection.from,
        to: selection.to,
        nowMs,
        intervalMs,
        device: selection.device ?? '',
        measure: selection.measure ?? '',
      });
      const context = {
        units,
        ...(selection.measure ? { measure: selection.measure } : {}),
        ...(layouts.get(p.id)?.hideEmptySeries ? { hideEmptySeries: true } : {}),
      };
      // no columns: the table or measurement has had no record yet
      const data =
        result.columns.length === 0
          ? null
          : p.type === 'table'
            ? toTable(result, context)
            : toTimeSeries(result, context);
      return {
        panel,
        data,
        ...((data?.points ?? 0) === 0 ? { empty: emptyReason(p, selection, range) } : {}),
        ...(result.bytesScanned === undefined ? {} : { bytesScanned: result.bytesScanned }),
        elapsedMs: result.elapsedMs,
        range,
        xRange,
        intervalMs,
        sql: query,
      };
    },
  };
}
