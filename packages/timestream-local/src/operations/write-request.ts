import { hiddenColumnPrefix, reservedNamePattern, TimestreamLimits } from '../constants';
import { ValidationException } from '../errors';
import { TimeUnit, toNanos } from './time-units';

/** Value types of a single measure or of one value of a MULTI measure. */
export const ValueType = {
  DOUBLE: 'DOUBLE',
  BIGINT: 'BIGINT',
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** A parsed measure value: DOUBLE -> number, BIGINT -> bigint, BOOLEAN -> boolean, TIMESTAMP -> bigint ns. */
export interface TypedValue {
  readonly name: string;
  readonly type: ValueType;
  readonly value: number | bigint | string | boolean;
}

/** One record of a WriteRecords call after CommonAttributes were merged and every field was parsed. */
export interface ParsedRecord {
  readonly index: number;
  readonly timeNs: bigint;
  /** [name, value] sorted by name */
  readonly dimensions: ReadonlyArray<readonly [string, string]>;
  readonly measureName: string;
  readonly multi: boolean;
  /** one value (named after the measure) for single measures, the MeasureValues for MULTI */
  readonly values: readonly TypedValue[];
  readonly version: bigint;
  /** identity for upserts: time, dimensions, measure name */
  readonly key: string;
  /** canonical text of the value(s): equal fingerprints mean an identical value */
  readonly fingerprint: string;
}

/** A record refused for its own content; the other records of the call are still written. */
export interface RecordRejection {
  readonly index: number;
  readonly reason: string;
}

export interface ParsedWriteRequest {
  readonly databaseName: string;
  readonly tableName: string;
  readonly records: ReadonlyArray<ParsedRecord | RecordRejection>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The service's model-validation message. */
function constraintError(path: string, shown: string, constraint: string): ValidationException {
  return new ValidationException(
    `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Whether the UTF-8 encoding of `s` is longer than `max` bytes. A UTF-16 code unit takes 1 to 3 UTF-8 bytes
 * (a surrogate pair 4 for its two units), so the exact count is only needed between `max / 3` and `max`.
 */
function utf8Over(s: string, max: number): boolean {
  const len = s.length;
  if (len * 3 <= max) return false;
  if (len > max) return true;
  return utf8Bytes(s) > max;
}

// Paths and messages of model violations, built only when a violation is found.

/** `commonAttributes` for ri = -1, else `records.<ri + 1>.member`. */
function recordPath(ri: number): string {
  return ri < 0 ? 'commonAttributes' : `records.${ri + 1}.member`;
}

function memberPath(ri: number, list: 'dimensions' | 'measureValues', i: number): string {
  return `${recordPath(ri)}.${list}.${i + 1}.member`;
}

/** The error for a required or optional member that is present but not a string, or a missing required one. */
function notStringError(v: unknown, path: string): ValidationException {
  if (v === undefined || v === null) return constraintError(path, 'null', 'Member must not be null');
  return new ValidationException(`Expected a string at '${path}', got ${typeof v}.`);
}

function tooShortError(v: string, path: string, min: number): ValidationException {
  return constraintError(path, `'${v}'`, `Member must have length greater than or equal to ${min}`);
}

function tooLongError(v: string, path: string, max: number): ValidationException {
  return constraintError(
    path,
    `'${v.slice(0, 64)}...'`,
    `Member must have length less than or equal to ${max}`,
  );
}

const requireString = (v: unknown, path: string): string => {
  if (typeof v !== 'string') throw notStringError(v, path);
  return v;
};

/**
 * A string as it will be stored: a lone surrogate (not valid UTF-16, so not encodable as UTF-8) becomes
 * U+FFFD, as the conversion to DuckDB's UTF-8 would make it. Keys and fingerprints are built from this form,
 * so they match the rows read back from DuckDB.
 */
const wellFormed = (s: string) => (s.isWellFormed() ? s : s.toWellFormed());

/** Checks a string's length in UTF-16 code units (bytes = false) or UTF-8 bytes against [min, max]. */
function checkLength(v: string, path: string, min: number, max: number, bytes = false): void {
  // a string has at least as many UTF-8 bytes as UTF-16 code units
  if (bytes ? v.length < min && utf8Bytes(v) < min : v.length < min) throw tooShortError(v, path, min);
  if (bytes ? utf8Over(v, max) : v.length > max) throw tooLongError(v, path, max);
}

const measureValueTypes = new Set(['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP', 'MULTI']);
const measureValueTypeEnum =
  'Member must satisfy enum value set: [DOUBLE, BIGINT, VARCHAR, BOOLEAN, TIMESTAMP, MULTI]';
const timeUnits = new Set<string>(Object.values(TimeUnit));

/**
 * The model-checked fields of one Record (or of CommonAttributes). The lists are kept as parallel arrays with
 * a count so that the object used for the records of a call can be reused from one record to the next.
 */
interface RawFields {
  dimNames: string[];
  dimValues: string[];
  dimCount: number;
  measureName: string | undefined;
  measureValue: string | undefined;
  measureValueType: string | undefined;
  /** MeasureValues was given (possibly as an empty list) */
  hasMeasureValues: boolean;
  mvNames: string[];
  mvValues: string[];
  mvTypes: string[];
  mvCount: number;
  time: string | undefined;
  timeUnit: string | undefined;
  version: bigint | undefined;
}

const emptyFields = (): RawFields => ({
  dimNames: [],
  dimValues: [],
  dimCount: 0,
  measureName: undefined,
  measureValue: undefined,
  measureValueType: undefined,
  hasMeasureValues: false,
  mvNames: [],
  mvValues: [],
  mvTypes: [],
  mvCount: 0,
  time: undefined,
  timeUnit: undefined,
  version: undefined,
});

/**
 * Checks the model constraints of one Record (ri >= 0) or of CommonAttributes (ri = -1) and fills `out`;
 * violations fail the whole call. The checks run in the order of the request's members.
 */
function readRawRecord(v: unknown, ri: number, out: RawFields): void {
  if (!isObject(v)) throw new ValidationException(`Expected an object at '${recordPath(ri)}'.`);
  out.dimCount = 0;
  const dims = v.Dimensions;
  if (dims !== undefined && dims !== null) {
    if (!Array.isArray(dims))
      throw new ValidationException(`Expected a list at '${recordPath(ri)}.dimensions'.`);
    const n = dims.length;
    if (n > TimestreamLimits.dimensionsPerRecord) {
      throw constraintError(
        `${recordPath(ri)}.dimensions`,
        `with length ${n}`,
        `Member must have length less than or equal to ${TimestreamLimits.dimensionsPerRecord}`,
      );
    }
    const names = out.dimNames;
    const values = out.dimValues;
    for (let i = 0; i < n; i++) {
      const d: unknown = dims[i];
      if (!isObject(d))
        throw new ValidationException(`Expected an object at '${memberPath(ri, 'dimensions', i)}'.`);
      const name = d.Name;
      if (typeof name !== 'string') throw notStringError(name, `${memberPath(ri, 'dimensions', i)}.name`);
      if (name.length === 0 || utf8Over(name, TimestreamLimits.dimensionNameBytes)) {
        checkLength(
          name,
          `${memberPath(ri, 'dimensions', i)}.name`,
          1,
          TimestreamLimits.dimensionNameBytes,
          true,
        );
      }
      const value = d.Value;
      if (typeof value !== 'string') throw notStringError(value, `${memberPath(ri, 'dimensions', i)}.value`);
      if (value.length > TimestreamLimits.dimensionValueChars) {
        throw tooLongError(
          value,
          `${memberPath(ri, 'dimensions', i)}.value`,
          TimestreamLimits.dimensionValueChars,
        );
      }
      const valueType = d.DimensionValueType;
      if (valueType !== undefined && valueType !== 'VARCHAR') {
        throw constraintError(
          `${memberPath(ri, 'dimensions', i)}.dimensionValueType`,
          `'${String(valueType)}'`,
          'Member must satisfy enum value set: [VARCHAR]',
        );
      }
      names[i] = wellFormed(name);
      values[i] = wellFormed(value);
    }
    out.dimCount = n;
  }

  const measureName = v.MeasureName;
  if (measureName === undefined || measureName === null) out.measureName = undefined;
  else {
    if (typeof measureName !== 'string') throw notStringError(measureName, `${recordPath(ri)}.measureName`);
    if (measureName.length === 0 || utf8Over(measureName, TimestreamLimits.measureNameBytes)) {
      checkLength(measureName, `${recordPath(ri)}.measureName`, 1, TimestreamLimits.measureNameBytes, true);
    }
    out.measureName = wellFormed(measureName);
  }

  const measureValue = v.MeasureValue;
  if (measureValue === undefined || measureValue === null) out.measureValue = undefined;
  else {
    if (typeof measureValue !== 'string')
      throw notStringError(measureValue, `${recordPath(ri)}.measureValue`);
    if (measureValue.length === 0 || measureValue.length > TimestreamLimits.measureValueChars) {
      checkLength(measureValue, `${recordPath(ri)}.measureValue`, 1, TimestreamLimits.measureValueChars);
    }
    out.measureValue = wellFormed(measureValue);
  }

  const valueType = v.MeasureValueType;
  if (valueType === undefined || valueType === null) out.measureValueType = undefined;
  else {
    if (typeof valueType !== 'string') throw notStringError(valueType, `${recordPath(ri)}.measureValueType`);
    if (!measureValueTypes.has(valueType)) {
      throw constraintError(`${recordPath(ri)}.measureValueType`, `'${valueType}'`, measureValueTypeEnum);
    }
    out.measureValueType = valueType;
  }

  const mvs = v.MeasureValues;
  out.mvCount = 0;
  out.hasMeasureValues = false;
  if (mvs !== undefined && mvs !== null) {
    if (!Array.isArray(mvs))
      throw new ValidationException(`Expected a list at '${recordPath(ri)}.measureValues'.`);
    const n = mvs.length;
    const names = out.mvNames;
    const values = out.mvValues;
    const types = out.mvTypes;
    for (let i = 0; i < n; i++) {
      const m: unknown = mvs[i];
      if (!isObject(m))
        throw new ValidationException(`Expected an object at '${memberPath(ri, 'measureValues', i)}'.`);
      const name = m.Name;
      if (typeof name !== 'string') throw notStringError(name, `${memberPath(ri, 'measureValues', i)}.name`);
      if (name.length === 0 || utf8Over(name, TimestreamLimits.measureNameBytes)) {
        checkLength(
          name,
          `${memberPath(ri, 'measureValues', i)}.name`,
          1,
          TimestreamLimits.measureNameBytes,
          true,
        );
      }
      const value = m.Value;
      if (typeof value !== 'string')
        throw notStringError(value, `${memberPath(ri, 'measureValues', i)}.value`);
      if (value.length === 0 || value.length > TimestreamLimits.measureValueChars) {
        checkLength(
          value,
          `${memberPath(ri, 'measureValues', i)}.value`,
          1,
          TimestreamLimits.measureValueChars,
        );
      }
      const type = m.Type;
      if (typeof type !== 'string') throw notStringError(type, `${memberPath(ri, 'measureValues', i)}.type`);
      if (!measureValueTypes.has(type)) {
        throw constraintError(
          `${memberPath(ri, 'measureValues', i)}.type`,
          `'${type}'`,
          measureValueTypeEnum,
        );
      }
      names[i] = wellFormed(name);
      values[i] = wellFormed(value);
      types[i] = type;
    }
    out.mvCount = n;
    out.hasMeasureValues = true;
  }

  const time = v.Time;
  if (time === undefined || time === null) out.time = undefined;
  else {
    if (typeof time !== 'string') throw notStringError(time, `${recordPath(ri)}.time`);
    if (time.length === 0 || time.length > 256) checkLength(time, `${recordPath(ri)}.time`, 1, 256);
    out.time = time;
  }

  const timeUnit = v.TimeUnit;
  if (timeUnit === undefined || timeUnit === null) out.timeUnit = undefined;
  else {
    if (typeof timeUnit !== 'string') throw notStringError(timeUnit, `${recordPath(ri)}.timeUnit`);
    if (!timeUnits.has(timeUnit)) {
      throw constraintError(
        `${recordPath(ri)}.timeUnit`,
        `'${timeUnit}'`,
        'Member must satisfy enum value set: [MILLISECONDS, SECONDS, MICROSECONDS, NANOSECONDS]',
      );
    }
    out.timeUnit = timeUnit;
  }

  const version = v.Version;
  if (version === undefined || version === null) out.version = undefined;
  else {
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      throw new ValidationException(
        `Expected an integer at '${recordPath(ri)}.version', got ${JSON.stringify(version)}.`,
      );
    }
    if (version < 1) {
      throw constraintError(
        `${recordPath(ri)}.version`,
        `'${version}'`,
        'Member must have value greater than or equal to 1',
      );
    }
    // a Long: 2^63 and above do not fit (the double 2^63 is the first such value)
    if (version >= 2 ** 63) {
      throw constraintError(
        `${recordPath(ri)}.version`,
        `'${version}'`,
        'Member must have value less than or equal to 9223372036854775807',
      );
    }
    out.version = BigInt(version);
  }
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** Parses one value; returns the typed value or a rejection reason. */
function parseValue(name: string, type: ValueType, raw: string, unit: TimeUnit): TypedValue | string {
  switch (type) {
    case 'DOUBLE': {
      const n = Number(raw);
      // Number() of a blank string is 0 (it trims the same white space as trim()), so only 0 needs the check
      if (!Number.isFinite(n) || (n === 0 && raw.trim() === '')) {
        return `Invalid measure value '${raw}' for measure '${name}' of type DOUBLE: not a finite number.`;
      }
      return { name, type, value: n };
    }
    case 'BIGINT': {
      if (!/^-?\d+$/.test(raw)) {
        return `Invalid measure value '${raw}' for measure '${name}' of type BIGINT: not an integer.`;
      }
      const b = BigInt(raw);
      if (b < int64Min || b > int64Max) {
        return `Invalid measure value '${raw}' for measure '${name}' of type BIGINT: outside the 64-bit range.`;
      }
      return { name, type, value: b };
    }
    case 'BOOLEAN': {
      const lower = raw.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        return `Invalid measure value '${raw}' for measure '${name}' of type BOOLEAN: expected true or false.`;
      }
      return { name, type, value: lower === 'true' };
    }
    case 'TIMESTAMP': {
      const ns = toNanos(raw, unit);
      if (ns === undefined) {
        return `Invalid measure value '${raw}' for measure '${name}' of type TIMESTAMP: expected an integer epoch time in ${unit}.`;
      }
      if (ns < int64Min || ns > int64Max) {
        return `Invalid measure value '${raw}' for measure '${name}' of type TIMESTAMP: outside the range of 64-bit nanoseconds since the epoch (years 1677 to 2262).`;
      }
      return { name, type, value: ns };
    }
    default:
      return { name, type: 'VARCHAR', value: raw };
  }
}

function canonical(v: TypedValue): string {
  return `${v.type}\u001f${typeof v.value === 'boolean' ? (v.value ? 'true' : 'false') : String(v.value)}`;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Whether String(Number(s)) === s can be told from the text alone, sparing the number-to-text conversion.
 * True only for plain decimals `-?(0|[1-9]\d*)(\.\d*[1-9])?` of at most 15 digits (not -0, at least 1e-6
 * in magnitude): every decimal of up to 15 significant digits survives the trip through a double, so the
 * shortest text of that double is those digits, and JavaScript writes numbers from 1e-6 to below 1e21
 * without an exponent.
 */
function isCanonicalDecimal(s: string): boolean {
  const len = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  if (i === len || len - i > 16) return false;
  let digits = 0;
  if (s.charCodeAt(i) === 48) {
    // '0', or '0.' followed by at most five zeros before the first other digit
    i++;
    digits++;
    if (i === len) return i === 1;
    if (s.charCodeAt(i) !== 46) return false;
    let zeros = 0;
    while (i + 1 + zeros < len && s.charCodeAt(i + 1 + zeros) === 48) zeros++;
    if (zeros > 5) return false;
  } else {
    while (i < len && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
    if (digits === 0) return false;
    if (i === len) return digits <= 15;
    if (s.charCodeAt(i) !== 46) return false;
  }
  // the fraction: at least one digit, the last one not 0
  i++;
  if (i === len || s.charCodeAt(len - 1) === 48) return false;
  for (; i < len; i++) {
    if (!isDigit(s.charCodeAt(i))) return false;
    digits++;
  }
  return digits <= 15;
}

/** canonical(v) of a value parsed from `raw`, from the raw text when that is the same. */
function canonicalOf(v: TypedValue, raw: string): string {
  if (v.type === 'VARCHAR') return `VARCHAR\u001f${raw}`;
  if (v.type === 'DOUBLE' && isCanonicalDecimal(raw)) return `DOUBLE\u001f${raw}`;
  return canonical(v);
}

/** Digits that a time in each unit gets to become nanoseconds ('000000' for milliseconds). */
const unitZeros = new Map<string, string>(
  Object.values(TimeUnit).map((u) => [u, String(toNanos('1', u)).slice(1)] as const),
);

/**
 * String(timeNs) for a time that passed toNanos: the time's own digits and the unit's zeros, unless it has
 * leading zeros or is zero (then the bigint is written out).
 */
function nanosText(time: string, unit: TimeUnit, timeNs: bigint): string {
  const first = time.charCodeAt(time.charCodeAt(0) === 45 ? 1 : 0);
  return first === 48 ? String(timeNs) : time + unitZeros.get(unit)!;
}

/**
 * The upsert identity of a record: time, measure name and dimensions (sorted by name). Every name and value
 * is preceded by its length, so that no text inside them (separators included) can make two different
 * records share a key.
 */
export function recordKey(
  timeNs: bigint,
  measureName: string,
  sortedDimensions: ReadonlyArray<readonly [string, string]>,
): string {
  return keyOf(String(timeNs), measureName, sortedDimensions);
}

/** recordKey with the time already written out. */
function keyOf(
  timeText: string,
  measureName: string,
  sortedDimensions: ReadonlyArray<readonly [string, string]>,
): string {
  let key = `${timeText}\u001e${measureName.length}\u001f${measureName}`;
  for (let i = 0; i < sortedDimensions.length; i++) {
    const d = sortedDimensions[i]!;
    key += `\u001e${d[0].length}:${d[1].length}\u001f${d[0]}${d[1]}`;
  }
  return key;
}

/** Lists up to this length are sorted and searched with simple loops; longer ones use sort() and a Set. */
const smallList = 16;

/** One value of a MULTI fingerprint: lengths first, so that no name or text can be mistaken for another. */
const multiPart = (name: string, text: string) => `${name.length}:${text.length}\u001f${name}${text}`;

/** Canonical text of a record's value(s); MULTI values are ordered by name, each with its lengths. */
export function valueFingerprint(values: readonly TypedValue[], multi: boolean): string {
  if (!multi) return canonical(values[0]!);
  const n = values.length;
  let sorted: readonly TypedValue[] = values;
  if (n > smallList) {
    sorted = [...values].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } else {
    for (let i = 1; i < n; i++) {
      if (values[i]!.name < values[i - 1]!.name) {
        // stable insertion sort of a copy (the same order as the stable sort() above)
        const copy = values.slice();
        for (let j = i; j < n; j++) {
          const v = copy[j]!;
          let k = j;
          while (k > 0 && v.name < copy[k - 1]!.name) {
            copy[k] = copy[k - 1]!;
            k--;
          }
          copy[k] = v;
        }
        sorted = copy;
        break;
      }
    }
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (i > 0) out += '\u001e';
    out += multiPart(v.name, canonical(v));
  }
  return out;
}

/** The hidden columns' prefix in any case of its ASCII letters (DuckDB column names ignore that case). */
const hiddenPrefixPattern = new RegExp(`^${hiddenColumnPrefix}`, 'i');

function badName(name: string): boolean {
  return reservedNamePattern.test(name) || hiddenPrefixPattern.test(name);
}
/** Why a column name with a NUL character is refused (DuckDB identifiers cannot hold one). */
const nulInName = (what: string, name: string) =>
  `${what} name '${name.replaceAll('\u0000', '\\u0000')}' contains the NUL character; the local Timestream stores it as a DuckDB column name, which cannot hold one.`;

const reservedText = `reserved (time, measure_name, measure_value* and names starting with ${hiddenColumnPrefix} cannot be used)`;

/** Whether names[0..end) holds `name` (a linear scan: the lists are short). */
function inPrefix(names: readonly string[], end: number, name: string): boolean {
  for (let i = 0; i < end; i++) if (names[i] === name) return true;
  return false;
}

const byName = (a: readonly [string, string], b: readonly [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/** The record's dimensions as [name, value] pairs sorted by name. */
function sortedDimensions(names: readonly string[], values: readonly string[], n: number) {
  const out: Array<readonly [string, string]> = new Array(n);
  let ordered = true;
  for (let i = 0; i < n; i++) {
    out[i] = [names[i]!, values[i]!] as const;
    if (i > 0 && names[i]! < names[i - 1]!) ordered = false;
  }
  if (ordered) return out;
  if (n > smallList) return out.sort(byName);
  for (let j = 1; j < n; j++) {
    const d = out[j]!;
    let k = j;
    while (k > 0 && d[0] < out[k - 1]![0]) {
      out[k] = out[k - 1]!;
      k--;
    }
    out[k] = d;
  }
  return out;
}

/** canonical() of each value of the record being parsed, in the order of its values. */
const texts: string[] = [];
/** Positions of a record's values sorted by name. */
const order: number[] = [];

/** valueFingerprint(values, true), from the texts of the values. */
function multiFingerprint(values: readonly TypedValue[]): string {
  const n = values.length;
  if (n > smallList) return valueFingerprint(values, true);
  for (let j = 0; j < n; j++) {
    // stable insertion sort by name, as valueFingerprint orders them
    const name = values[j]!.name;
    let k = j;
    while (k > 0 && name < values[order[k - 1]!]!.name) {
      order[k] = order[k - 1]!;
      k--;
    }
    order[k] = j;
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    const o = order[i]!;
    if (i > 0) out += '\u001e';
    out += multiPart(values[o]!.name, texts[o]!);
  }
  return out;
}

/** Dimensions of CommonAttributes followed by those of the record, when CommonAttributes has any. */
const merged = { names: [] as string[], values: [] as string[] };

/** Merges CommonAttributes into one record and parses it: a record or the reason it is refused. */
function parseRecord(
  index: number,
  raw: RawFields,
  common: RawFields | undefined,
): ParsedRecord | RecordRejection {
  let dimNames = raw.dimNames;
  let dimValues = raw.dimValues;
  let dn = raw.dimCount;
  if (common !== undefined && common.dimCount > 0) {
    dimNames = merged.names;
    dimValues = merged.values;
    const cn = common.dimCount;
    for (let i = 0; i < cn; i++) {
      dimNames[i] = common.dimNames[i]!;
      dimValues[i] = common.dimValues[i]!;
    }
    for (let i = 0; i < dn; i++) {
      dimNames[cn + i] = raw.dimNames[i]!;
      dimValues[cn + i] = raw.dimValues[i]!;
    }
    dn += cn;
  }
  const measureName = raw.measureName ?? common?.measureName;
  const valueType = raw.measureValueType ?? common?.measureValueType ?? 'DOUBLE';
  const measureValue = raw.measureValue ?? common?.measureValue;
  // the record's MeasureValues (even an empty list) win over those of CommonAttributes
  const mvFrom = raw.hasMeasureValues ? raw : common?.hasMeasureValues ? common : undefined;
  const time = raw.time ?? common?.time;
  const unit = (raw.timeUnit ?? common?.timeUnit ?? 'MILLISECONDS') as TimeUnit;
  const version = raw.version ?? common?.version ?? 1n;

  if (measureName === undefined)
    return { index, reason: 'MeasureName is required (in the record or in CommonAttributes).' };
  if (badName(measureName)) return { index, reason: `Measure name '${measureName}' is ${reservedText}.` };
  if (time === undefined)
    return { index, reason: 'Time is required (in the record or in CommonAttributes).' };
  const timeNs = toNanos(time, unit);
  if (timeNs === undefined)
    return { index, reason: `Invalid time '${time}': expected an integer epoch time in ${unit}.` };

  // UTF-16 length of everything counted in the record size; exact UTF-8 bytes only when it could matter
  let chars = measureName.length;
  const dimSet = dn > smallList ? new Set<string>() : undefined;
  for (let i = 0; i < dn; i++) {
    const name = dimNames[i]!;
    if (dimSet ? dimSet.has(name) : inPrefix(dimNames, i, name))
      return { index, reason: `Dimension '${name}' appears more than once in the record.` };
    dimSet?.add(name);
    if (badName(name)) return { index, reason: `Dimension name '${name}' is ${reservedText}.` };
    if (name.includes('\u0000')) return { index, reason: nulInName('Dimension', name) };
    const value = dimValues[i]!;
    if (value === '') return { index, reason: `Dimension '${name}' has an empty value.` };
    chars += name.length + value.length;
  }
  if (dn > TimestreamLimits.dimensionsPerRecord) {
    return {
      index,
      reason: `The record has ${dn} dimensions; at most ${TimestreamLimits.dimensionsPerRecord} are allowed.`,
    };
  }

  const values: TypedValue[] = [];
  const multi = valueType === 'MULTI';
  if (multi) {
    if (measureValue !== undefined)
      return {
        index,
        reason: 'MeasureValue must not be set when MeasureValueType is MULTI; use MeasureValues.',
      };
    const mn = mvFrom === undefined ? 0 : mvFrom.mvCount;
    if (mvFrom === undefined || mn === 0) {
      return { index, reason: 'MeasureValues must hold at least one value when MeasureValueType is MULTI.' };
    }
    const mvNames = mvFrom.mvNames;
    const nameSet = mn > smallList ? new Set<string>() : undefined;
    for (let i = 0; i < mn; i++) {
      const name = mvNames[i]!;
      if (nameSet ? nameSet.has(name) : inPrefix(mvNames, i, name))
        return { index, reason: `Measure value name '${name}' appears more than once in MeasureValues.` };
      nameSet?.add(name);
      if (badName(name)) return { index, reason: `Measure value name '${name}' is ${reservedText}.` };
      if (name.includes('\u0000')) return { index, reason: nulInName('Measure value', name) };
      if (dimSet ? dimSet.has(name) : inPrefix(dimNames, dn, name))
        return { index, reason: `Measure value name '${name}' is also a dimension name of the record.` };
      const type = mvFrom.mvTypes[i]!;
      if (type === 'MULTI') return { index, reason: `Measure value '${name}' cannot be of type MULTI.` };
      const value = mvFrom.mvValues[i]!;
      const parsed = parseValue(name, type as ValueType, value, unit);
      if (typeof parsed === 'string') return { index, reason: parsed };
      values.push(parsed);
      texts[i] = canonicalOf(parsed, value);
      chars += name.length + value.length;
    }
  } else {
    if (mvFrom !== undefined)
      return {
        index,
        reason: `MeasureValues can only be used with MeasureValueType MULTI, not ${valueType}.`,
      };
    if (measureValue === undefined)
      return { index, reason: 'MeasureValue is required (in the record or in CommonAttributes).' };
    const parsed = parseValue(measureName, valueType as ValueType, measureValue, unit);
    if (typeof parsed === 'string') return { index, reason: parsed };
    values.push(parsed);
    texts[0] = canonicalOf(parsed, measureValue);
    chars += measureValue.length;
  }
  if (chars * 3 + 8 > TimestreamLimits.recordBytes) {
    let bytes = utf8Bytes(measureName) + 8;
    for (let i = 0; i < dn; i++) bytes += utf8Bytes(dimNames[i]!) + utf8Bytes(dimValues[i]!);
    if (multi) {
      for (let i = 0; i < values.length; i++)
        bytes += utf8Bytes(mvFrom!.mvNames[i]!) + utf8Bytes(mvFrom!.mvValues[i]!);
    } else bytes += utf8Bytes(measureValue!);
    if (bytes > TimestreamLimits.recordBytes) {
      return {
        index,
        reason: `The record is ${bytes} bytes; at most ${TimestreamLimits.recordBytes} bytes are allowed.`,
      };
    }
  }
  const dimensions = sortedDimensions(dimNames, dimValues, dn);
  return {
    index,
    timeNs,
    dimensions,
    measureName,
    multi,
    values,
    version,
    key: keyOf(nanosText(time, unit, timeNs), measureName, dimensions),
    fingerprint: multi ? multiFingerprint(values) : texts[0]!,
  };
}

/** Fields of the record being read; reused from one record to the next (parsing is synchronous). */
const current = emptyFields();

/**
 * Parses a WriteRecords request body. Violations of the API model (sizes, enums, missing names) fail the
 * whole call with a ValidationException, as the service does; problems of a single record's content become
 * a {@link RecordRejection} so that the other records are still written.
 */
export function parseWriteRequest(body: Json): ParsedWriteRequest {
  const databaseName = requireString(body.DatabaseName, 'databaseName');
  const tableName = requireString(body.TableName, 'tableName');
  const list = body.Records;
  if (!Array.isArray(list)) {
    throw constraintError('records', 'null', 'Member must not be null');
  }
  const n = list.length;
  if (n < 1)
    throw constraintError('records', 'with length 0', 'Member must have length greater than or equal to 1');
  if (n > TimestreamLimits.recordsPerWrite) {
    throw constraintError(
      'records',
      `with length ${n}`,
      `Member must have length less than or equal to ${TimestreamLimits.recordsPerWrite}`,
    );
  }
  let common: RawFields | undefined;
  if (body.CommonAttributes !== undefined && body.CommonAttributes !== null) {
    common = emptyFields();
    readRawRecord(body.CommonAttributes, -1, common);
  }
  const commonDims = common !== undefined && common.dimCount > 0 ? common : undefined;
  const commonSet =
    commonDims && commonDims.dimCount > smallList
      ? new Set(commonDims.dimNames.slice(0, commonDims.dimCount))
      : undefined;
  // A record naming a dimension of CommonAttributes fails the call, but only once every record passed the
  // model checks (those errors win); the records parsed meanwhile are then dropped.
  let conflict: ValidationException | undefined;
  const records: Array<ParsedRecord | RecordRejection> = new Array(n);
  for (let i = 0; i < n; i++) {
    readRawRecord(list[i], i, current);
    if (commonDims !== undefined && conflict === undefined) {
      for (let j = 0; j < current.dimCount; j++) {
        const name = current.dimNames[j]!;
        if (commonSet ? commonSet.has(name) : inPrefix(commonDims.dimNames, commonDims.dimCount, name)) {
          conflict = new ValidationException(
            `Dimension '${name}' of records[${i}] is also in CommonAttributes; a dimension name may appear in only one of them.`,
          );
          break;
        }
      }
    }
    if (conflict === undefined) records[i] = parseRecord(i, current, common);
  }
  if (conflict !== undefined) throw conflict;
  return { databaseName, tableName, records };
}
