import { z } from 'zod';
import { panelTimeRange } from './dashboard-panels';
import { InvalidDashboardError, UnknownMacroError, UnknownVariableError } from './errors';
import { checkMacroContext, formatVariable, replaceVariableReferences } from './variable-references';

/**
 * What an InfluxQL query of a panel runs with in Grafana's InfluxDB data source (InfluxQL mode): the panel's time
 * range, the interval Grafana computed for it, and the dashboard variables' current values.
 */
export interface InfluxQlMacroContext {
  /** Range start, epoch ms. */
  readonly from: number;
  /** Range end, epoch ms. */
  readonly to: number;
  /** The panel's interval in ms (`$__interval`, `$interval`, `$__interval_ms`). */
  readonly intervalMs: number;
  /** Current value of every dashboard variable the query uses (single-value variables). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** `$name`, `[[name]]`, `${name}` or `${name:format}`: Grafana's variable syntaxes. */
const variablePattern = /\$(\w+)|\[\[(\w+)(?::(\w+))?\]\]|\$\{(\w+)(?::(\w+))?\}/g;

/** The macros Grafana's InfluxQL backend replaces (`pkg/tsdb/influxdb/influxql`): never dashboard variables. */
const backendMacros = new Set(['timeFilter', 'interval', '__interval', '__interval_ms']);

/** Grafana's `escapeRegex` (`@grafana/data`): the characters of a regular expression, backslashed. */
const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/**
 * An InfluxQL regular expression written after `=~` or `!~` (`/^$device$/`), as Grafana's InfluxDB data source
 * finds them (its `interpolateQueryExpr`) to decide whether a single-value variable is regex-escaped.
 */
const regexLiteralPattern = /(\s*[=!]~\s*\/)((?:[^\r\n[/\\]|\\.|\[(?:[^\r\n\]\\]|\\.)*\])+)\//g;

/**
 * Grafana's default InfluxQL formatting of a single-value variable: a value that starts like a number
 * (`parseFloat` is not NaN) as it is; otherwise, when the variable is used inside a regular expression of the
 * query (`"deviceId" =~ /^$device$/`), regex-escaped; elsewhere (`"$measure"`, `FROM "$raw_measurement"`) as
 * it is. So the dashboard filters tags with `=~ /^$var$/`, the form that stays correct for any value.
 */
function formatValue(value: string, name: string, query: string): string {
  if (!Number.isNaN(Number.parseFloat(value))) return value;
  const usedInRegex = new RegExp(String.raw`\/(?:\^)?(.*)(\$\{?${name}\b)`);
  for (const match of query.matchAll(regexLiteralPattern)) {
    if (usedInRegex.test(match[0])) return escapeRegex(value);
  }
  return value;
}

const formats: Readonly<Record<string, (value: string) => string>> = {
  raw: (value) => value,
  regex: escapeRegex,
  doublequote: (value) => `"${value.replace(/"/g, '\\"')}"`,
  singlequote: (value) => `'${value.replace(/'/g, "\\'")}'`,
};

/**
 * Replaces the dashboard variables of an InfluxQL query as Grafana's frontend does for the InfluxDB data
 * source (`$var`, `[[var]]`, `${var}`, `${var:raw|regex|doublequote|singlequote}`), leaving the backend
 * macros (`$timeFilter`, `$__interval`, `$interval`, `$__interval_ms`) in place. A variable with no value is an
 * {@link UnknownVariableError}: Grafana would send it unexpanded and InfluxDB would fail on it or match nothing.
 *
 * @example
 * interpolateInfluxQlVariables('SELECT "$measure" FROM "m" WHERE "deviceId" =~ /^$device$/', {
 *   measure: 'co2', device: 'room.1',
 * }); // 'SELECT "co2" FROM "m" WHERE "deviceId" =~ /^room\.1$/'
 */
export function interpolateInfluxQlVariables(
  query: string,
  variables: Readonly<Record<string, string>>,
): string {
  return replaceVariableReferences(query, variablePattern, (reference) => {
    const { name, format } = reference;
    if (backendMacros.has(name) || name.startsWith('__')) return reference.text;
    const value = variables[name];
    if (value === undefined) throw new UnknownVariableError(name, Object.keys(variables));
    if (format === undefined) return formatValue(value, name, query);
    return formatVariable(formats, { ...reference, format }, value);
  });
}

/**
 * Grafana's interval text (`gtime.FormatInterval`): the largest whole unit, `1d`, `2h`, `5m`, `30s`, `250ms`.
 * InfluxQL reads the same duration literals.
 */
export function influxIntervalText(intervalMs: number): string {
  const units: readonly [number, string][] = [
    [365 * 86_400_000, 'y'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
    [1, 'ms'],
  ];
  for (const [size, unit] of units) {
    if (intervalMs >= size) return `${Math.floor(intervalMs / size)}${unit}`;
  }
  return '1ms';
}

/**
 * Expands an InfluxQL query as Grafana's InfluxDB data source (InfluxQL mode) does before sending it: the
 * dashboard variables ({@link interpolateInfluxQlVariables}), then the backend's macros:
 *
 * - `$timeFilter` -> `time >= <from>ms and time <= <to>ms`
 * - `$__interval`, `$interval` -> the interval text (`1m`, `1d`, ...); `$__interval_ms` -> `60000`
 *
 * Any other `$__` macro is an {@link UnknownMacroError} (`$__timeFilter` belongs to the SQL mode).
 *
 * @example
 * expandInfluxQlMacros('SELECT mean("co2") FROM "conditions" WHERE $timeFilter GROUP BY time($__interval)', {
 *   from: 0, to: 3_600_000, intervalMs: 60_000,
 * }); // '... WHERE time >= 0ms and time <= 3600000ms GROUP BY time(1m)'
 */
export function expandInfluxQlMacros(query: string, context: InfluxQlMacroContext): string {
  checkMacroContext({ from: context.from, to: context.to, intervalMs: context.intervalMs });
  const interval = Math.trunc(context.intervalMs);
  const withVariables = interpolateInfluxQlVariables(query, context.variables ?? {});
  return withVariables.replace(/\$(__\w+|timeFilter|interval)\b/g, (match, name: string) => {
    switch (name) {
      case 'timeFilter':
        return `time >= ${Math.trunc(context.from)}ms and time <= ${Math.trunc(context.to)}ms`;
      case 'interval':
      case '__interval':
        return influxIntervalText(interval);
      case '__interval_ms':
        return String(interval);
      default:
        throw new UnknownMacroError(
          match,
          'not a macro of the InfluxDB data source in InfluxQL mode: use $timeFilter, $__interval or $__interval_ms',
        );
    }
  });
}

/** One InfluxQL query of one panel of an InfluxDB dashboard. */
export interface InfluxDbPanelQuery {
  readonly panelId: number;
  readonly title: string;
  /** Grafana panel type: `timeseries`, `table`, ... */
  readonly type: string;
  readonly refId: string;
  /** The InfluxQL with its macros and variables, as written in the dashboard. */
  readonly query: string;
  /** `time_series` or `table`. */
  readonly resultFormat: string;
  /** Relative time override of the panel (e.g. `24h`). */
  readonly timeFrom?: string;
  /** Minimum interval of the panel (e.g. `1m`). */
  readonly minInterval?: string;
}

/**
 * A variable of an InfluxDB dashboard: a query variable (an InfluxQL metaquery, the regex Grafana applies to
 * its answers, `''` for none, and its sort, 0 for none), a custom variable (its list of values) or a textbox
 * value.
 */
export type InfluxDbDashboardVariable =
  | {
      readonly kind: 'query';
      readonly name: string;
      readonly query: string;
      readonly regex: string;
      readonly sort: number;
    }
  | { readonly kind: 'custom'; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: 'value'; readonly name: string; readonly value: string };

/** Grafana's `stringToJsRegex` (`@grafana/data`): `/body/flags`, or a bare pattern that must match whole. */
function variableRegex(text: string): RegExp {
  if (!text.startsWith('/')) return new RegExp(`^${text}$`);
  const match = /^\/(.*?)\/(g?i?m?y?s?)$/.exec(text);
  if (!match) throw new InvalidDashboardError([`variable regex ${JSON.stringify(text)}: not /pattern/flags`]);
  return new RegExp(match[1]!, match[2]);
}

/**
 * The values a query variable offers, from the InfluxDB answer to its metaquery, as Grafana's InfluxDB data
 * source and variable code take them: each row's first column for `SHOW FIELD KEYS` (and `SHOW RETENTION
 * POLICIES`), the second for the others (`SHOW TAG VALUES` answers `[key, value]`), nulls left out; then the
 * variable's regex keeps the matching values, each replaced by its `value` named group or its first capture
 * group when it has one; duplicates once, in answer order; then its `sort`: 0 keeps the order, odd sorts
 * ascend and even ones descend (3 and 4 by the number in the value, 5 and 6 as text ignoring case, 1 and 2 as
 * text).
 *
 * @example
 * influxDbVariableValues({ query: 'SHOW FIELD KEYS FROM "daily"', regex: '/^(.+)_avg$/' },
 *   [{ values: [['co2_avg', 'float'], ['co2_count', 'integer']] }]); // ['co2']
 */
export function influxDbVariableValues(
  variable: { readonly query: string; readonly regex: string; readonly sort?: number },
  series: readonly { readonly values: readonly (readonly unknown[])[] }[],
): string[] {
  const valueFirst = /show\s+(field\s+keys|retention\s+policies)/i.test(variable.query);
  const regex = variable.regex === '' ? undefined : variableRegex(variable.regex);
  const out = new Set<string>();
  for (const s of series) {
    for (const row of s.values) {
      const raw = valueFirst || row[1] === undefined ? row[0] : row[1];
      if (raw === null || raw === undefined) continue;
      let value = String(raw);
      if (regex) {
        regex.lastIndex = 0;
        const match = regex.exec(value);
        if (!match) continue;
        const named = match.groups?.value;
        if (named !== undefined) value = named;
        else if (match.length > 1 && match[1] !== undefined) value = match[1];
      }
      out.add(value);
    }
  }
  return sortVariableValues([...out], variable.sort ?? 0);
}

/** A variable's `sort` as Grafana applies it (see {@link influxDbVariableValues}). */
function sortVariableValues(values: string[], sort: number): string[] {
  if (sort <= 0) return values;
  const numberOf = (v: string) => Number(/-?\d+(\.\d+)?/.exec(v)?.[0] ?? Number.NaN);
  const compare =
    sort === 3 || sort === 4
      ? (a: string, b: string) => numberOf(a) - numberOf(b)
      : sort === 5 || sort === 6
        ? (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())
        : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  values.sort(compare);
  if (sort % 2 === 0) values.reverse();
  return values;
}

const target = z.looseObject({
  refId: z.string().default('A'),
  query: z.string().optional(),
  rawQuery: z.boolean().optional(),
  resultFormat: z.string().default('time_series'),
  hide: z.boolean().optional(),
});
const panelFields = {
  id: z.number().int(),
  type: z.string(),
  title: z.string().default(''),
  targets: z.array(target).optional(),
  timeFrom: z.string().nullish(),
  interval: z.string().nullish(),
};
const dashboardSchema = z.looseObject({
  panels: z.array(z.looseObject({ ...panelFields, panels: z.array(z.looseObject(panelFields)).optional() })),
  templating: z
    .looseObject({
      list: z.array(
        z.looseObject({
          name: z.string(),
          type: z.string(),
          query: z.unknown().optional(),
          regex: z.string().optional(),
          sort: z.number().optional(),
          current: z.looseObject({ value: z.unknown().optional() }).optional(),
        }),
      ),
    })
    .optional(),
});

function parseDashboard(json: unknown) {
  const parsed = dashboardSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new InvalidDashboardError(
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

/**
 * Every raw InfluxQL query of every panel of an InfluxDB dashboard JSON (rows flattened, hidden targets and
 * targets of the visual editor left out), so that tests and benchmarks run the very queries Grafana runs.
 */
export function listInfluxDbPanelQueries(json: unknown): InfluxDbPanelQuery[] {
  const out: InfluxDbPanelQuery[] = [];
  const add = (p: z.infer<typeof dashboardSchema>['panels'][number]) => {
    for (const t of p.targets ?? []) {
      if (t.hide || t.rawQuery !== true || t.query === undefined || t.query.trim() === '') continue;
      out.push({
        panelId: p.id,
        title: p.title,
        type: p.type,
        refId: t.refId,
        query: t.query,
        resultFormat: t.resultFormat,
        ...(p.timeFrom ? { timeFrom: p.timeFrom } : {}),
        ...(p.interval ? { minInterval: p.interval } : {}),
      });
    }
  };
  for (const p of parseDashboard(json).panels) {
    add(p);
    for (const nested of p.panels ?? []) add({ ...nested, panels: [] });
  }
  return out;
}

/** The dashboard's query variables (their InfluxQL) and textbox/constant variables (their value). */
export function listInfluxDbVariables(json: unknown): InfluxDbDashboardVariable[] {
  const out: InfluxDbDashboardVariable[] = [];
  for (const v of parseDashboard(json).templating?.list ?? []) {
    if (v.type === 'query') {
      const q = v.query;
      const text =
        typeof q === 'object' && q !== null && 'query' in q
          ? String((q as { query: unknown }).query)
          : String(q ?? '');
      out.push({ kind: 'query', name: v.name, query: text, regex: v.regex ?? '', sort: v.sort ?? 0 });
    } else if (v.type === 'custom' && typeof v.query === 'string') {
      // its comma-separated list (`co2,humidity`, or `CO2 : co2,...` text : value), as Grafana splits it
      const values = (v.query.match(/(?:\\,|[^,])+/g) ?? []).map((item) => {
        const [text, value] = item.split(/\s+:\s+/);
        return (value ?? text ?? '').replace(/\\,/g, ',').trim();
      });
      out.push({ kind: 'custom', name: v.name, values: values.filter((x) => x !== '') });
    } else if (v.type === 'textbox' || v.type === 'constant') {
      out.push({ kind: 'value', name: v.name, value: String(v.current?.value ?? v.query ?? '') });
    }
  }
  return out;
}

/**
 * Expands one panel query as Grafana would run it: the panel's relative time override (`24h`: the last 24
 * hours up to `nowMs`), then {@link expandInfluxQlMacros}.
 */
export function expandInfluxDbPanelQuery(
  panel: Pick<InfluxDbPanelQuery, 'query' | 'timeFrom'>,
  context: InfluxQlMacroContext & { readonly nowMs?: number },
): string {
  const range = panelTimeRange(panel, context, context.nowMs ?? Date.now());
  return expandInfluxQlMacros(panel.query, { ...context, ...range });
}
