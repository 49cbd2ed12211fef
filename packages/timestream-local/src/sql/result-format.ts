import type { ColumnInfo, Datum, Row, Type } from '@aws-sdk/client-timestream-query';
import {
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
} from '@duckdb/node-api';
import { TIME_SERIES_TIME_FIELD, TIME_SERIES_VALUE_FIELD } from './functions';

type Formatter = (value: DuckDBValue) => Datum;

/** A result column: its Timestream type and how its DuckDB values become Timestream datums. */
export interface ColumnFormat {
  readonly type: Type;
  readonly format: Formatter;
}

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
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = abs.toString().includes('e') ? abs.toFixed(20).replace(/0+$/, '') : abs.toString();
    const plain = s.includes('.') ? s.replace(/\.$/, '.0') : `${s}.0`;
    return x < 0 ? `-${plain}` : plain;
  }
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

const scalar = (
  ScalarType: NonNullable<Type['ScalarType']>,
  toText: (v: DuckDBValue) => string,
): ColumnFormat => ({
  type: { ScalarType },
  format: (v) => (v === null ? { NullValue: true } : { ScalarValue: toText(v) }),
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
    case DuckDBTypeId.TIMESTAMP_TZ:
      return scalar('TIMESTAMP', (v) => formatTimestampNs((v as DuckDBTimestampValue).micros * 1000n));
    case DuckDBTypeId.TIMESTAMP_NS:
      return scalar('TIMESTAMP', (v) => formatTimestampNs((v as DuckDBTimestampNanosecondsValue).nanos));
    case DuckDBTypeId.TIMESTAMP_MS:
      return scalar('TIMESTAMP', (v) =>
        formatTimestampNs((v as DuckDBTimestampMillisecondsValue).millis * 1_000_000n),
      );
    case DuckDBTypeId.TIMESTAMP_S:
      return scalar('TIMESTAMP', (v) =>
        formatTimestampNs((v as DuckDBTimestampSecondsValue).seconds * 1_000_000_000n),
      );
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
      return scalar('VARCHAR', (v) => String(v));
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
      return {
        type: { TimeSeriesMeasureValueColumnInfo: { Type: value.type } },
        format: (v) => {
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
        },
      };
    }
  }
  const inner = columnFormat(element);
  return {
    type: { ArrayColumnInfo: { Type: inner.type } },
    format: (v) =>
      v === null ? { NullValue: true } : { ArrayValue: (v as DuckDBListValue).items.map(inner.format) },
  };
}

function structFormat(type: DuckDBStructType): ColumnFormat {
  const fields = type.entryNames.map((name, i) => ({
    name,
    ...columnFormat(type.entryTypes[i] as DuckDBType),
  }));
  return {
    type: { RowColumnInfo: fields.map((f) => ({ Name: f.name, Type: f.type })) },
    format: (v) => {
      if (v === null) return { NullValue: true };
      const entries = (v as DuckDBStructValue).entries;
      return { RowValue: { Data: fields.map((f) => f.format(entries[f.name] ?? null)) } };
    },
  };
}

/** Turns DuckDB column names, types and rows into Timestream's ColumnInfo and Rows. */
export function formatResult(
  names: readonly string[],
  types: readonly DuckDBType[],
  rows: readonly (readonly DuckDBValue[])[],
): { columnInfo: ColumnInfo[]; rows: Row[] } {
  const formats = types.map((t, i) => {
    const f = columnFormat(t);
    // an interval column holding only months is Timestream's INTERVAL_YEAR_TO_MONTH
    if (t.typeId === DuckDBTypeId.INTERVAL) {
      const values = rows
        .map((r) => r[i])
        .filter((v): v is DuckDBIntervalValue => v !== null && v !== undefined) as DuckDBIntervalValue[];
      if (values.length > 0 && values.every((v) => v.days === 0 && v.micros === 0n && v.months !== 0)) {
        return scalar('INTERVAL_YEAR_TO_MONTH', (v) => formatInterval(v as DuckDBIntervalValue, true));
      }
    }
    return f;
  });
  return {
    columnInfo: names.map((Name, i) => ({ Name, Type: (formats[i] as ColumnFormat).type })),
    rows: rows.map((r) => ({ Data: r.map((v, i) => (formats[i] as ColumnFormat).format(v)) })),
  };
}
