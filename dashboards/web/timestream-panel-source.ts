import { readFileSync } from 'node:fs';
import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { defaults, type RecordLayout } from '#core/config';
import { multiMeasureName } from '#core/records';
import {
  type DashboardPanelQuery,
  dashboardFileFor,
  expandGrafanaMacros,
  expandPanelQuery,
  listDashboardPanels,
  listDashboardVariables,
} from '../grafana';
import { PanelQueryError } from './errors';
import {
  type PanelDataSource,
  type PanelResult,
  type PanelSelection,
  PanelSource,
  type SourcePanel,
  usesVariable,
  type VariableOptions,
} from './panel-service';
import type { QueryBillingSettings } from './query-cost';
import { runQuery } from './run-query';

/** Where the Timestream panels' data comes from, and how the tables are laid out. */
export interface TimestreamPanelSourceOptions {
  readonly queryClient: TimestreamQueryClient;
  readonly database: string;
  readonly rawTable: string;
  readonly aggregateTable: string;
  /** The raw table's record layout: picks the raw-readings panel written for it. */
  readonly layout: RecordLayout;
  /** The Grafana dashboard JSON. @default the repository's iot-room-conditions.json for the layout */
  readonly dashboard?: unknown;
  /**
   * How the account's queries are billed (TIMESTREAM_QUERY_BILLING, TIMESTREAM_TCU_HOUR_USD).
   * @default TCU billing at the default price
   */
  readonly queryBilling?: QueryBillingSettings;
}

/**
 * The Timestream adapter of the panel port: the panels of the Grafana dashboard for the Amazon Timestream data
 * source, each panel's SQL expanded by the same macro code Grafana's data source uses and run through the
 * Timestream Query client (local or AWS). Panels for the other record layout are left out.
 */
export function createTimestreamPanelSource(options: TimestreamPanelSourceOptions): PanelDataSource {
  const dashboard = options.dashboard ?? JSON.parse(readFileSync(dashboardFileFor(options.layout), 'utf8'));
  // the table is named in the target's Table field or, as the plugin's docs write it, in the SQL itself
  const sourceOf = (q: DashboardPanelQuery): PanelSource =>
    usesVariable(`${q.table ?? ''} ${q.rawQuery}`, 'raw_table') ? PanelSource.raw : PanelSource.aggregate;
  const queries = listDashboardPanels(dashboard).filter((q) => {
    if (sourceOf(q) !== PanelSource.raw) return true;
    const multiPanel = q.measure === multiMeasureName;
    return options.layout === 'multi' ? multiPanel : !multiPanel;
  });
  const byId = new Map(queries.map((q) => [q.panelId, q]));
  const variableQueries = listDashboardVariables(dashboard).flatMap((v) => (v.kind === 'query' ? [v] : []));
  const names = {
    database: options.database,
    raw_table: options.rawTable,
    aggregate_table: options.aggregateTable,
  };
  const panels: SourcePanel[] = queries.map((q) => ({
    id: q.panelId,
    title: q.title,
    type: q.type,
    ...(q.row === undefined ? {} : { row: q.row }),
    source: sourceOf(q),
    query: `${q.rawQuery} ${q.measure ?? ''}`,
    ...(q.timeFrom === undefined ? {} : { timeFrom: q.timeFrom }),
    ...(q.minInterval === undefined ? {} : { minInterval: q.minInterval }),
  }));

  /**
   * Runs a query; when it fails because a column cannot be resolved and the table has no columns but time
   * and measure_name (Timestream adds dimension and measure columns with the first record, so an empty
   * table has none), the answer is "no rows" instead of the error: the rollup has not run yet, or no
   * reading has arrived.
   */
  async function runOrNothing(sql: string, source: string, table: string): Promise<PanelResult> {
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
      return { columns: [], rows: [], bytesScanned: 0, elapsedMs: performance.now() - started };
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
        bytesScanned: r.bytesScanned ?? 0,
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

  return {
    dashboard,
    panels,
    names,
    queryCost: options.queryBilling ?? {
      model: defaults.timestreamQueryBilling,
      tcuHourUsd: defaults.timestreamTcuHourUsd,
    },

    async runPanel(panel, context) {
      const q = byId.get(panel.id)!;
      const sql = expandPanelQuery(q, {
        from: context.from,
        to: context.to,
        intervalMs: context.intervalMs,
        nowMs: context.nowMs,
        variables: { ...names, device: context.device, measure: context.measure },
      });
      const table = panel.source === PanelSource.raw ? options.rawTable : options.aggregateTable;
      const result = await runOrNothing(sql, `panel ${q.panelId} (${q.title})`, table);
      return { query: sql, result };
    },

    async variables(selection) {
      const out: VariableOptions[] = [];
      const context = {
        ...selection,
        intervalMs: 86_400_000,
        variables: { ...names, device: '', measure: '' },
      };
      for (const v of variableQueries) {
        const result = await runOrNothing(
          expandGrafanaMacros(v.rawQuery, context),
          `variable ${v.name}`,
          options.aggregateTable,
        );
        const values = result.rows.map((r) => String(r[0]));
        const scanned = result.bytesScanned ?? 0;
        if (values.length > 0 || (v.name !== 'device' && v.name !== 'measure')) {
          out.push({ name: v.name, options: values, source: PanelSource.aggregate, bytesScanned: scanned });
          continue;
        }
        const fallback = await rawFallback(v.name as 'device' | 'measure', selection);
        out.push({ ...fallback, bytesScanned: scanned + (fallback.bytesScanned ?? 0) });
      }
      return out;
    },
  };
}
