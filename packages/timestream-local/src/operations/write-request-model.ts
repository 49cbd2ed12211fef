import { TimestreamLimits } from '../constants';
import { ValidationException } from '../errors';
import { TimeUnit } from './time-units';

/**
 * The WriteRecords request checked against the API model (botocore's timestream-write): types, lengths,
 * enums and the limits on lists. A violation fails the whole call with the service's ValidationException
 * text; what the model allows is read into reusable {@link RawFields}.
 */

export type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The service's model-validation message. */
function constraintError(path: string, shown: string, constraint: string): ValidationException {
  return new ValidationException(
    `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`,
  );
}

export const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

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

export const requireString = (v: unknown, path: string): string => {
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
export interface RawFields {
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

export const emptyFields = (): RawFields => ({
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
export function readRawRecord(v: unknown, ri: number, out: RawFields): void {
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

/** The request's Records list, checked against the model's length limits. */
export function requireRecordList(list: unknown): readonly unknown[] {
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
  return list;
}
