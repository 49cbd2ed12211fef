import { ValidationException } from '../errors';
import { ARRAY_FUNCTIONS, arrayOrString } from './array-functions';
import { timeArg, timestampPlusNanosSql } from './datetime-functions';
import type { FunctionCall } from './function-call';
import { TIME_SERIES_TIME_FIELD, TIME_SERIES_VALUE_FIELD } from './functions';
import { SCALAR_FUNCTIONS } from './scalar-functions';
import { SERIES_FUNCTIONS } from './series-functions';
import { TokenKind } from './tokenizer';

export type { FunctionCall } from './function-call';

const DATE_TRUNC_NANOS: Readonly<Record<string, bigint>> = {
  second: 1_000_000_000n,
  minute: 60_000_000_000n,
  hour: 3_600_000_000_000n,
  day: 86_400_000_000_000n,
};

const maxBigint = 2n ** 63n - 1n;

/**
 * `bin(t, n)` for a bucket of n nanoseconds: buckets aligned on the Unix epoch, as Timestream's bin, in
 * nanosecond arithmetic on the epoch (a floor, so that a time before 1970 goes to the start of its bucket too).
 * Cheaper than DuckDB's time_bucket, which goes through intervals and microseconds: about a tenth of a
 * per-device daily aggregate's time over a million rows. The floor reads the time twice; a time that could
 * differ between two reads (random) or that costs a subquery is read once, through a one-element list.
 * A bucket longer than 2^63 ns (292 years) holds every time since 1970 in its first bucket: DuckDB's
 * time_bucket, which takes it in microseconds, answers it.
 */
function binSql(t: string, nanos: bigint): string {
  if (nanos <= 0n) throw new ValidationException('bin() needs a positive interval');
  if (nanos > maxBigint) {
    if (nanos % 1000n !== 0n)
      throw new ValidationException(
        'bin(): a bucket longer than 292 years must be a whole number of microseconds',
      );
    return `time_bucket(to_microseconds(CAST(${(nanos / 1000n).toString()} AS BIGINT)), ${t}, TIMESTAMP '1970-01-01 00:00:00')`;
  }
  const n = nanos.toString();
  const floor = (epoch: string) =>
    `make_timestamp_ns((${epoch} // ${n} - CAST(${epoch} % ${n} < 0 AS BIGINT)) * ${n})`;
  const epoch = `epoch_ns(CAST(${t} AS TIMESTAMP_NS))`;
  if (/\brandom\s*\(|\bselect\b/i.test(t) || t.length > 2000) {
    return `list_transform([${epoch}], __ts_bin -> ${floor('__ts_bin')})[1]`;
  }
  return floor(epoch);
}

const now = (c: FunctionCall) => {
  c.arity(0);
  return c.nowSql;
};

/** Trino's version is NULL when any argument is NULL (DuckDB's skips NULLs). */
const nullIfAnyNull = (duckdbName: string) => (c: FunctionCall) => {
  if (c.count < 1) c.arity(1);
  const all = Array.from({ length: c.count }, (_, i) => c.arg(i));
  return `(CASE WHEN ${all.map((a) => `${a} IS NULL`).join(' OR ')} THEN NULL ELSE ${duckdbName}(${all.join(', ')}) END)`;
};

/**
 * The Timestream functions that need more than a rename (see functions.ts for the renamed ones): name ->
 * translation of a call to DuckDB SQL.
 */
const BASE_FUNCTIONS = new Map<string, (call: FunctionCall) => string>([
  ['now', now],
  ['current_timestamp', now],
  [
    'ago',
    (c) => {
      c.arity(1);
      const d = c.single(0);
      if (d?.kind === TokenKind.Duration && (d.nanos as bigint) % 1000n !== 0n)
        return timestampPlusNanosSql(c.nowSql, -(d.nanos as bigint));
      return `(${c.nowSql} - ${c.arg(0)})`;
    },
  ],
  [
    'bin',
    (c) => {
      c.arity(2);
      const d = c.single(1);
      return d?.kind === TokenKind.Duration
        ? binSql(timeArg(c, 0), d.nanos as bigint)
        : `time_bucket(${c.arg(1)}, ${timeArg(c, 0)}, TIMESTAMP '1970-01-01 00:00:00')`;
    },
  ],
  [
    'date_trunc',
    (c) => {
      c.arity(2);
      const unit = c.single(0);
      const nanos = unit?.kind === TokenKind.String ? DATE_TRUNC_NANOS[unit.value.toLowerCase()] : undefined;
      return nanos !== undefined ? binSql(timeArg(c, 1), nanos) : `date_trunc(${c.arg(0)}, ${timeArg(c, 1)})`;
    },
  ],
  [
    'if',
    (c) => {
      c.arity(2, 3);
      return `(CASE WHEN ${c.arg(0)} THEN ${c.arg(1)} ELSE ${c.count === 3 ? c.arg(2) : 'NULL'} END)`;
    },
  ],
  [
    'approx_percentile',
    (c) => {
      if (c.count !== 2) c.refuse(`Function 'approx_percentile' is supported with (value, percentage) only`);
      return `quantile_disc(${c.arg(0)}, ${c.arg(1)})`;
    },
  ],
  [
    'concat',
    (c) => {
      if (c.count < 1) c.arity(1);
      return `(${Array.from({ length: c.count }, (_, i) => `CAST(${c.arg(i)} AS VARCHAR)`).join(' || ')})`;
    },
  ],
  ['greatest', nullIfAnyNull('greatest')],
  ['least', nullIfAnyNull('least')],
  [
    'create_time_series',
    (c) => {
      c.arity(2);
      const t = c.arg(0);
      return `list(struct_pack("${TIME_SERIES_TIME_FIELD}" := ${t}, "${TIME_SERIES_VALUE_FIELD}" := ${c.arg(1)}) ORDER BY ${t})`;
    },
  ],
]);

/**
 * The base functions above, the time-series functions (series-functions.ts), the array and lambda functions
 * (array-functions.ts) and the date/time, string, regular expression, math, bitwise and conditional
 * functions (scalar-functions.ts; last, so that its `typeof`, which also names time series, wins).
 */
export const SPECIAL_FUNCTIONS: ReadonlyMap<string, (call: FunctionCall) => string> = new Map([
  ...BASE_FUNCTIONS,
  ...SERIES_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...SCALAR_FUNCTIONS,
  ['concat', arrayOrString('concat', BASE_FUNCTIONS.get('concat') as (call: FunctionCall) => string)],
  [
    'reverse',
    arrayOrString('reverse', (c) => {
      c.arity(1);
      return `reverse(${c.arg(0)})`;
    }),
  ],
]);
