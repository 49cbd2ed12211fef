import { hiddenColumnPrefix, reservedNamePattern, TimestreamLimits } from './constants';
import { ValidationException } from './errors';
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
export function constraintError(path: string, shown: string, constraint: string): ValidationException {
  return new ValidationException(
    `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function requireString(v: unknown, path: string, optional: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw constraintError(path, 'null', 'Member must not be null');
  }
  if (typeof v !== 'string')
    throw new ValidationException(`Expected a string at '${path}', got ${typeof v}.`);
  return v;
}

function checkLength(v: string, path: string, min: number, max: number, bytes = false): void {
  const len = bytes ? utf8Bytes(v) : v.length;
  if (len < min)
    throw constraintError(path, `'${v}'`, `Member must have length greater than or equal to ${min}`);
  if (len > max) {
    throw constraintError(
      path,
      `'${v.slice(0, 64)}...'`,
      `Member must have length less than or equal to ${max}`,
    );
  }
}

interface RawRecord {
  dimensions: Array<{ name: string; value: string }>;
  measureName?: string;
  measureValue?: string;
  measureValueType?: string;
  measureValues?: Array<{ name: string; value: string; type: string }>;
  time?: string;
  timeUnit?: string;
  version?: bigint;
}

const measureValueTypes = new Set(['DOUBLE', 'BIGINT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP', 'MULTI']);
const timeUnits = new Set<string>(Object.values(TimeUnit));

/** Checks the model constraints of one Record (or CommonAttributes); violations fail the whole call. */
function readRawRecord(v: unknown, path: string): RawRecord {
  if (!isObject(v)) throw new ValidationException(`Expected an object at '${path}'.`);
  const out: RawRecord = { dimensions: [] };
  if (v.Dimensions !== undefined && v.Dimensions !== null) {
    if (!Array.isArray(v.Dimensions))
      throw new ValidationException(`Expected a list at '${path}.dimensions'.`);
    if (v.Dimensions.length > TimestreamLimits.dimensionsPerRecord) {
      throw constraintError(
        `${path}.dimensions`,
        `with length ${v.Dimensions.length}`,
        `Member must have length less than or equal to ${TimestreamLimits.dimensionsPerRecord}`,
      );
    }
    v.Dimensions.forEach((d: unknown, i: number) => {
      const p = `${path}.dimensions.${i + 1}.member`;
      if (!isObject(d)) throw new ValidationException(`Expected an object at '${p}'.`);
      const name = requireString(d.Name, `${p}.name`, false)!;
      checkLength(name, `${p}.name`, 1, TimestreamLimits.dimensionNameBytes, true);
      const value = requireString(d.Value, `${p}.value`, false)!;
      checkLength(value, `${p}.value`, 0, TimestreamLimits.dimensionValueChars);
      if (d.DimensionValueType !== undefined && d.DimensionValueType !== 'VARCHAR') {
        throw constraintError(
          `${p}.dimensionValueType`,
          `'${String(d.DimensionValueType)}'`,
          'Member must satisfy enum value set: [VARCHAR]',
        );
      }
      out.dimensions.push({ name, value });
    });
  }
  out.measureName = requireString(v.MeasureName, `${path}.measureName`, true);
  if (out.measureName !== undefined) {
    checkLength(out.measureName, `${path}.measureName`, 1, TimestreamLimits.measureNameBytes, true);
  }
  out.measureValue = requireString(v.MeasureValue, `${path}.measureValue`, true);
  if (out.measureValue !== undefined) {
    checkLength(out.measureValue, `${path}.measureValue`, 1, TimestreamLimits.measureValueChars);
  }
  out.measureValueType = requireString(v.MeasureValueType, `${path}.measureValueType`, true);
  if (out.measureValueType !== undefined && !measureValueTypes.has(out.measureValueType)) {
    throw constraintError(
      `${path}.measureValueType`,
      `'${out.measureValueType}'`,
      'Member must satisfy enum value set: [DOUBLE, BIGINT, VARCHAR, BOOLEAN, TIMESTAMP, MULTI]',
    );
  }
  if (v.MeasureValues !== undefined && v.MeasureValues !== null) {
    if (!Array.isArray(v.MeasureValues)) {
      throw new ValidationException(`Expected a list at '${path}.measureValues'.`);
    }
    out.measureValues = v.MeasureValues.map((m: unknown, i: number) => {
      const p = `${path}.measureValues.${i + 1}.member`;
      if (!isObject(m)) throw new ValidationException(`Expected an object at '${p}'.`);
      const name = requireString(m.Name, `${p}.name`, false)!;
      checkLength(name, `${p}.name`, 1, TimestreamLimits.measureNameBytes, true);
      const value = requireString(m.Value, `${p}.value`, false)!;
      checkLength(value, `${p}.value`, 1, TimestreamLimits.measureValueChars);
      const type = requireString(m.Type, `${p}.type`, false)!;
      if (!measureValueTypes.has(type)) {
        throw constraintError(
          `${p}.type`,
          `'${type}'`,
          'Member must satisfy enum value set: [DOUBLE, BIGINT, VARCHAR, BOOLEAN, TIMESTAMP, MULTI]',
        );
      }
      return { name, value, type };
    });
  }
  out.time = requireString(v.Time, `${path}.time`, true);
  if (out.time !== undefined) checkLength(out.time, `${path}.time`, 1, 256);
  out.timeUnit = requireString(v.TimeUnit, `${path}.timeUnit`, true);
  if (out.timeUnit !== undefined && !timeUnits.has(out.timeUnit)) {
    throw constraintError(
      `${path}.timeUnit`,
      `'${out.timeUnit}'`,
      'Member must satisfy enum value set: [MILLISECONDS, SECONDS, MICROSECONDS, NANOSECONDS]',
    );
  }
  if (v.Version !== undefined && v.Version !== null) {
    if (typeof v.Version !== 'number' || !Number.isInteger(v.Version)) {
      throw new ValidationException(
        `Expected an integer at '${path}.version', got ${JSON.stringify(v.Version)}.`,
      );
    }
    if (v.Version < 1) {
      throw constraintError(
        `${path}.version`,
        `'${v.Version}'`,
        'Member must have value greater than or equal to 1',
      );
    }
    out.version = BigInt(v.Version);
  }
  return out;
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** Parses one value; returns the typed value or a rejection reason. */
function parseValue(name: string, type: ValueType, raw: string, unit: TimeUnit): TypedValue | string {
  switch (type) {
    case 'DOUBLE': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) {
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
      return { name, type, value: ns };
    }
    default:
      return { name, type: 'VARCHAR', value: raw };
  }
}

function canonical(v: TypedValue): string {
  return `${v.type}\u001f${typeof v.value === 'boolean' ? (v.value ? 'true' : 'false') : String(v.value)}`;
}

/** The upsert identity of a record: time, dimensions (sorted by name) and measure name. */
export function recordKey(
  timeNs: bigint,
  measureName: string,
  sortedDimensions: ReadonlyArray<readonly [string, string]>,
): string {
  let key = `${timeNs}\u001e${measureName}`;
  for (const [n, v] of sortedDimensions) key += `\u001e${n}\u001f${v}`;
  return key;
}

/** Canonical text of a record's value(s); MULTI values are ordered by name. */
export function valueFingerprint(values: readonly TypedValue[], multi: boolean): string {
  if (!multi) return canonical(values[0]!);
  return [...values]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((v) => `${v.name}\u001f${canonical(v)}`)
    .join('\u001e');
}

function badName(name: string): boolean {
  return reservedNamePattern.test(name) || name.startsWith(hiddenColumnPrefix);
}
const reservedText = `reserved (time, measure_name, measure_value* and names starting with ${hiddenColumnPrefix} cannot be used)`;

/** Merges CommonAttributes into one record and parses it: a record or the reason it is refused. */
function parseRecord(
  index: number,
  raw: RawRecord,
  common: RawRecord | undefined,
): ParsedRecord | RecordRejection {
  const reject = (reason: string): RecordRejection => ({ index, reason });
  const dims = common ? [...common.dimensions, ...raw.dimensions] : raw.dimensions;
  const measureName = raw.measureName ?? common?.measureName;
  const valueType = raw.measureValueType ?? common?.measureValueType ?? 'DOUBLE';
  const measureValue = raw.measureValue ?? common?.measureValue;
  const measureValues = raw.measureValues ?? common?.measureValues;
  const time = raw.time ?? common?.time;
  const unit = (raw.timeUnit ?? common?.timeUnit ?? 'MILLISECONDS') as TimeUnit;
  const version = raw.version ?? common?.version ?? 1n;

  if (measureName === undefined)
    return reject('MeasureName is required (in the record or in CommonAttributes).');
  if (badName(measureName)) return reject(`Measure name '${measureName}' is ${reservedText}.`);
  if (time === undefined) return reject('Time is required (in the record or in CommonAttributes).');
  const timeNs = toNanos(time, unit);
  if (timeNs === undefined)
    return reject(`Invalid time '${time}': expected an integer epoch time in ${unit}.`);

  const seen = new Set<string>();
  let bytes = utf8Bytes(measureName) + 8;
  for (const d of dims) {
    if (seen.has(d.name)) return reject(`Dimension '${d.name}' appears more than once in the record.`);
    seen.add(d.name);
    if (badName(d.name)) return reject(`Dimension name '${d.name}' is ${reservedText}.`);
    if (d.value === '') return reject(`Dimension '${d.name}' has an empty value.`);
    bytes += utf8Bytes(d.name) + utf8Bytes(d.value);
  }
  if (dims.length > TimestreamLimits.dimensionsPerRecord) {
    return reject(
      `The record has ${dims.length} dimensions; at most ${TimestreamLimits.dimensionsPerRecord} are allowed.`,
    );
  }

  const values: TypedValue[] = [];
  const multi = valueType === 'MULTI';
  if (multi) {
    if (measureValue !== undefined)
      return reject('MeasureValue must not be set when MeasureValueType is MULTI; use MeasureValues.');
    if (!measureValues || measureValues.length === 0) {
      return reject('MeasureValues must hold at least one value when MeasureValueType is MULTI.');
    }
    const names = new Set<string>();
    for (const m of measureValues) {
      if (names.has(m.name))
        return reject(`Measure value name '${m.name}' appears more than once in MeasureValues.`);
      names.add(m.name);
      if (badName(m.name)) return reject(`Measure value name '${m.name}' is ${reservedText}.`);
      if (seen.has(m.name))
        return reject(`Measure value name '${m.name}' is also a dimension name of the record.`);
      if (m.type === 'MULTI') return reject(`Measure value '${m.name}' cannot be of type MULTI.`);
      const parsed = parseValue(m.name, m.type as ValueType, m.value, unit);
      if (typeof parsed === 'string') return reject(parsed);
      values.push(parsed);
      bytes += utf8Bytes(m.name) + utf8Bytes(m.value);
    }
  } else {
    if (measureValues !== undefined)
      return reject(`MeasureValues can only be used with MeasureValueType MULTI, not ${valueType}.`);
    if (measureValue === undefined)
      return reject('MeasureValue is required (in the record or in CommonAttributes).');
    const parsed = parseValue(measureName, valueType as ValueType, measureValue, unit);
    if (typeof parsed === 'string') return reject(parsed);
    values.push(parsed);
    bytes += utf8Bytes(measureValue);
  }
  if (bytes > TimestreamLimits.recordBytes) {
    return reject(`The record is ${bytes} bytes; at most ${TimestreamLimits.recordBytes} bytes are allowed.`);
  }
  const dimensions = dims
    .map((d) => [d.name, d.value] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    index,
    timeNs,
    dimensions,
    measureName,
    multi,
    values,
    version,
    key: recordKey(timeNs, measureName, dimensions),
    fingerprint: valueFingerprint(values, multi),
  };
}

/**
 * Parses a WriteRecords request body. Violations of the API model (sizes, enums, missing names) fail the
 * whole call with a ValidationException, as the service does; problems of a single record's content become
 * a {@link RecordRejection} so that the other records are still written.
 */
export function parseWriteRequest(body: Json): ParsedWriteRequest {
  const databaseName = requireString(body.DatabaseName, 'databaseName', false)!;
  const tableName = requireString(body.TableName, 'tableName', false)!;
  if (!Array.isArray(body.Records)) {
    throw constraintError('records', 'null', 'Member must not be null');
  }
  const n = body.Records.length;
  if (n < 1)
    throw constraintError('records', 'with length 0', 'Member must have length greater than or equal to 1');
  if (n > TimestreamLimits.recordsPerWrite) {
    throw constraintError(
      'records',
      `with length ${n}`,
      `Member must have length less than or equal to ${TimestreamLimits.recordsPerWrite}`,
    );
  }
  const common =
    body.CommonAttributes === undefined || body.CommonAttributes === null
      ? undefined
      : readRawRecord(body.CommonAttributes, 'commonAttributes');
  const commonNames = new Set(common?.dimensions.map((d) => d.name));
  const raws = body.Records.map((r: unknown, i: number) => readRawRecord(r, `records.${i + 1}.member`));
  raws.forEach((r, i) => {
    for (const d of r.dimensions) {
      if (commonNames.has(d.name)) {
        throw new ValidationException(
          `Dimension '${d.name}' of records[${i}] is also in CommonAttributes; a dimension name may appear in only one of them.`,
        );
      }
    }
  });
  return { databaseName, tableName, records: raws.map((r, i) => parseRecord(i, r, common)) };
}
