import type { ArrayCall } from './call-arguments';
import { TIME_SERIES_TIME_FIELD as TIME, TIME_SERIES_VALUE_FIELD as VALUE } from './functions';
import { type Token, TokenKind } from './tokenizer';

/**
 * Timestream's time-series functions (interpolation, derivatives, integral, correlation) and SEQUENCE, as DuckDB
 * list expressions. A time series is a DuckDB list of STRUCT("time", "value") ordered by time (what
 * CREATE_TIME_SERIES builds); the functions work on it with list lambdas, so they run wherever an expression
 * may stand (in a GROUP BY query around CREATE_TIME_SERIES, on a WITH query's column, ...).
 *
 * Generated lambda parameters start with `__ts_` so they never hide a column the user's expressions name.
 */

/** `body` with `name` bound to the value of `expr`, which is evaluated once: DuckDB has no LET. */
export const bind = (expr: string, name: string, body: string): string =>
  `list_transform([${expr}], ${name} -> ${body})[1]`;

const point = (time: string, value: string) => `struct_pack("${TIME}" := ${time}, "${VALUE}" := ${value})`;
const t = (p: string) => `${p}."${TIME}"`;
const v = (p: string) => `${p}."${VALUE}"`;
const dbl = (x: string) => `CAST(${x} AS DOUBLE)`;
const ns = (x: string) => `epoch_ns(${x})`;

/** Functions whose result is an array: an argument starting with one of them is an array (see isArrayArgument). */
const ARRAY_RESULT_FUNCTIONS = new Set([
  'sequence',
  'array_distinct',
  'array_intersect',
  'array_union',
  'array_except',
  'array_remove',
  'array_sort',
  'array_agg',
  'filter',
  'transform',
  'repeat',
  'shuffle',
  'slice',
  'zip',
  'split',
  'regexp_extract_all',
  'regexp_split',
]);

/** True when argument i is written as an array: `ARRAY[...]` or a call of a function that returns one. */
export function isArrayArgument(call: ArrayCall, i: number): boolean {
  const first = call.first(i);
  if (first === undefined || first.kind !== TokenKind.Word) return false;
  if (first.value === 'array') return call.firstIsFollowedBy(i, '[');
  return ARRAY_RESULT_FUNCTIONS.has(first.value) && call.firstIsFollowedBy(i, '(');
}

/** The length of an interval argument in nanoseconds, as a DuckDB DOUBLE expression. */
function intervalNanos(call: ArrayCall, i: number): string {
  const d: Token | undefined = call.single(i);
  if (d?.kind === TokenKind.Duration) return `CAST(${(d.nanos as bigint).toString()} AS DOUBLE)`;
  return `(epoch(${call.arg(i)}) * 1e9)`;
}

/** Index (1-based) of the last point of series `s` at or before time `at`; 0 when there is none. */
const lastAtOrBefore = (s: string, at: string) => `len(list_filter(${s}, __ts_p -> ${t('__ts_p')} <= ${at}))`;

/**
 * The timestamps of list `q` in time order, each with the number of points of series `s` at or before it:
 * one sort of both together (points before timestamps at equal times), so a query timestamp's position in the
 * sorted whole, less its rank among the timestamps, counts the points before it. O((n + m) log(n + m)),
 * where counting per timestamp would be O(n * m).
 */
const timestampsWithCounts = (s: string, q: string) =>
  `list_transform(list_filter(list_transform(list_sort(list_concat(` +
  `list_transform(${s}, __ts_p -> struct_pack(t := CAST(${t('__ts_p')} AS TIMESTAMP_NS), k := 0)), ` +
  `list_transform(${q}, __ts_p -> struct_pack(t := __ts_p, k := 1)))), ` +
  `(__ts_e, __ts_n) -> struct_pack(t := __ts_e.t, k := __ts_e.k, n := __ts_n)), __ts_e -> __ts_e.k = 1), ` +
  `(__ts_e, __ts_r) -> struct_pack(t := __ts_e.t, i := __ts_e.n - __ts_r))`;

type ValueAt = (s: string, at: string, i: string) => string;

const linearAt: ValueAt = (s, at, i) =>
  `CASE WHEN ${i} = 0 THEN NULL WHEN ${t(`${s}[${i}]`)} = ${at} THEN ${dbl(v(`${s}[${i}]`))} WHEN ${i} = len(${s}) THEN NULL ` +
  `ELSE ${dbl(v(`${s}[${i}]`))} + (${dbl(v(`${s}[${i} + 1]`))} - ${dbl(v(`${s}[${i}]`))}) * ` +
  `${dbl(`${ns(at)} - ${ns(t(`${s}[${i}]`))}`)} / ${dbl(`${ns(t(`${s}[${i} + 1]`))} - ${ns(t(`${s}[${i}]`))}`)} END`;

/**
 * INTERPOLATE_SPLINE_CUBIC: a natural cubic spline through the points (second derivative 0 at both ends; the
 * algorithm of Apache Commons Math's SplineInterpolator, which needs at least 3 points: with fewer there is no
 * value), NULL (left out) outside the first and last point. Times are seconds since the first point. The
 * tridiagonal system is solved once per series with two list_reduce sweeps: forward (mu, z), then backward
 * (the coefficients c); each timestamp then evaluates its segment's cubic.
 */
function splineInterpolation(c: ArrayCall): string {
  c.arity(2);
  const [x, y, u, j] = ['__ts_x', '__ts_y', '__ts_u', '__ts_j'];
  const h = (k: string) => `(${x}[${k} + 1] - ${x}[${k}])`;
  const seconds = (time: string) => `(${ns(time)} - ${ns(t('__ts_s[1]'))}) / 1e9`;
  const k = '__ts_e.k';
  const g = `2e0 * (${x}[${k} + 1] - ${x}[${k} - 1]) - ${h(`${k} - 1`)} * __ts_a.mu[-1]`;
  const z =
    `(3e0 * (${y}[${k} + 1] * ${h(`${k} - 1`)} - ${y}[${k}] * (${x}[${k} + 1] - ${x}[${k} - 1]) + ${y}[${k} - 1] * ${h(k)}) ` +
    `/ (${h(`${k} - 1`)} * ${h(k)}) - ${h(`${k} - 1`)} * __ts_a.z[-1]) / __ts_g`;
  const forward =
    `list_reduce(list_transform(range(1, len(${x})), __ts_k -> struct_pack(k := __ts_k, mu := [0e0], z := [0e0])), ` +
    `(__ts_a, __ts_e) -> ${bind(g, '__ts_g', `struct_pack(k := ${k}, mu := list_append(__ts_a.mu, ${h(k)} / __ts_g), z := list_append(__ts_a.z, ${z}))`)})`;
  const backward = `struct_extract(list_reduce(list_transform(list_reverse(range(1, len(${x}) + 1)), __ts_k -> struct_pack(j := __ts_k, c := [0e0])), (__ts_a, __ts_e) -> struct_pack(j := __ts_e.j, c := list_prepend(__ts_f.z[__ts_e.j] - __ts_f.mu[__ts_e.j] * __ts_a.c[1], __ts_a.c))), 'c')`;
  const dt = `(${u} - ${x}[${j}])`;
  const b = `((${y}[${j} + 1] - ${y}[${j}]) / ${h(j)} - ${h(j)} * (__ts_c[${j} + 1] + 2e0 * __ts_c[${j}]) / 3e0)`;
  const d = `((__ts_c[${j} + 1] - __ts_c[${j}]) / (3e0 * ${h(j)}))`;
  // Horner's rule, as Commons Math's PolynomialFunction evaluates a segment
  const cubic = `((${d} * ${dt} + __ts_c[${j}]) * ${dt} + ${b}) * ${dt} + ${y}[${j}]`;
  // count: the number of points at or before the time
  const valueAt = (time: string, count: string) =>
    bind(
      seconds(time),
      u,
      `CASE WHEN len(${x}) < 3 OR ${u} < ${x}[1] OR ${u} > ${x}[-1] THEN NULL ELSE ${bind(`least(${count}, len(${x}) - 1)`, j, cubic)} END`,
    );
  const result = isArrayArgument(c, 1)
    ? `list_filter(list_transform(${timestampsWithCounts('__ts_s', timestampList(c.arg(1)))}, __ts_w -> ${point('__ts_w.t', valueAt('__ts_w.t', '__ts_w.i'))}), __ts_r -> ${v('__ts_r')} IS NOT NULL)`
    : bind(timestampValue(c, 1), '__ts_t', valueAt('__ts_t', lastAtOrBefore('__ts_s', '__ts_t')));
  const coefficients = `CASE WHEN len(${x}) < 3 THEN NULL ELSE ${forward} END`;
  return bind(
    c.arg(0),
    '__ts_s',
    bind(
      `list_transform(__ts_s, __ts_p -> ${seconds(t('__ts_p'))})`,
      x,
      bind(
        `list_transform(__ts_s, __ts_p -> ${dbl(v('__ts_p'))})`,
        y,
        bind(
          coefficients,
          '__ts_f',
          bind(`CASE WHEN __ts_f IS NULL THEN NULL ELSE ${backward} END`, '__ts_c', result),
        ),
      ),
    ),
  );
}

const locfAt: ValueAt = (s, _at, i) => `CASE WHEN ${i} = 0 THEN NULL ELSE ${v(`${s}[${i}]`)} END`;

const fillAt =
  (fill: string): ValueAt =>
  (s, at, i) =>
    `CASE WHEN ${i} > 0 AND ${t(`${s}[${i}]`)} = ${at} THEN ${v(`${s}[${i}]`)} ELSE ${fill} END`;

/**
 * An interpolation: with an array of timestamps, the series resampled at those timestamps (timestamps where
 * the method gives no value, such as before the first point, are left out); with one timestamp, the value there.
 */
function interpolation(valueAt: (c: ArrayCall) => ValueAt, arity: number) {
  return (c: ArrayCall): string => {
    c.arity(arity);
    const at = valueAt(c);
    const valueAtTime = (s: string, time: string) =>
      bind(lastAtOrBefore(s, time), '__ts_i', at(s, time, '__ts_i'));
    if (isArrayArgument(c, 1)) {
      const counted = timestampsWithCounts('__ts_s', timestampList(c.arg(1)));
      const resampled = `list_transform(${counted}, __ts_w -> ${point('__ts_w.t', at('__ts_s', '__ts_w.t', '__ts_w.i'))})`;
      return bind(c.arg(0), '__ts_s', `list_filter(${resampled}, __ts_r -> ${v('__ts_r')} IS NOT NULL)`);
    }
    return bind(c.arg(0), '__ts_s', bind(timestampValue(c, 1), '__ts_t', valueAtTime('__ts_s', '__ts_t')));
  };
}

const timestampList = (sql: string) => `CAST(${sql} AS TIMESTAMP_NS[])`;

/** A timestamp argument: a string literal ('2023-04-02 19:26:12.941') is read as a timestamp, as Timestream does. */
function timestampValue(c: ArrayCall, i: number): string {
  const token = c.single(i);
  if (token?.kind === TokenKind.String) return `CAST(${c.arg(i)} AS TIMESTAMP_NS)`;
  return c.arg(i);
}

/** Per consecutive pair of points i-1, i (i from 2): `f(previous, current)` as a list. */
const pairs = (s: string, f: (prev: string, cur: string) => string) =>
  `list_transform(range(2, len(${s}) + 1), __ts_i -> ${f(`${s}[__ts_i - 1]`, `${s}[__ts_i]`)})`;

function derivative(nonNegative: boolean) {
  return (c: ArrayCall): string => {
    c.arity(2);
    const per = intervalNanos(c, 1);
    const rates = pairs('__ts_s', (a, b) =>
      point(t(b), `(${dbl(v(b))} - ${dbl(v(a))}) * ${per} / ${dbl(`${ns(t(b))} - ${ns(t(a))}`)}`),
    );
    const body = nonNegative ? `list_filter(${rates}, __ts_r -> ${v('__ts_r')} >= 0)` : rates;
    return bind(c.arg(0), '__ts_s', body);
  };
}

function integral(c: ArrayCall): string {
  c.arity(1, 2);
  const per = c.count === 2 ? intervalNanos(c, 1) : '1e9';
  const areas = pairs(
    '__ts_s',
    (a, b) => `(${dbl(v(a))} + ${dbl(v(b))}) / 2e0 * ${dbl(`${ns(t(b))} - ${ns(t(a))}`)} / ${per}`,
  );
  return bind(
    c.arg(0),
    '__ts_s',
    `CASE WHEN __ts_s IS NULL THEN NULL ELSE coalesce(list_sum(${areas}), 0e0) END`,
  );
}

/** Pearson's coefficient of two equally long lists of doubles x, y. */
function pearson(x: string, y: string): string {
  const dev = (l: string, mean: string) => `list_transform(${l}, __ts_e -> __ts_e - ${mean})`;
  return bind(
    dev(x, `list_avg(${x})`),
    '__ts_dx',
    bind(
      dev(y, `list_avg(${y})`),
      '__ts_dy',
      `list_sum(list_transform(range(1, len(__ts_dx) + 1), __ts_i -> __ts_dx[__ts_i] * __ts_dy[__ts_i])) / ` +
        `sqrt(list_sum(list_transform(__ts_dx, __ts_e -> __ts_e * __ts_e)) * list_sum(list_transform(__ts_dy, __ts_e -> __ts_e * __ts_e)))`,
    ),
  );
}

/** Ranks of the values of a list (ties get the average of their ranks), as Spearman's coefficient uses. */
const ranks = (l: string) =>
  `list_transform(${l}, __ts_e -> len(list_filter(${l}, __ts_o -> __ts_o < __ts_e)) + (len(list_filter(${l}, __ts_o -> __ts_o = __ts_e)) + 1) / 2e0)`;

function correlation(name: string, spearman: boolean) {
  return (c: ArrayCall): string => {
    c.arity(2);
    const values = (s: string) => `list_transform(${s}, __ts_p -> ${dbl(v('__ts_p'))})`;
    const times = (s: string) => `list_transform(${s}, __ts_p -> ${t('__ts_p')})`;
    const x = spearman ? ranks(values('__ts_a')) : values('__ts_a');
    const y = spearman ? ranks(values('__ts_b')) : values('__ts_b');
    const check = `CASE WHEN ${times('__ts_a')} <> ${times('__ts_b')} THEN error('${name}: the two time series must have the same timestamps') ELSE ${pearson(x, y)} END`;
    return bind(c.arg(0), '__ts_a', bind(c.arg(1), '__ts_b', check));
  };
}

/** True when argument i is a number literal (possibly negative). */
function isNumberLiteral(c: ArrayCall, i: number): boolean {
  const first = c.first(i);
  return (
    first?.kind === TokenKind.Number ||
    (first?.kind === TokenKind.Symbol && first.value === '-' && c.second(i)?.kind === TokenKind.Number)
  );
}

/**
 * SEQUENCE(start, stop[, step]): integers (step 1 or -1 by default) or timestamps (step an interval, 1 day by
 * default; string literals are read as timestamps). Which one is decided by the arguments as written: integer
 * literals make an integer sequence, anything else a timestamp sequence (DuckDB refuses the call, naming the
 * types, when the arguments then turn out to be integers).
 */
function sequence(c: ArrayCall): string {
  c.arity(2, 3);
  const integers = isNumberLiteral(c, 0) || isNumberLiteral(c, 1) || (c.count === 3 && isNumberLiteral(c, 2));
  if (integers) {
    const [a, b] = [c.arg(0), c.arg(1)];
    const step = c.count === 3 ? c.arg(2) : `CASE WHEN ${a} <= ${b} THEN 1 ELSE -1 END`;
    return `generate_series(CAST(${a} AS BIGINT), CAST(${b} AS BIGINT), CAST(${step} AS BIGINT))`;
  }
  const step = c.count === 3 ? c.arg(2) : `INTERVAL 1 DAY`;
  return timestampList(`generate_series(${timestampValue(c, 0)}, ${timestampValue(c, 1)}, ${step})`);
}

/** The time-series functions by Timestream name (see special-functions.ts for how a translation is called). */
export const SERIES_FUNCTIONS: ReadonlyMap<string, (call: ArrayCall) => string> = new Map<
  string,
  (call: ArrayCall) => string
>([
  ['interpolate_linear', interpolation(() => linearAt, 2)],
  ['interpolate_locf', interpolation(() => locfAt, 2)],
  ['interpolate_fill', interpolation((c) => fillAt(c.arg(2)), 3)],
  ['interpolate_spline_cubic', splineInterpolation],
  ['derivative_linear', derivative(false)],
  ['non_negative_derivative_linear', derivative(true)],
  ['integral_trapezoidal', integral],
  ['correlate_pearson', correlation('correlate_pearson', false)],
  ['correlate_spearman', correlation('correlate_spearman', true)],
  ['sequence', sequence],
]);
