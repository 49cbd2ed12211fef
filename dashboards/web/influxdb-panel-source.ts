import { type InfluxDbClient, type InfluxSeries, quoteIdentifier } from '#adapters/influxdb-client';
import {
  expandInfluxDbPanelQuery,
  expandInfluxQlMacros,
  influxDbVariableValues,
  listInfluxDbPanelQueries,
  listInfluxDbVariables,
} from '../grafana/influxdb-macros';
import { PanelQueryError } from './errors';
import { influxSeriesToResult } from './influxdb-results';
import {
  type PanelDataSource,
  PanelSource,
  type SourcePanel,
  usesVariable,
  type VariableOptions,
} from './panel-service';

/** Where the InfluxDB panels' data comes from (STORAGE=influxdb). */
export interface InfluxDbPanelSourceOptions {
  readonly client: InfluxDbClient;
  /** INFLUXDB_DATABASE (or TIMESTREAM_DATABASE). */
  readonly database: string;
  /** RAW_TABLE: the raw measurement, the value of the dashboard's `raw_measurement` variable. */
  readonly rawMeasurement: string;
  /** AGGREGATE_TABLE: the aggregate measurement, the value of its `aggregate_measurement` variable. */
  readonly aggregateMeasurement: string;
  /**
   * The Grafana dashboard for the InfluxDB data source (InfluxQL mode), as `buildInfluxDbDashboard` makes it
   * for the configuration (its fleet panels group days in ROLLUP_TIMEZONE, so it is built, not read from the
   * shipped UTC file).
   */
  readonly dashboard: unknown;
}

/** The InfluxDB client's errors (HTTP status, unreachable server, InfluxQL error) as the panel shows them. */
function panelQueryError(error: unknown, source: string, query: string): PanelQueryError {
  const e = error instanceof Error ? error : new Error(String(error));
  const serverMessage = (e as Error & { serverMessage?: unknown }).serverMessage;
  return new PanelQueryError(
    source,
    query,
    e.name,
    typeof serverMessage === 'string' ? serverMessage : e.message,
  );
}

/**
 * The InfluxDB adapter of the panel port: the panels of the Grafana dashboard for the InfluxDB data source in
 * InfluxQL mode, each panel's InfluxQL expanded as Grafana does (its variables, `$timeFilter`, `$__interval`)
 * and run over InfluxDB's v1 query API; the results, whatever the schema the queries read, become columns
 * and rows (`influxSeriesToResult`): one line per series and value column. InfluxDB reports no bytes scanned
 * and Timestream for InfluxDB bills no query, so the cost model is `instance`.
 */
export function createInfluxDbPanelSource(options: InfluxDbPanelSourceOptions): PanelDataSource {
  const { client, database, dashboard } = options;
  const queries = listInfluxDbPanelQueries(dashboard);
  const variables = listInfluxDbVariables(dashboard);
  const names: Record<string, string> = {
    ...Object.fromEntries(variables.flatMap((v) => (v.kind === 'value' ? [[v.name, v.value]] : []))),
    raw_measurement: options.rawMeasurement,
    aggregate_measurement: options.aggregateMeasurement,
  };
  // a panel with several targets (one query per measure, say) is drawn from all of them
  const byId = new Map<number, (typeof queries)[number][]>();
  for (const q of queries) byId.set(q.panelId, [...(byId.get(q.panelId) ?? []), q]);
  const panels: SourcePanel[] = [...byId.values()].map((targets) => {
    const q = targets[0]!;
    const text = targets.map((t) => t.query).join('\n');
    return {
      id: q.panelId,
      title: q.title,
      type: q.type,
      source: usesVariable(text, 'raw_measurement') ? PanelSource.raw : PanelSource.aggregate,
      query: text,
      ...(q.timeFrom === undefined ? {} : { timeFrom: q.timeFrom }),
      ...(q.minInterval === undefined ? {} : { minInterval: q.minInterval }),
    };
  });

  const select = async (query: string, source: string): Promise<readonly InfluxSeries[]> => {
    try {
      const [result] = await client.query(database, query);
      return result?.series ?? [];
    } catch (error) {
      throw panelQueryError(error, source, query);
    }
  };

  /** Device and measure choices from the raw measurement (tag `deviceId`, a field per measure), before any rollup. */
  const rawFallback = async (name: 'device' | 'measure'): Promise<string[]> => {
    const raw = quoteIdentifier(options.rawMeasurement);
    if (name === 'device') {
      const query = `SHOW TAG VALUES FROM ${raw} WITH KEY = "deviceId"`;
      const series = await select(query, 'variable device (raw measurement)');
      return influxDbVariableValues({ query, regex: '' }, series).sort();
    }
    const query = `SHOW FIELD KEYS FROM ${raw}`;
    const series = await select(query, 'variable measure (raw measurement)');
    return series
      .flatMap((s) => s.values.filter((v) => v[1] === 'float' || v[1] === 'integer').map((v) => String(v[0])))
      .sort();
  };

  return {
    dashboard,
    panels,
    names,
    queryCost: { model: 'instance' },

    async runPanel(panel, context) {
      const targets = byId.get(panel.id)!;
      const expanded = targets.map((q) =>
        expandInfluxDbPanelQuery(q, {
          from: context.from,
          to: context.to,
          intervalMs: context.intervalMs,
          nowMs: context.nowMs,
          variables: { ...names, device: context.device, measure: context.measure },
        }),
      );
      const started = performance.now();
      const series = await Promise.all(
        expanded.map((query, i) =>
          select(
            query,
            `panel ${panel.id} (${panel.title})${targets.length > 1 ? ` ${targets[i]!.refId}` : ''}`,
          ),
        ),
      );
      return {
        query: expanded.join(';\n'),
        result: { ...influxSeriesToResult(series.flat()), elapsedMs: performance.now() - started },
      };
    },

    async variables(range) {
      const out: VariableOptions[] = [];
      for (const v of variables) {
        if (v.kind === 'value') continue;
        if (v.kind === 'custom') {
          out.push({ name: v.name, options: [...v.values], source: PanelSource.aggregate });
          continue;
        }
        const query = expandInfluxQlMacros(v.query, { ...range, intervalMs: 86_400_000, variables: names });
        const values = influxDbVariableValues({ ...v, query }, await select(query, `variable ${v.name}`));
        if (values.length > 0 || (v.name !== 'device' && v.name !== 'measure')) {
          out.push({ name: v.name, options: values, source: PanelSource.aggregate });
          continue;
        }
        out.push({ name: v.name, options: await rawFallback(v.name), source: PanelSource.raw });
      }
      return out;
    },
  };
}
