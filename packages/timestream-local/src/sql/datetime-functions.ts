import type { FunctionCall } from './function-call';
import { fail } from './token-cursor';
import { type Token, TokenKind } from './tokenizer';

/** A translation of one Timestream function call to DuckDB SQL. */
export type CallTranslation = (call: FunctionCall) => string;

const NANOS_PER_DAY = 86_400_000_000_000n;

export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * A string literal read as a timestamp; one that is not a timestamp is refused with Trino's message (DuckDB's
 * own cast to TIMESTAMP_NS says "Could not convert string '...' to INT64").
 */
export function timestampLiteralSql(text: string): string {
  const literal = sqlString(text);
  return `(CASE WHEN TRY_CAST(${literal} AS TIMESTAMP_NS) IS NULL THEN error(${sqlString(`Value cannot be cast to timestamp: ${text}`)}) ELSE CAST(${literal} AS TIMESTAMP_NS) END)`;
}

/**
 * Argument i where Timestream takes a time value: a string literal ('2019-10-12 23:10:34.000000000', as the
 * guide writes them) is read as a timestamp.
 */
export function timeArg(c: Pick<FunctionCall, 'single' | 'arg'>, i: number): string {
  const t = c.single(i);
  return t?.kind === TokenKind.String ? timestampLiteralSql(t.value) : c.arg(i);
}

/** Timestream refuses operations that make a time before 1970 ("does not support negative time values"). */
function nonNegativeTime(c: FunctionCall, value: string, toTimestamp: (v: string) => string): string {
  const name = c.name.text;
  return `(CASE WHEN ${value} < 0 THEN error(${sqlString(`${name}(): Timestream does not support negative time values`)}) ELSE ${toTimestamp(value)} END)`;
}

/** A date part of a timestamp, date or timestamp string (Trino's year(), hour(), ... return BIGINT). */
const datePart =
  (duckdbFunction: string): CallTranslation =>
  (c) => {
    c.arity(1);
    return `${duckdbFunction}(${timeArg(c, 0)})`;
  };

/** Units of date_add/date_diff (Trino's names) -> DuckDB interval units. */
const DATE_UNITS: Readonly<Record<string, string>> = {
  millisecond: 'MILLISECOND',
  second: 'SECOND',
  minute: 'MINUTE',
  hour: 'HOUR',
  day: 'DAY',
  week: 'WEEK',
  month: 'MONTH',
  quarter: 'QUARTER',
  year: 'YEAR',
};
const DATE_SAFE_UNITS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);

function unitArg(c: FunctionCall, i: number): string {
  const t = c.single(i);
  const unit = t?.kind === TokenKind.String ? DATE_UNITS[t.value.toLowerCase()] : undefined;
  if (unit === undefined) {
    c.refuse(
      `Function '${c.name.text}' takes its unit as a string literal, one of: ${Object.keys(DATE_UNITS).join(', ')}`,
    );
  }
  return unit as string;
}

/**
 * Words that start an expression of type DATE: `DATE '...'`, `current_date` and calls of the functions that
 * return a date. DuckDB turns DATE + INTERVAL into a TIMESTAMP; Timestream keeps a DATE, so the translator
 * recognises these and keeps the type.
 */
export const DATE_RESULT_FUNCTIONS = new Set(['date', 'from_iso8601_date', 'last_day_of_month']);

/** True when tokens [a, b) are one expression of type DATE (a literal, current_date, a date function call). */
export function isDateExpression(tokens: readonly Token[], a: number, b: number): boolean {
  const first = tokens[a];
  if (first === undefined || first.kind !== TokenKind.Word) return false;
  if (b - a === 1) return first.value === 'current_date';
  if (b - a === 2) return first.value === 'date' && tokens[a + 1]?.kind === TokenKind.String;
  const open = tokens[a + 1];
  const close = tokens[b - 1];
  if (open?.value !== '(' || close?.value !== ')') return false;
  if (DATE_RESULT_FUNCTIONS.has(first.value)) return true;
  if (first.value === 'date_add') {
    const comma = tokens.findIndex((t, k) => k > a + 1 && t.value === ',');
    const second = tokens.findIndex((t, k) => k > comma && t.value === ',');
    return (
      second > 0 &&
      second < b &&
      isDateExpression(tokens, second + 1, b - 1) &&
      DATE_SAFE_UNITS.has(DATE_UNITS[tokens[a + 2]?.value.toLowerCase() ?? ''] ?? '')
    );
  }
  if (first.value === 'cast' || first.value === 'try_cast') {
    return tokens[b - 2]?.value === 'date' && tokens[b - 3]?.value === 'as';
  }
  return false;
}

const DATE_UNITS_ONLY = 'seconds, minutes and hours cannot be added to or subtracted from a date';

/**
 * `date ± interval`: the DuckDB SQL of a DATE plus or minus a whole number of days, weeks, months or years,
 * still a DATE. Hours, minutes and seconds cannot be added to a date (as in Timestream).
 */
export function dateArithmeticSql(dateSql: string, op: string, interval: readonly Token[]): string {
  const [first, value, unit] = interval;
  let intervalSql: string;
  if (first?.kind === TokenKind.Duration) {
    const nanos = first.nanos as bigint;
    if (nanos % NANOS_PER_DAY !== 0n) return fail(first, DATE_UNITS_ONLY);
    intervalSql = `INTERVAL '${(nanos / NANOS_PER_DAY).toString()}' DAY`;
  } else {
    const u = unit?.value ?? '';
    if (!['day', 'week', 'month', 'year'].includes(u)) return fail(unit ?? first, DATE_UNITS_ONLY);
    intervalSql = `INTERVAL ${sqlString((value as Token).value.trim())} ${u.toUpperCase()}`;
  }
  return `CAST(${dateSql} ${op} ${intervalSql} AS DATE)`;
}

/** A timestamp plus (or minus) a whole number of nanoseconds, for durations finer than DuckDB's intervals. */
export function timestampPlusNanosSql(timestampSql: string, nanos: bigint): string {
  return `(CASE WHEN typeof(${timestampSql}) NOT LIKE 'TIMESTAMP%' THEN error('a duration finer than a microsecond can only be added to or subtracted from a timestamp') ELSE make_timestamp_ns(epoch_ns(${timestampSql}) + (${nanos.toString()})) END)`;
}

/** MySQL's date_format/date_parse specifiers (Trino) -> DuckDB strftime/strptime specifiers. */
const MYSQL_SPECIFIERS: Readonly<Record<string, string>> = {
  a: '%a',
  b: '%b',
  c: '%-m',
  d: '%d',
  e: '%-d',
  f: '%f',
  H: '%H',
  h: '%I',
  I: '%I',
  i: '%M',
  j: '%j',
  k: '%-H',
  l: '%-I',
  M: '%B',
  m: '%m',
  p: '%p',
  r: '%I:%M:%S %p',
  S: '%S',
  s: '%S',
  T: '%H:%M:%S',
  W: '%A',
  Y: '%Y',
  y: '%y',
  // the ISO week and its year, as Trino's (Joda's week of weekyear and weekyear)
  v: '%V',
  x: '%G',
  '%': '%%',
};

/** MySQL specifiers Trino's date_format and date_parse fail on, with this message. */
const TRINO_UNSUPPORTED_SPECIFIERS = new Set(['D', 'U', 'u', 'V', 'w', 'X']);

/** Converts a MySQL format (date_format, date_parse) to DuckDB's; unsupported specifiers are refused. */
function mysqlFormat(c: FunctionCall, format: string, parsing: boolean): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const spec = format[i + 1];
    if (spec !== undefined && TRINO_UNSUPPORTED_SPECIFIERS.has(spec))
      c.refuse(`%${spec} not supported in date format string`);
    if (parsing && (spec === 'v' || spec === 'x'))
      c.refuse(`Function '${c.name.text}': format specifier '%${spec}' is not supported for parsing`);
    let mapped = spec === undefined ? undefined : MYSQL_SPECIFIERS[spec];
    if (mapped === undefined)
      c.refuse(`Function '${c.name.text}': format specifier '%${spec ?? ''}' is not supported`);
    // DuckDB's strptime reads unpadded numbers with the padded specifiers
    if (parsing) mapped = (mapped as string).replaceAll('%-', '%');
    out += mapped;
    i++;
  }
  return out;
}

/** Joda-Time pattern letters (format_datetime, parse_datetime) by count -> DuckDB specifiers. */
function jodaField(letter: string, count: number): string | undefined {
  switch (letter) {
    case 'y':
    case 'Y':
    case 'u':
      return count === 2 ? '%y' : '%Y';
    case 'M':
    case 'L':
      return count >= 4 ? '%B' : count === 3 ? '%b' : count === 2 ? '%m' : '%-m';
    case 'd':
      return count === 2 ? '%d' : '%-d';
    case 'H':
      return count === 2 ? '%H' : '%-H';
    case 'h':
      return count === 2 ? '%I' : '%-I';
    case 'm':
      return count === 2 ? '%M' : '%-M';
    case 's':
      return count === 2 ? '%S' : '%-S';
    case 'S':
      return count === 3 ? '%g' : count === 6 ? '%f' : count === 9 ? '%n' : undefined;
    case 'E':
      return count >= 4 ? '%A' : '%a';
    case 'a':
      return '%p';
    case 'D':
      return count === 3 ? '%j' : undefined;
    case 'x':
      // the ISO week-based year (Joda's weekyear), four digits and more only
      return count >= 3 ? '%G' : undefined;
    case 'w':
      return count === 2 ? '%V' : undefined;
    case 'e':
      // day of the week, 1 (Monday) to 7
      return `${'0'.repeat(Math.max(0, count - 1))}%u`;
    case 'G':
      // the era: every timestamp Timestream holds (1677-2262) is AD
      return 'AD';
    case 'z':
      return '%Z';
    case 'Z':
      return '%z';
    default:
      return undefined;
  }
}

/** Converts a Joda-Time pattern to DuckDB's format; unsupported letters are refused. */
function jodaFormat(c: FunctionCall, pattern: string, parsing: boolean): { format: string; zoned: boolean } {
  let out = '';
  let zoned = false;
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) c.refuse(`Function '${c.name.text}': unterminated quote in pattern '${pattern}'`);
      out += end === i + 1 ? "'" : pattern.slice(i + 1, end).replaceAll('%', '%%');
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch === '%' ? '%%' : ch;
      i++;
      continue;
    }
    let j = i;
    while (pattern[j] === ch) j++;
    let field = jodaField(ch, j - i);
    if (field === undefined)
      c.refuse(`Function '${c.name.text}': pattern letters '${pattern.slice(i, j)}' are not supported`);
    if (ch === 'z' || ch === 'Z') zoned = true;
    if (parsing) field = (field as string).replaceAll('%-', '%');
    out += field;
    i = j;
  }
  return { format: out, zoned };
}

function literalArg(c: FunctionCall, i: number, what: string): string {
  const t = c.single(i);
  if (t?.kind !== TokenKind.String)
    c.refuse(`Function '${c.name.text}' takes its ${what} as a string literal`);
  return (t as Token).value;
}

/** Trino's parse_duration units -> microseconds per unit (DuckDB intervals hold microseconds). */
const durationUnitMicros = (unit: string) =>
  `CASE ${unit} WHEN 'ns' THEN 0.001 WHEN 'us' THEN 1 WHEN 'ms' THEN 1000 WHEN 's' THEN 1000000 WHEN 'm' THEN 60000000 WHEN 'h' THEN 3600000000 WHEN 'd' THEN 86400000000 END`;

const timeOfDayNow = (c: FunctionCall) => {
  c.arity(0);
  return `CAST(${c.nowSql} AS TIME)`;
};

/** The date/time functions of Timestream's guide beyond plain renames (see functions.ts). */
export const DATETIME_FUNCTIONS: ReadonlyArray<[string, CallTranslation]> = [
  [
    'current_timezone',
    (c) => {
      c.arity(0);
      return `'UTC'`;
    },
  ],
  ['current_time', timeOfDayNow],
  ['localtime', timeOfDayNow],
  [
    'date',
    (c) => {
      c.arity(1);
      return `CAST(${c.arg(0)} AS DATE)`;
    },
  ],
  [
    'last_day_of_month',
    (c) => {
      c.arity(1);
      return `last_day(${timeArg(c, 0)})`;
    },
  ],
  [
    'from_iso8601_timestamp',
    (c) => {
      c.arity(1);
      return `CAST(timezone('UTC', CAST(${c.arg(0)} AS TIMESTAMPTZ)) AS TIMESTAMP_NS)`;
    },
  ],
  [
    'from_iso8601_date',
    (c) => {
      c.arity(1);
      return `CAST(${c.arg(0)} AS DATE)`;
    },
  ],
  [
    'to_iso8601',
    (c) => {
      c.arity(1);
      const x = timeArg(c, 0);
      const t = `CAST(${x} AS TIMESTAMP_NS)`;
      const timestamp = `strftime(${t}, '%Y-%m-%dT%H:%M:%S.') || lpad(CAST(((epoch_ns(${t}) % 1000000000) + 1000000000) % 1000000000 AS VARCHAR), 9, '0') || 'Z'`;
      return `(CASE WHEN typeof(${x}) = 'DATE' THEN strftime(CAST(${x} AS DATE), '%Y-%m-%d') ELSE ${timestamp} END)`;
    },
  ],
  [
    'from_milliseconds',
    (c) => {
      c.arity(1);
      return nonNegativeTime(c, `CAST(${c.arg(0)} AS BIGINT)`, (v) => `make_timestamp_ns(${v} * 1000000)`);
    },
  ],
  [
    'from_nanoseconds',
    (c) => {
      c.arity(1);
      return nonNegativeTime(c, `CAST(${c.arg(0)} AS BIGINT)`, (v) => `make_timestamp_ns(${v})`);
    },
  ],
  [
    'from_unixtime',
    (c) => {
      c.arity(1);
      return nonNegativeTime(
        c,
        `CAST(${c.arg(0)} AS DOUBLE)`,
        (v) => `make_timestamp_ns(CAST(round(${v} * 1000000000.0) AS BIGINT))`,
      );
    },
  ],
  [
    'to_unixtime',
    (c) => {
      c.arity(1);
      return `(epoch_ns(${timeArg(c, 0)}) / 1000000000.0)`;
    },
  ],
  [
    'to_milliseconds',
    (c) => {
      c.arity(1);
      return `epoch_ms(${timeArg(c, 0)})`;
    },
  ],
  [
    'to_nanoseconds',
    (c) => {
      c.arity(1);
      return `epoch_ns(${timeArg(c, 0)})`;
    },
  ],
  [
    'date_add',
    (c) => {
      c.arity(3);
      const unit = unitArg(c, 0);
      const sum = `${timeArg(c, 2)} + CAST(${c.arg(1)} AS BIGINT) * INTERVAL 1 ${unit}`;
      const onDate = c.tokens(2);
      if (!isDateExpression(onDate, 0, onDate.length)) return `(${sum})`;
      if (!DATE_SAFE_UNITS.has(unit)) c.refuse(`Function '${c.name.text}': ${DATE_UNITS_ONLY}`);
      return `CAST(${sum} AS DATE)`;
    },
  ],
  [
    'date_diff',
    (c) => {
      c.arity(3);
      // Trino counts whole units elapsed, as DuckDB's date_sub (DuckDB's date_diff counts boundaries crossed)
      return `date_sub(${sqlString(unitArg(c, 0).toLowerCase())}, ${timeArg(c, 1)}, ${timeArg(c, 2)})`;
    },
  ],
  [
    'parse_duration',
    (c) => {
      c.arity(1);
      const s = c.arg(0);
      const m = `regexp_extract(${s}, '^\\s*(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)\\s*$', ['n', 'u'])`;
      const micros = durationUnitMicros(`(${m}).u`);
      return `(CASE WHEN (${m}).u = '' THEN error('parse_duration(): invalid duration ''' || ${s} || ''': write a number and one of ns, us, ms, s, m, h, d') ELSE to_microseconds(CAST(round(CAST((${m}).n AS DOUBLE) * (${micros})) AS BIGINT)) END)`;
    },
  ],
  [
    'millisecond',
    (c) => {
      c.arity(1);
      return `(millisecond(${timeArg(c, 0)}) % 1000)`;
    },
  ],
  [
    'nanosecond',
    (c) => {
      c.arity(1);
      return `(((epoch_ns(${timeArg(c, 0)}) % 1000000000) + 1000000000) % 1000000000)`;
    },
  ],
  ['year', datePart('year')],
  ['quarter', datePart('quarter')],
  ['month', datePart('month')],
  ['week', datePart('week')],
  ['week_of_year', datePart('week')],
  ['day', datePart('day')],
  ['day_of_month', datePart('day')],
  // ISO weeks, Monday = 1, as Trino
  ['day_of_week', datePart('isodow')],
  ['dow', datePart('isodow')],
  ['day_of_year', datePart('dayofyear')],
  ['doy', datePart('dayofyear')],
  ['year_of_week', datePart('isoyear')],
  ['yow', datePart('isoyear')],
  ['hour', datePart('hour')],
  ['minute', datePart('minute')],
  ['second', datePart('second')],
  [
    'date_format',
    (c) => {
      c.arity(2);
      return `strftime(${timeArg(c, 0)}, ${sqlString(mysqlFormat(c, literalArg(c, 1, 'format'), false))})`;
    },
  ],
  [
    'date_parse',
    (c) => {
      c.arity(2);
      const format = mysqlFormat(c, literalArg(c, 1, 'format'), true);
      return `CAST(strptime(${c.arg(0)}, ${sqlString(format)}) AS TIMESTAMP_NS)`;
    },
  ],
  [
    'format_datetime',
    (c) => {
      c.arity(2);
      const { format, zoned } = jodaFormat(c, literalArg(c, 1, 'pattern'), false);
      const t = timeArg(c, 0);
      // a Timestream timestamp is UTC: a zone field prints UTC
      return `strftime(${t}, ${sqlString(zoned ? format.replaceAll('%Z', 'UTC').replaceAll('%z', '+0000') : format)})`;
    },
  ],
  [
    'parse_datetime',
    (c) => {
      c.arity(2);
      const { format, zoned } = jodaFormat(c, literalArg(c, 1, 'pattern'), true);
      const parsed = `strptime(${c.arg(0)}, ${sqlString(format)})`;
      return zoned ? `CAST(timezone('UTC', ${parsed}) AS TIMESTAMP_NS)` : `CAST(${parsed} AS TIMESTAMP_NS)`;
    },
  ],
];
