import { type CallTranslation, sqlString } from './datetime-functions';
import type { FunctionCall } from './function-call';
import { TokenKind } from './tokenizer';

const errorSql = (message: string) => `error(${sqlString(message)})`;
const bigint = (sql: string) => `CAST(${sql} AS BIGINT)`;

const constant =
  (sql: string): CallTranslation =>
  (c) => {
    c.arity(0);
    return sql;
  };

const unary =
  (duckdbFunction: string): CallTranslation =>
  (c) => {
    c.arity(1);
    return `${duckdbFunction}(${c.arg(0)})`;
  };

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

function radixCheck(c: FunctionCall, radix: string): string {
  return `WHEN ${radix} < 2 OR ${radix} > 36 THEN ${errorSql(`${c.name.text}(): radix must be between 2 and 36`)}`;
}

/** from_base(string, radix): the digits 0-9a-z (case-insensitive) with an optional sign, as Trino. */
function fromBase(c: FunctionCall): string {
  c.arity(2);
  const s = c.arg(0);
  const r = bigint(c.arg(1));
  const body = `ltrim(lower(${s}), '-+')`;
  const digits = `list_transform(string_split(${body}, ''), __ts_d -> CAST(instr('${DIGITS}', __ts_d) - 1 AS BIGINT))`;
  const value = `list_reduce(${digits}, (__ts_acc, __ts_d) -> __ts_acc * ${r} + __ts_d)`;
  return `(CASE ${radixCheck(c, r)} WHEN ${body} = '' OR length(ltrim(${s}, '-+')) < length(${s}) - 1 OR len(list_filter(${digits}, __ts_d -> __ts_d < 0 OR __ts_d >= ${r})) > 0 THEN error('from_base(): not a valid base-' || ${r} || ' number: ' || ${s}) WHEN starts_with(${s}, '-') THEN -${value} ELSE ${value} END)`;
}

/** to_base(x, radix): lower-case digits, a minus sign for negative numbers, as Trino. */
function toBase(c: FunctionCall): string {
  c.arity(2);
  const x = bigint(c.arg(0));
  const r = bigint(c.arg(1));
  const radix = `CAST(${r} AS INTEGER)`;
  return `(CASE ${radixCheck(c, r)} WHEN ${x} < 0 THEN '-' || lower(to_base(-${x}, ${radix})) ELSE lower(to_base(${x}, ${radix})) END)`;
}

/** bit_count(x, bits): the one bits of x as a two's complement number of `bits` bits. */
function bitCount(c: FunctionCall): string {
  c.arity(2);
  const x = bigint(c.arg(0));
  const bits = bigint(c.arg(1));
  const low = `(-(CAST(1 AS HUGEINT) << (${bits} - 1)))`;
  const high = `((CAST(1 AS HUGEINT) << (${bits} - 1)) - 1)`;
  const masked = `CASE WHEN ${bits} = 64 THEN ${x} ELSE ${x} & ((CAST(1 AS BIGINT) << ${bits}) - 1) END`;
  return `(CASE WHEN ${bits} < 2 OR ${bits} > 64 THEN ${errorSql('bit_count(): bits must be between 2 and 64')} WHEN ${x} < ${low} OR ${x} > ${high} THEN error('Number must be representable with the bits specified. ' || ${x} || ' can not be represented with ' || ${bits} || ' bits') ELSE CAST(bit_count(${masked}) AS BIGINT) END)`;
}

const bitwise =
  (operator: string): CallTranslation =>
  (c) => {
    c.arity(2);
    return `(${bigint(c.arg(0))} ${operator} ${bigint(c.arg(1))})`;
  };

/** random(n): an integer in [0, n) of n's type (INTEGER for an integer literal, else BIGINT). */
function random(c: FunctionCall): string {
  c.arity(0, 1);
  if (c.count === 0) return 'random()';
  const n = c.single(0);
  const type = n?.kind === TokenKind.Number && !/[.eE]/.test(n.text) ? 'INTEGER' : 'BIGINT';
  const bound = c.arg(0);
  return `(CASE WHEN ${bound} <= 0 THEN ${errorSql('random(): bound must be positive')} ELSE CAST(floor(random() * ${bound}) AS ${type}) END)`;
}

/**
 * typeof(x) with Timestream's type names. DuckDB has one INTERVAL type: an interval of months only is
 * Timestream's `interval year to month`, any other `interval day to second`.
 */
function typeOf(c: FunctionCall): string {
  c.arity(1);
  const x = c.arg(0);
  const t = `typeof(${x})`;
  const base = `regexp_replace(${t}, '(\\[\\])+$', '')`;
  const depth = `((length(${t}) - length(${base})) // 2)`;
  const name = `CASE ${base} WHEN 'BIGINT' THEN 'bigint' WHEN 'INTEGER' THEN 'integer' WHEN 'SMALLINT' THEN 'smallint' WHEN 'TINYINT' THEN 'tinyint' WHEN 'DOUBLE' THEN 'double' WHEN 'FLOAT' THEN 'real' WHEN 'VARCHAR' THEN 'varchar' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'DATE' THEN 'date' WHEN 'TIME' THEN 'time' WHEN 'TIMESTAMP' THEN 'timestamp' WHEN 'TIMESTAMP_NS' THEN 'timestamp' WHEN 'BLOB' THEN 'varbinary' WHEN '"NULL"' THEN 'unknown' WHEN 'INTERVAL' THEN (CASE WHEN regexp_matches(CAST(${x} AS VARCHAR), '^-?\\d+ (year|month)s?( -?\\d+ months?)?$') THEN 'interval year to month' ELSE 'interval day to second' END) ELSE (CASE WHEN starts_with(${base}, 'DECIMAL') THEN 'double' ELSE lower(${base}) END) END`;
  // a time series (CREATE_TIME_SERIES, INTERPOLATE_*): an array of (time, value) rows
  const series = `regexp_matches(${t}, '^STRUCT\\("time" TIMESTAMP_NS, "value" [A-Z]+\\)\\[\\]$')`;
  return `(CASE WHEN ${series} THEN 'timeseries(' || lower(regexp_extract(${t}, '"value" ([A-Z]+)', 1)) || ')' ELSE repeat('array(', ${depth}) || (${name}) || repeat(')', ${depth}) END)`;
}

/**
 * ceiling/floor keep the argument's type, as Trino (DuckDB's turn integers into DOUBLE): x minus its fractional
 * part (mod(x, 1), of x's type), plus or minus one where a fraction was cut.
 */
const rounding =
  (direction: 'ceil' | 'floor'): CallTranslation =>
  (c) => {
    c.arity(1);
    const x = c.arg(0);
    const step =
      direction === 'ceil'
        ? `+ CASE WHEN mod(${x}, 1) > 0 THEN 1 ELSE 0 END`
        : `- CASE WHEN mod(${x}, 1) < 0 THEN 1 ELSE 0 END`;
    return `(CASE WHEN isinf(${x}) OR isnan(${x}) THEN ${x} ELSE ${x} - mod(${x}, 1) ${step} END)`;
  };

/** sign keeps the argument's type and answers NaN for NaN, as Trino (DuckDB's sign(NaN) is 0). */
function sign(c: FunctionCall): string {
  c.arity(1);
  const x = c.arg(0);
  return `(CASE WHEN isnan(${x}) THEN ${x} WHEN ${x} > 0 THEN 1 WHEN ${x} < 0 THEN -1 WHEN ${x} = 0 THEN 0 END)`;
}

/** cbrt correctly rounded where DuckDB's is one unit off (cbrt(27) = 3.0000000000000004): one Newton step. */
function cbrt(c: FunctionCall): string {
  c.arity(1);
  const x = `CAST(${c.arg(0)} AS DOUBLE)`;
  const y = `cbrt(${x})`;
  return `(CASE WHEN ${y} = 0 OR isinf(${y}) OR isnan(${y}) THEN ${y} ELSE ${y} - (${y} * ${y} * ${y} - ${x}) / (3 * ${y} * ${y}) END)`;
}

/** The math, bitwise and conditional functions of Timestream's guide beyond plain renames. */
export const MATH_FUNCTIONS: ReadonlyArray<[string, CallTranslation]> = [
  ['e', constant('exp(1)')],
  ['nan', constant(`CAST('NaN' AS DOUBLE)`)],
  ['infinity', constant(`CAST('Infinity' AS DOUBLE)`)],
  ['rand', random],
  ['random', random],
  ['ceil', rounding('ceil')],
  ['ceiling', rounding('ceil')],
  ['floor', rounding('floor')],
  ['sign', sign],
  ['cbrt', cbrt],
  ['from_base', fromBase],
  ['to_base', toBase],
  ['acos', unary('acos')],
  ['asin', unary('asin')],
  ['atan', unary('atan')],
  [
    'atan2',
    (c) => {
      c.arity(2);
      return `atan2(${c.arg(0)}, ${c.arg(1)})`;
    },
  ],
  ['cosh', unary('cosh')],
  ['tanh', unary('tanh')],
  [
    'truncate',
    (c) => {
      c.arity(1);
      return `trunc(CAST(${c.arg(0)} AS DOUBLE))`;
    },
  ],
  [
    'log',
    (c) => {
      c.arity(2);
      return `log(${c.arg(0)}, ${c.arg(1)})`;
    },
  ],
  ['bit_count', bitCount],
  ['bitwise_and', bitwise('&')],
  ['bitwise_or', bitwise('|')],
  [
    'bitwise_xor',
    (c) => {
      c.arity(2);
      return `xor(${bigint(c.arg(0))}, ${bigint(c.arg(1))})`;
    },
  ],
  [
    'bitwise_not',
    (c) => {
      c.arity(1);
      return `(~${bigint(c.arg(0))})`;
    },
  ],
  ['bitwise_left_shift', bitwise('<<')],
  ['bitwise_right_shift_arithmetic', bitwise('>>')],
  [
    'bitwise_right_shift',
    (c) => {
      c.arity(2);
      const v = bigint(c.arg(0));
      return `(CASE WHEN ${v} < 0 THEN ${errorSql('bitwise_right_shift() of a negative value is not supported by the local Timestream')} ELSE ${v} >> ${bigint(c.arg(1))} END)`;
    },
  ],
  [
    'try',
    (c) => {
      c.arity(1);
      return `TRY(${c.arg(0)})`;
    },
  ],
  ['typeof', typeOf],
];
