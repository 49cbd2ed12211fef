import { z } from 'zod';
import { InvalidDashboardError, InvalidMacroContextError, UnknownVariableError } from './errors';
import { expandGrafanaMacros, type GrafanaMacroContext, interpolateDashboardVariables } from './macros';

/** One query of one panel of a dashboard, as the Timestream data source receives it. */
export interface DashboardPanelQuery {
  readonly panelId: number;
  readonly title: string;
  /** Grafana panel type: `timeseries`, `table`, ... */
  readonly type: string;
  /** Title of the row the panel sits in, if any. */
  readonly row?: string;
  /** The panel is inside a collapsed row (Grafana runs it only when the row is opened). */
  readonly collapsed: boolean;
  readonly refId: string;
  /** The SQL with its macros and variables, as written in the dashboard. */
  readonly rawQuery: string;
  /**
   * The database/table/measure the query reads (may hold variables): the target's Database/Table/Measure
   * fields, or where the target leaves them empty (names written in the SQL, as the shipped dashboards do),
   * the SQL's first `FROM "db"."table"` and its first `measure_name = '...'` filter. Unset: neither says
   * (`$__database` and the like then take the data source defaults).
   */
  readonly database?: string;
  readonly table?: string;
  readonly measure?: string;
  /** Relative time override of the panel (e.g. `24h`: the panel shows the last 24 hours). */
  readonly timeFrom?: string;
  /** Minimum interval of the panel (e.g. `1m`). */
  readonly minInterval?: string;
}

/** A dashboard variable: a query (filled by SQL) or a textbox/constant (a value typed in the dashboard). */
export type DashboardVariable =
  | { readonly kind: 'query'; readonly name: string; readonly rawQuery: string }
  | { readonly kind: 'value'; readonly name: string; readonly value: string }
  | { readonly kind: 'datasource'; readonly name: string; readonly pluginId: string };

const target = z.looseObject({
  refId: z.string().default('A'),
  rawQuery: z.string().optional(),
  database: z.string().optional(),
  table: z.string().optional(),
  measure: z.string().optional(),
  hide: z.boolean().optional(),
});

const panelFields = {
  id: z.number().int(),
  type: z.string(),
  title: z.string().default(''),
  collapsed: z.boolean().optional(),
  targets: z.array(target).optional(),
  timeFrom: z.string().nullish(),
  interval: z.string().nullish(),
};
const panel = z.looseObject({
  ...panelFields,
  panels: z.array(z.looseObject(panelFields)).optional(),
});

const variable = z.looseObject({
  name: z.string(),
  type: z.string(),
  query: z.unknown().optional(),
  definition: z.string().optional(),
  current: z.looseObject({ value: z.unknown().optional() }).optional(),
});

const dashboardSchema = z.looseObject({
  panels: z.array(panel),
  templating: z.looseObject({ list: z.array(variable) }).optional(),
});
type Dashboard = z.infer<typeof dashboardSchema>;

function parseDashboard(json: unknown): Dashboard {
  const parsed = dashboardSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new InvalidDashboardError(
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

/** A quoted identifier (`"RoomCondition"`, `"${database}"`) or a `$__` macro. */
const sqlName = String.raw`("(?:[^"]|"")+"|\$__\w+)`;
const fromPattern = new RegExp(String.raw`\bFROM\s+${sqlName}\s*\.\s*${sqlName}`, 'i');
const measureNamePattern = /\bmeasure_name\s*=\s*'((?:[^']|'')*)'/i;

/** The database, table and measure a query names in its SQL (its first FROM and measure_name filter). */
function namesInSql(sql: string): { database?: string; table?: string; measure?: string } {
  const from = fromPattern.exec(sql);
  const measure = measureNamePattern.exec(sql);
  const own = (name: string | undefined) => (name === undefined || name.startsWith('$__') ? undefined : name);
  const database = own(from?.[1]);
  const table = own(from?.[2]);
  const measureName = measure?.[1] === '$__measure' ? undefined : measure?.[1];
  return {
    ...(database === undefined ? {} : { database }),
    ...(table === undefined ? {} : { table }),
    ...(measureName === undefined ? {} : { measure: measureName }),
  };
}

/**
 * Lists every query of every panel of a Grafana dashboard JSON, rows flattened (panels of collapsed rows
 * included and marked), hidden targets and targets without SQL left out. The local web dashboard uses it to
 * render the same panels as Grafana; the tests use it to run each panel's SQL.
 *
 * @example
 * for (const q of listDashboardPanels(JSON.parse(readFileSync('iot-room-conditions.json', 'utf8')))) {
 *   console.log(q.title, q.rawQuery);
 * }
 */
export function listDashboardPanels(json: unknown): DashboardPanelQuery[] {
  const dashboard = parseDashboard(json);
  const out: DashboardPanelQuery[] = [];
  let row: { title: string; collapsed: boolean } | undefined;
  const add = (p: z.infer<typeof panel>, inRow: typeof row) => {
    for (const t of p.targets ?? []) {
      if (t.hide || t.rawQuery === undefined || t.rawQuery.trim() === '') continue;
      const written = namesInSql(t.rawQuery);
      const database = t.database || written.database;
      const table = t.table || written.table;
      const measure = t.measure || written.measure;
      out.push({
        panelId: p.id,
        title: p.title,
        type: p.type,
        ...(inRow ? { row: inRow.title } : {}),
        collapsed: inRow?.collapsed ?? false,
        refId: t.refId,
        rawQuery: t.rawQuery,
        ...(database ? { database } : {}),
        ...(table ? { table } : {}),
        ...(measure ? { measure } : {}),
        ...(p.timeFrom ? { timeFrom: p.timeFrom } : {}),
        ...(p.interval ? { minInterval: p.interval } : {}),
      });
    }
  };
  for (const p of dashboard.panels) {
    if (p.type === 'row') {
      row = { title: p.title, collapsed: p.collapsed ?? false };
      for (const nested of p.panels ?? []) add(nested, { title: p.title, collapsed: true });
      continue;
    }
    add(p, row);
  }
  return out;
}

/** Lists the dashboard's variables: query variables with their SQL, textbox/constant ones with their value. */
export function listDashboardVariables(json: unknown): DashboardVariable[] {
  const dashboard = parseDashboard(json);
  const out: DashboardVariable[] = [];
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type === 'query') {
      const query = v.query;
      const sql =
        typeof query === 'string'
          ? query
          : typeof query === 'object' && query !== null && 'rawQuery' in query
            ? String((query as { rawQuery: unknown }).rawQuery)
            : (v.definition ?? '');
      out.push({ kind: 'query', name: v.name, rawQuery: sql });
    } else if (v.type === 'textbox' || v.type === 'constant') {
      const current = v.current?.value;
      out.push({ kind: 'value', name: v.name, value: String(current ?? v.query ?? '') });
    } else if (v.type === 'datasource') {
      out.push({ kind: 'datasource', name: v.name, pluginId: String(v.query ?? '') });
    }
  }
  return out;
}

/** The data source's defaults, used when a target does not pick its own database/table/measure. */
export interface DataSourceDefaults {
  readonly database?: string;
  readonly table?: string;
  readonly measure?: string;
}

const relativeUnits: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * The time range a panel runs with: the dashboard's, or with a relative override (`timeFrom: '24h'`) the
 * last N units up to `nowMs`, as Grafana does.
 */
export function panelTimeRange(
  query: Pick<DashboardPanelQuery, 'timeFrom'>,
  range: { readonly from: number; readonly to: number },
  nowMs: number,
): { from: number; to: number } {
  if (query.timeFrom === undefined) return { from: range.from, to: range.to };
  const match = /^(\d+)([smhdw])$/.exec(query.timeFrom.replace(/^now-/, ''));
  if (!match) {
    throw new InvalidMacroContextError(
      'timeFrom',
      query.timeFrom,
      'must be a relative time such as 24h or 7d',
    );
  }
  return { from: nowMs - Number(match[1]) * relativeUnits[match[2]!]!, to: nowMs };
}

/**
 * Expands one panel query as Grafana would run it: the panel's time override, the target's database/table/
 * measure (falling back to the data source defaults, also when the target's value is an unexpanded `${...}`,
 * as the plugin does), then {@link expandGrafanaMacros}.
 */
export function expandPanelQuery(
  query: DashboardPanelQuery,
  context: Omit<GrafanaMacroContext, 'database' | 'table' | 'measure'> & {
    readonly defaults?: DataSourceDefaults;
  },
): string {
  const nowMs = context.nowMs ?? Date.now();
  const range = panelTimeRange(query, context, nowMs);
  const variables = context.variables ?? {};
  // Grafana's frontend expands variables in the target's selection first; the plugin then falls back to
  // the data source default when the value is empty or still an unexpanded `${...}`.
  const pick = (own: string | undefined, fallback: string | undefined) => {
    if (own === undefined || own === '') return fallback;
    if (!own.startsWith('${')) return own;
    try {
      const value = interpolateDashboardVariables(own, variables, range);
      return value === '' ? fallback : value;
    } catch (error) {
      if (error instanceof UnknownVariableError) return fallback;
      throw error;
    }
  };
  const database = pick(query.database, context.defaults?.database);
  const table = pick(query.table, context.defaults?.table);
  const measure = pick(query.measure, context.defaults?.measure);
  return expandGrafanaMacros(query.rawQuery, {
    ...context,
    ...range,
    nowMs,
    ...(database === undefined ? {} : { database }),
    ...(table === undefined ? {} : { table }),
    ...(measure === undefined ? {} : { measure }),
  });
}
