import type { ArrayCall } from './call-arguments';
import { timeArg } from './datetime-functions';
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
 * The tridiagonal solve of a spline, as DuckDB list expressions that each pass over the rows once (DuckDB has no
 * loop that carries a growing list without copying it, which made the sequential Thomas algorithm quadratic).
 * Rows are normalized, `c[i] + a c[i-1] + b c[i+1] = r`, with |a| + |b| <= q = 1/2 (a spline's diagonal is twice
 * the sum of the other two coefficients). Odd-even reduction: the odd rows, with their even neighbours
 * substituted, form a system of half the size with |a| + |b| <= q^2 / (1 - q^2) (1/3, 1/8, then 1/63 after 3
 * levels). Jacobi sweeps from c = r solve that one: each multiplies the error by at most its bound, so 11 leave
 * less than 63^-12 (2^-71) of the largest coefficient, below a double's precision. The even rows are then read
 * back level by level. The work is linear in the points; more levels would be faster to run but slower for
 * DuckDB to plan (nested lambdas), fewer would need more sweeps.
 */
const SPLINE_LEVELS = 3;
const SPLINE_SWEEPS = 11;

/** Row i of a list of rows (struct a, b, r), or zeros past either end. */
const row = (q: string, i: string, f: 'a' | 'b' | 'r') => `coalesce(${q}[${i}].${f}, 0e0)`;
const rowStruct = (a: string, b: string, r: string) => `struct_pack(a := ${a}, b := ${b}, r := ${r})`;

/** The odd rows of q with their even neighbours substituted: a system in c[1], c[3], c[5], ... */
function reducedRows(q: string): string {
  const i = '(2 * __ts_k - 1)';
  const [a, b, r] = [row(q, i, 'a'), row(q, i, 'b'), row(q, i, 'r')];
  const diagonal = `(1e0 - ${a} * ${row(q, `${i} - 1`, 'b')} - ${b} * ${row(q, `${i} + 1`, 'a')})`;
  return `list_transform(range(1, (len(${q}) + 1) // 2 + 1), __ts_k -> ${rowStruct(
    `-${a} * ${row(q, `${i} - 1`, 'a')} / ${diagonal}`,
    `-${b} * ${row(q, `${i} + 1`, 'b')} / ${diagonal}`,
    `(${r} - ${a} * ${row(q, `${i} - 1`, 'r')} - ${b} * ${row(q, `${i} + 1`, 'r')}) / ${diagonal}`,
  )})`;
}

/** Every c of rows q from the solution s of its odd rows: the even rows are read from their neighbours. */
const fromOddRows = (q: string, s: string) =>
  `list_transform(range(1, len(${q}) + 1), __ts_k -> CASE WHEN __ts_k % 2 = 1 THEN ${s}[(__ts_k + 1) // 2] ` +
  `ELSE ${row(q, '__ts_k', 'r')} - ${row(q, '__ts_k', 'a')} * ${s}[__ts_k // 2] - ${row(q, '__ts_k', 'b')} * coalesce(${s}[__ts_k // 2 + 1], 0e0) END)`;

/** One Jacobi sweep over rows q from the estimate p. */
const jacobiSweep = (q: string, p: string) =>
  `list_transform(range(1, len(${q}) + 1), __ts_k -> ${row(q, '__ts_k', 'r')} - ${row(q, '__ts_k', 'a')} * coalesce(${p}[__ts_k - 1], 0e0) - ${row(q, '__ts_k', 'b')} * coalesce(${p}[__ts_k + 1], 0e0))`;

/** The solution of the normalized tridiagonal rows q (a DuckDB list of struct a, b, r). */
function solveTridiagonal(q: string, level = 0): string {
  if (level === SPLINE_LEVELS) {
    // list_reduce carries the estimate through the sweeps: its first element is the start (c = r), the other
    // (empty) elements only count the sweeps
    const start = `list_transform(${q}, __ts_e -> __ts_e.r)`;
    const sweeps = `list_transform(range(${SPLINE_SWEEPS}), __ts_e -> CAST([] AS DOUBLE[]))`;
    return `list_reduce(list_concat([${start}], ${sweeps}), (__ts_p, __ts_e) -> ${jacobiSweep(q, '__ts_p')})`;
  }
  const next = `__ts_q${level + 1}`;
  const solved = `__ts_o${level + 1}`;
  return bind(reducedRows(q), next, bind(solveTridiagonal(next, level + 1), solved, fromOddRows(q, solved)));
}

/**
 * INTERPOLATE_SPLINE_CUBIC: a natural cubic spline through the points (second derivative 0 at both ends; the
 * system and segment polynomials of Apache Commons Math's SplineInterpolator, which needs at least 3 points:
 * with fewer there is no value), NULL (left out) outside the first and last point. Times are seconds since the
 * first point. The coefficients c (half the second derivatives) solve, for each inner point i,
 * h[i-1] c[i-1] + 2 (x[i+1] - x[i-1]) c[i] + h[i] c[i+1] = 3 ((y[i+1] - y[i]) / h[i] - (y[i] - y[i-1]) / h[i-1])
 * with c = 0 at both ends: once per series, in linear time (see {@link solveTridiagonal});
 * the timestamps are then placed among the points by one sort (see timestampsWithCounts) and each evaluates its
 * segment's cubic.
 */
function splineInterpolation(c: ArrayCall): string {
  c.arity(2);
  const [x, y] = ['__ts_x', '__ts_y'];
  const n = `len(${x})`;
  const h = (k: string) => `(${x}[${k} + 1] - ${x}[${k}])`;
  const seconds = (time: string) => `(${ns(time)} - ${ns(t('__ts_s[1]'))}) / 1e9`;
  // row i of the system divided by its diagonal: c[i] + a c[i-1] + b c[i+1] = r; c = 0 at both ends
  const i = '__ts_i';
  const diagonal = `(2e0 * (${x}[${i} + 1] - ${x}[${i} - 1]))`;
  const rhs =
    `3e0 * (${y}[${i} + 1] * ${h(`${i} - 1`)} - ${y}[${i}] * (${x}[${i} + 1] - ${x}[${i} - 1]) + ${y}[${i} - 1] * ${h(i)}) ` +
    `/ (${h(`${i} - 1`)} * ${h(i)})`;
  const rows = `list_transform(range(1, ${n} + 1), ${i} -> CASE WHEN ${i} = 1 OR ${i} = ${n} THEN ${rowStruct('0e0', '0e0', '0e0')} ELSE ${rowStruct(`${h(`${i} - 1`)} / ${diagonal}`, `${h(i)} / ${diagonal}`, `${rhs} / ${diagonal}`)} END)`;
  const coefficients = bind(rows, '__ts_q0', solveTridiagonal('__ts_q0'));
  // the cubic of segment j (1-based) at u seconds: Horner's rule, as Commons Math's PolynomialFunction
  // evaluates a segment
  const cubic = (u: string, j: string) => {
    const dt = `(${u} - ${x}[${j}])`;
    const b = `((${y}[${j} + 1] - ${y}[${j}]) / ${h(j)} - ${h(j)} * (__ts_c[${j} + 1] + 2e0 * __ts_c[${j}]) / 3e0)`;
    const d = `((__ts_c[${j} + 1] - __ts_c[${j}]) / (3e0 * ${h(j)}))`;
    return `((${d} * ${dt} + __ts_c[${j}]) * ${dt} + ${b}) * ${dt} + ${y}[${j}]`;
  };
  // u: seconds since the first point; count: the number of points at or before the time
  const valueAt = (u: string, count: string) =>
    `CASE WHEN ${n} < 3 OR ${u} < ${x}[1] OR ${u} > ${x}[-1] THEN NULL ELSE ${cubic(u, `least(${count}, ${n} - 1)`)} END`;
  // the array form: each timestamp with its seconds and count first (one pass), then its value (no per-element
  // bind, which would build a list per timestamp)
  const placed = `list_transform(${timestampsWithCounts('__ts_s', timestampList(c.arg(1)))}, __ts_w -> struct_pack(t := __ts_w.t, u := ${seconds('__ts_w.t')}, i := __ts_w.i))`;
  const result = isArrayArgument(c, 1)
    ? `list_filter(list_transform(${placed}, __ts_w -> ${point('__ts_w.t', valueAt('__ts_w.u', '__ts_w.i'))}), __ts_r -> ${v('__ts_r')} IS NOT NULL)`
    : bind(
        timeArg(c, 1),
        '__ts_t',
        bind(seconds('__ts_t'), '__ts_u', valueAt('__ts_u', lastAtOrBefore('__ts_s', '__ts_t'))),
      );
  return bind(
    c.arg(0),
    '__ts_s',
    bind(
      `list_transform(__ts_s, __ts_p -> ${seconds(t('__ts_p'))})`,
      x,
      bind(
        `list_transform(__ts_s, __ts_p -> ${dbl(v('__ts_p'))})`,
        y,
        bind(`CASE WHEN ${n} < 3 THEN NULL ELSE ${coefficients} END`, '__ts_c', result),
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
    return bind(c.arg(0), '__ts_s', bind(timeArg(c, 1), '__ts_t', valueAtTime('__ts_s', '__ts_t')));
  };
}

const timestampList = (sql: string) => `CAST(${sql} AS TIMESTAMP_NS[])`;

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
  return timestampList(`generate_series(${timeArg(c, 0)}, ${timeArg(c, 1)}, ${step})`);
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
