import type { ColumnInfo, Datum, Type } from '@aws-sdk/client-timestream-query';
import {
  type DuckDBDataChunk,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBIntervalValue,
  type DuckDBListType,
  type DuckDBListValue,
  type DuckDBStructType,
  type DuckDBStructValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampValue,
  type DuckDBTimeValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { TIME_SERIES_TIME_FIELD, TIME_SERIES_VALUE_FIELD } from './functions';
import { type RowsText, RowsTextWriter } from './rows-text';

type Formatter = (value: DuckDBValue) => Datum;

/**
 * A result column: its Timestream type and how its DuckDB values become Timestream datums, as objects
 * (`format`, for nested values) and as their JSON text (`json`, what the Query API sends).
 */
interface ColumnFormat {
  readonly type: Type;
  readonly format: Formatter;
  readonly json: (value: DuckDBValue) => string;
}

const nullJson = '{"NullValue":true}';

const NANOS_PER_DAY = 86_400_000_000_000n;
const pad = (n: number | bigint, width: number) => n.toString().padStart(width, '0');

/** Days since 1970-01-01 -> YYYY-MM-DD (proleptic Gregorian, UTC). */
function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

function formatTimeOfDay(nanosOfDay: bigint): string {
  const h = nanosOfDay / 3_600_000_000_000n;
  const m = (nanosOfDay / 60_000_000_000n) % 60n;
  const s = (nanosOfDay / 1_000_000_000n) % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(nanosOfDay % 1_000_000_000n, 9)}`;
}

/** Nanoseconds since the epoch -> `YYYY-MM-DD HH:MM:SS.fffffffff` in UTC, as Timestream returns timestamps. */
export function formatTimestampNs(nanos: bigint): string {
  let millis = nanos / 1_000_000n;
  let subMillis = nanos - millis * 1_000_000n;
  if (subMillis < 0n) {
    millis -= 1n;
    subMillis += 1_000_000n;
  }
  const ms = Number(millis);
  // Date covers years 0..9999 in this fixed-width form; outside it fall back to day arithmetic
  if (ms >= -62_167_219_200_000 && ms < 253_402_300_800_000) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${subMillis.toString().padStart(6, '0')}`;
  }
  let days = nanos / NANOS_PER_DAY;
  let rest = nanos % NANOS_PER_DAY;
  if (rest < 0n) {
    rest += NANOS_PER_DAY;
    days -= 1n;
  }
  return `${formatDate(Number(days))} ${formatTimeOfDay(rest)}`;
}

/**
 * A double as Timestream (Java's Double.toString) prints it: "24.5", "600.0", "1.0E-4", "1.2345678E7",
 * "NaN", "Infinity". The digits are the shortest that round-trip (as JavaScript's).
 */
export function formatDouble(x: number): string {
  const abs = Math.abs(x);
  // the common case: plain notation, where JavaScript and Java agree on the digits (JavaScript only
  // switches to exponents below 1e-6, so this range never has one)
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(x) ? `${x}.0` : `${x}`;
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponent = '0'] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

function formatInterval(v: DuckDBIntervalValue, yearToMonth: boolean): string {
  if (yearToMonth) {
    const sign = v.months < 0 ? '-' : '';
    const months = Math.abs(v.months);
    return `${sign}${Math.floor(months / 12)}-${months % 12}`;
  }
  const totalNanos = (BigInt(v.days) * 86_400_000_000n + v.micros) * 1000n;
  const sign = totalNanos < 0n ? '-' : '';
  const abs = totalNanos < 0n ? -totalNanos : totalNanos;
  return `${sign}${(abs / NANOS_PER_DAY).toString()} ${formatTimeOfDay(abs % NANOS_PER_DAY)}`;
}

/**
 * A scalar column. `needsEscaping`: the text may hold characters JSON must escape (strings); the other scalars
 * (numbers, times, dates, booleans) are written into the JSON text as they are.
 */
const scalar = (
  ScalarType: NonNullable<Type['ScalarType']>,
  toText: (v: DuckDBValue) => string,
  needsEscaping = false,
): ColumnFormat => ({
  type: { ScalarType },
  format: (v) => (v === null ? { NullValue: true } : { ScalarValue: toText(v) }),
  json: needsEscaping
    ? (v) => (v === null ? nullJson : `{"ScalarValue":${JSON.stringify(toText(v))}}`)
    : (v) => (v === null ? nullJson : `{"ScalarValue":"${toText(v)}"}`),
});

/** Results repeat their timestamps (bins, days): each distinct one is formatted once per column. */
function memoized(format: (nanos: bigint) => string): (nanos: bigint) => string {
  const seen = new Map<bigint, string>();
  return (nanos) => {
    let text = seen.get(nanos);
    if (text === undefined) {
      if (seen.size >= 8192) seen.clear();
      text = format(nanos);
      seen.set(nanos, text);
    }
    return text;
  };
}

/** A column of nested values (arrays, rows, time series): JSON text of the datum objects. */
const nested = (type: Type, format: Formatter): ColumnFormat => ({
  type,
  format,
  json: (v) => JSON.stringify(format(v)),
});

/**
 * Maps a DuckDB result column type to Timestream's ColumnInfo type and datum formatter.
 * LIST(STRUCT("time", "value")) is a time series (CREATE_TIME_SERIES, INTERPOLATE_*, ...: TimeSeriesMeasureValueColumnInfo).
 */
function columnFormat(type: DuckDBType): ColumnFormat {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return scalar('BOOLEAN', (v) => (v ? 'true' : 'false'));
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return scalar('INTEGER', (v) => String(v));
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return scalar('BIGINT', (v) => String(v));
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return scalar('DOUBLE', (v) => formatDouble(v as number));
    case DuckDBTypeId.DECIMAL:
      return scalar('DOUBLE', (v) => formatDouble((v as DuckDBDecimalValue).toDouble()));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const text = memoized(formatTimestampNs);
      return scalar('TIMESTAMP', (v) => text((v as DuckDBTimestampValue).micros * 1000n));
    }
    case DuckDBTypeId.TIMESTAMP_NS: {
      const text = memoized(formatTimestampNs);
      return scalar('TIMESTAMP', (v) => text((v as DuckDBTimestampNanosecondsValue).nanos));
    }
    case DuckDBTypeId.TIMESTAMP_MS: {
      const text = memoized(formatTimestampNs);
      return scalar('TIMESTAMP', (v) => text((v as DuckDBTimestampMillisecondsValue).millis * 1_000_000n));
    }
    case DuckDBTypeId.TIMESTAMP_S: {
      const text = memoized(formatTimestampNs);
      return scalar('TIMESTAMP', (v) => text((v as DuckDBTimestampSecondsValue).seconds * 1_000_000_000n));
    }
    case DuckDBTypeId.DATE:
      return scalar('DATE', (v) => formatDate((v as DuckDBDateValue).days));
    case DuckDBTypeId.TIME:
      return scalar('TIME', (v) => formatTimeOfDay((v as DuckDBTimeValue).micros * 1000n));
    case DuckDBTypeId.INTERVAL:
      return scalar('INTERVAL_DAY_TO_SECOND', (v) => formatInterval(v as DuckDBIntervalValue, false));
    case DuckDBTypeId.BLOB:
      return scalar('VARCHAR', (v) => Buffer.from((v as { bytes: Uint8Array }).bytes).toString('hex'));
    case DuckDBTypeId.SQLNULL:
      return scalar('UNKNOWN', () => '');
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return listFormat(type as DuckDBListType);
    case DuckDBTypeId.STRUCT:
      return structFormat(type as DuckDBStructType);
    default:
      return scalar('VARCHAR', (v) => String(v), true);
  }
}

function listFormat(type: DuckDBListType): ColumnFormat {
  const element = type.valueType;
  if (element.typeId === DuckDBTypeId.STRUCT) {
    const s = element as DuckDBStructType;
    if (
      s.entryNames.length === 2 &&
      s.entryNames[0] === TIME_SERIES_TIME_FIELD &&
      s.entryNames[1] === TIME_SERIES_VALUE_FIELD
    ) {
      const time = columnFormat(s.entryTypes[0] as DuckDBType);
      const value = columnFormat(s.entryTypes[1] as DuckDBType);
      return nested({ TimeSeriesMeasureValueColumnInfo: { Type: value.type } }, (v) => {
        if (v === null) return { NullValue: true };
        return {
          TimeSeriesValue: (v as DuckDBListValue).items.map((item) => {
            const entries = (item as DuckDBStructValue).entries;
            return {
              Time: time.format(entries[TIME_SERIES_TIME_FIELD] ?? null).ScalarValue,
              Value: value.format(entries[TIME_SERIES_VALUE_FIELD] ?? null),
            };
          }),
        };
      });
    }
  }
  const inner = columnFormat(element);
  return nested({ ArrayColumnInfo: { Type: inner.type } }, (v) =>
    v === null ? { NullValue: true } : { ArrayValue: (v as DuckDBListValue).items.map(inner.format) },
  );
}

function structFormat(type: DuckDBStructType): ColumnFormat {
  const fields = type.entryNames.map((name, i) => ({
    name,
    ...columnFormat(type.entryTypes[i] as DuckDBType),
  }));
  return nested({ RowColumnInfo: fields.map((f) => ({ Name: f.name, Type: f.type })) }, (v) => {
    if (v === null) return { NullValue: true };
    const entries = (v as DuckDBStructValue).entries;
    return { RowValue: { Data: fields.map((f) => f.format(entries[f.name] ?? null)) } };
  });
}

/**
 * How a value of a DuckDB column `type` is written as its datum's JSON text (an INTERVAL as day to second:
 * {@link formatResult} alone decides year to month from the whole column).
 */
export function datumJson(type: DuckDBType): (value: DuckDBValue) => string {
  return columnFormat(type).json;
}

/** The Query API's ColumnInfo of columns `names` of DuckDB `types` (an INTERVAL as day to second). */
export function columnInfoOf(names: readonly string[], types: readonly DuckDBType[]): ColumnInfo[] {
  return names.map((Name, i) => ({ Name, Type: columnFormat(types[i] as DuckDBType).type }));
}

/** A result in the Query API's shape: column types, and the rows as their JSON text. */
export interface FormattedResult {
  readonly columnInfo: ColumnInfo[];
  readonly rows: RowsText;
}

/** What {@link formatResult} reads: a DuckDB result's chunks (DuckDBMaterializedResult). */
export interface ResultChunks {
  readonly chunkCount: number;
  getChunk(index: number): DuckDBDataChunk;
}

/** An interval column holding only months is Timestream's INTERVAL_YEAR_TO_MONTH. */
function onlyMonths(result: ResultChunks, column: number): boolean {
  let any = false;
  for (let k = 0; k < result.chunkCount; k++) {
    const vector = result.getChunk(k).getColumnVector(column);
    for (let r = 0; r < vector.itemCount; r++) {
      const v = vector.getItem(r) as DuckDBIntervalValue | null;
      if (v === null) continue;
      if (v.days !== 0 || v.micros !== 0n || v.months === 0) return false;
      any = true;
    }
  }
  return any;
}

/**
 * Turns a DuckDB result into Timestream's ColumnInfo and rows. Rows are written as JSON text straight into
 * one buffer, chunk by chunk, so that no per-value object outlives its row: a large result is most of a
 * query's work outside DuckDB, and building datum objects only to serialize them doubled it.
 */
export function formatResult(
  names: readonly string[],
  types: readonly DuckDBType[],
  result: ResultChunks,
): FormattedResult {
  const formats = types.map((t, i) =>
    t.typeId === DuckDBTypeId.INTERVAL && onlyMonths(result, i)
      ? scalar('INTERVAL_YEAR_TO_MONTH', (v) => formatInterval(v as DuckDBIntervalValue, true))
      : columnFormat(t),
  );
  const json = formats.map((f) => f.json);
  const columns = json.length;
  const writer = new RowsTextWriter();
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const vectors = json.map((_, c) => chunk.getColumnVector(c));
    const rowCount = chunk.rowCount;
    const rows = new Array<string>(rowCount);
    for (let r = 0; r < rowCount; r++) {
      let row = '{"Data":[';
      for (let c = 0; c < columns; c++) {
        if (c > 0) row += ',';
        row += (json[c] as ColumnFormat['json'])((vectors[c] as DuckDBVector).getItem(r));
      }
      rows[r] = `${row}]}`;
    }
    writer.append(rows);
  }
  return {
    columnInfo: names.map((Name, i) => ({ Name, Type: (formats[i] as ColumnFormat).type })),
    rows: writer.finish(),
  };
}
