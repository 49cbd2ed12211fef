/**
 * The functions the local Timestream answers, by Timestream (Trino) name, with the DuckDB function that computes
 * the same result. Functions needing more than a rename (now, ago, bin, if, date_trunc, from_milliseconds, ...)
 * are translated in special-functions.ts and, for the scalar functions (date/time, strings, regular expressions,
 * math, bitwise), in scalar-functions.ts. Anything else is refused by name, so a query
 * never runs against a DuckDB function that merely shares a name but differs in meaning.
 */
export const RENAMED_FUNCTIONS: Readonly<Record<string, string>> = {
  // aggregates
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  stddev: 'stddev_samp',
  stddev_samp: 'stddev_samp',
  stddev_pop: 'stddev_pop',
  variance: 'var_samp',
  var_samp: 'var_samp',
  var_pop: 'var_pop',
  approx_distinct: 'approx_count_distinct',
  max_by: 'arg_max',
  min_by: 'arg_min',
  arbitrary: 'any_value',
  any_value: 'any_value',
  bool_and: 'bool_and',
  bool_or: 'bool_or',
  every: 'bool_and',
  count_if: 'count_if',
  geometric_mean: 'geomean',
  array_agg: 'array_agg',
  corr: 'corr',
  covar_pop: 'covar_pop',
  covar_samp: 'covar_samp',
  // window functions
  row_number: 'row_number',
  rank: 'rank',
  dense_rank: 'dense_rank',
  percent_rank: 'percent_rank',
  cume_dist: 'cume_dist',
  ntile: 'ntile',
  lag: 'lag',
  lead: 'lead',
  first_value: 'first_value',
  last_value: 'last_value',
  nth_value: 'nth_value',
  // maths
  abs: 'abs',
  round: 'round',
  sqrt: 'sqrt',
  exp: 'exp',
  ln: 'ln',
  log2: 'log2',
  log10: 'log10',
  power: 'power',
  pow: 'power',
  mod: 'mod',
  pi: 'pi',
  is_nan: 'isnan',
  is_finite: 'isfinite',
  is_infinite: 'isinf',
  degrees: 'degrees',
  radians: 'radians',
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  // conditional
  coalesce: 'coalesce',
  nullif: 'nullif',
  // strings
  lower: 'lower',
  upper: 'upper',
  length: 'length',
  substr: 'substr',
  substring: 'substr',
  trim: 'trim',
  ltrim: 'ltrim',
  rtrim: 'rtrim',
  reverse: 'reverse',
  lpad: 'lpad',
  rpad: 'rpad',
  starts_with: 'starts_with',
};

/** Timestream functions known but not answered locally: refused with a message naming them. */
export const KNOWN_UNSUPPORTED_FUNCTIONS = new Set(['unnest']);

/**
 * The DuckDB struct field names of a time series point (a CREATE_TIME_SERIES result is a list of such structs):
 * Timestream's own names, so that lambdas read `x.time` / `x.value` and UNNEST names its columns time and value.
 */
export const TIME_SERIES_TIME_FIELD = 'time';
export const TIME_SERIES_VALUE_FIELD = 'value';
