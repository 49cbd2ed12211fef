import { UnknownMacroError, UnknownVariableError } from './errors';
import { checkMacroContext, formatVariable, replaceVariableReferences } from './variable-references';

/**
 * What Grafana and the Amazon Timestream data source know when they run a panel query: the dashboard time
 * range, the panel's interval, the query editor's database/table/measure and the dashboard variables.
 */
export interface GrafanaMacroContext {
  /** Start of the dashboard time range, epoch ms. */
  readonly from: number;
  /** End of the dashboard time range, epoch ms. */
  readonly to: number;
  /** The panel's interval (range / pixels, rounded by Grafana), ms; must be at least 1. */
  readonly intervalMs: number;
  /** "Now" for `$__now_ms`, epoch ms; default `Date.now()`. */
  readonly nowMs?: number;
  /**
   * The query editor's database, inserted verbatim for `$__database`. The editor stores it quoted
   * (`"RoomCondition"`), so the expansion is a quoted identifier; dashboard variables in it are expanded.
   */
  readonly database?: string;
  /** The query editor's table, inserted verbatim for `$__table` (see {@link database}). */
  readonly table?: string;
  /** The query editor's measure, inserted verbatim for `$__measure` (SQL writes `'$__measure'`). */
  readonly measure?: string;
  /**
   * Dashboard variables by name (without `$`). A list is a multi-value selection and becomes
   * `'a','b'` (SQL literals, `'` doubled), as the data source formats multi-value variables.
   */
  readonly variables?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Grafana's variable syntaxes: `$name`, `[[name]]` / `[[name:format]]`, `${name}` / `${name:format}`
 * (the same pattern as Grafana's template service).
 */
const variablePattern = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g;

/** Built-in interval variables that the frontend leaves for the data source's backend to expand. */
const backendVariables = new Set(['__interval', '__interval_ms']);

const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Explicit `${var:format}` formats (Grafana's names); the default is the data source's own (see below). */
const formats: Readonly<Record<string, (values: readonly string[]) => string>> = {
  raw: (values) => values.join(','),
  csv: (values) => values.join(','),
  pipe: (values) => values.join('|'),
  singlequote: (values) => values.map((v) => `'${v.replaceAll("'", "\\'")}'`).join(','),
  doublequote: (values) => values.map((v) => `"${v.replaceAll('"', '\\"')}"`).join(','),
  sqlstring: (values) => values.map(quoteLiteral).join(','),
};

/**
 * The data source's default format: a single value as it is, a multi-value selection as a list of SQL
 * literals (`'a','b'`), for `deviceId IN (${device})`.
 */
const defaultFormat = (value: string | readonly string[]) =>
  typeof value === 'string' ? value : value.map(quoteLiteral).join(',');

/**
 * Expands dashboard variables (`$device`, `${device}`, `[[device]]`, `${device:sqlstring}`) and Grafana's
 * global `$__from` / `$__to` (epoch ms), as Grafana's frontend does before a query is sent. The backend
 * macros (`$__timeFilter`, `$__interval_ms`, ...) are left in place. A variable with no value is an
 * {@link UnknownVariableError} (Grafana would send it unexpanded and Timestream would fail on it).
 *
 * @example
 * interpolateDashboardVariables("deviceId IN (${device})", { device: ['a', 'b'] }); // "deviceId IN ('a','b')"
 */
export function interpolateDashboardVariables(
  text: string,
  variables: Readonly<Record<string, string | readonly string[]>>,
  range?: { readonly from: number; readonly to: number },
): string {
  return replaceVariableReferences(text, variablePattern, (reference) => {
    const { name, format } = reference;
    if (name.startsWith('__')) {
      if (backendVariables.has(name) || (reference.plain && !isGlobalVariable(name))) return reference.text;
      if (range && name === '__from') return String(Math.trunc(range.from));
      if (range && name === '__to') return String(Math.trunc(range.to));
      return reference.text;
    }
    const value = variables[name];
    if (value === undefined) throw new UnknownVariableError(name, Object.keys(variables));
    if (format === undefined) return defaultFormat(value);
    return formatVariable(formats, { ...reference, format }, typeof value === 'string' ? [value] : value);
  });
}

const isGlobalVariable = (name: string) => name === '__from' || name === '__to';

/** The macros of the Amazon Timestream data source's backend (`pkg/timestream/macros.go`). */
const macroPattern = /\$__(\w+)/g;

/**
 * Expands a panel's SQL as Grafana with the Amazon Timestream data source does, so that the same SQL can
 * be run outside Grafana (the local web dashboard, tests against the local Timestream). First the dashboard
 * variables (see {@link interpolateDashboardVariables}, also applied to database, table and measure), then:
 *
 * - `$__timeFilter` -> `time BETWEEN from_milliseconds(<from>) AND from_milliseconds(<to>)`
 * - `$__timeFrom`, `$__timeTo`, `$__now_ms` -> epoch ms numbers
 * - `$__interval`, `$__interval_ms` -> a duration literal such as `60000ms`; `$__interval_raw_ms` -> `60000`
 * - `$__database`, `$__table`, `$__measure` -> the context's values, verbatim
 *
 * An unknown `$__` macro, or `$__database` / `$__table` / `$__measure` with no value, is an
 * {@link UnknownMacroError}.
 *
 * @example
 * expandGrafanaMacros('SELECT * FROM $__database.$__table WHERE $__timeFilter', {
 *   from: 0, to: 86_400_000, intervalMs: 60_000, database: '"RoomCondition"', table: '"conditions"',
 * }); // 'SELECT * FROM "RoomCondition"."conditions" WHERE time BETWEEN from_milliseconds(0) AND ...'
 */
export function expandGrafanaMacros(sql: string, context: GrafanaMacroContext): string {
  checkMacroContext(context);
  const variables = context.variables ?? {};
  const range = { from: context.from, to: context.to };
  const selected = (value: string | undefined) =>
    value === undefined ? undefined : interpolateDashboardVariables(value, variables, range);
  const selection = {
    database: selected(context.database),
    table: selected(context.table),
    measure: selected(context.measure),
  };
  const use = (match: string, field: keyof typeof selection) => {
    const value = selection[field];
    if (value === undefined || value === '') {
      throw new UnknownMacroError(
        match,
        `the query has no ${field}: set the target's or the data source's ${field}`,
      );
    }
    return value;
  };
  const from = Math.trunc(context.from);
  const to = Math.trunc(context.to);
  const interval = Math.trunc(context.intervalMs);
  const now = Math.trunc(context.nowMs ?? Date.now());
  const withVariables = interpolateDashboardVariables(sql, variables, range);
  return withVariables.replace(macroPattern, (match, name: string) => {
    switch (name) {
      case 'database':
      case 'table':
      case 'measure':
        return use(match, name as keyof typeof selection);
      case 'timeFilter':
        return `time BETWEEN from_milliseconds(${from}) AND from_milliseconds(${to})`;
      case 'timeFrom':
        return String(from);
      case 'timeTo':
        return String(to);
      case 'interval':
      case 'interval_ms':
        return `${interval}ms`;
      case 'interval_raw_ms':
        return String(interval);
      case 'now_ms':
        return String(now);
      case 'intervalStr':
        throw new UnknownMacroError(match, 'removed from the data source: use $__interval_ms');
      default:
        throw new UnknownMacroError(
          match,
          'not a Timestream data source macro: use $__timeFilter, $__timeFrom, $__timeTo, $__interval_ms, ' +
            '$__interval_raw_ms, $__now_ms, $__database, $__table or $__measure',
        );
    }
  });
}
