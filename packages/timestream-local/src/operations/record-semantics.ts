import { hiddenColumnPrefix, reservedNamePattern, TimestreamLimits } from '../constants';
import { ValidationException } from '../errors';
import { parseValue } from './measure-values';
import type { ParsedRecord, RecordRejection, TypedValue, ValueType } from './parsed-record';
import { canonicalOf, keyOf, multiFingerprint, smallList, sortedDimensions } from './record-identity';
import { nanosText, type TimeUnit, toNanos } from './time-units';
import { type RawFields, utf8Bytes } from './write-request-model';

/**
 * What a record means once it passed the model checks: CommonAttributes merged into it, the rules on names
 * (reserved, repeated, shared between dimensions and measure values), the value(s) parsed, the record size.
 * A record that breaks one is refused alone ({@link RecordRejection}); the other records are still written.
 */

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

/** canonicalOf() of each value of the record being parsed, in the order of its values. */
const texts: string[] = [];

/** Dimensions of CommonAttributes followed by those of the record, when CommonAttributes has any. */
const merged = { names: [] as string[], values: [] as string[] };

/** Merges CommonAttributes into one record and parses it: a record or the reason it is refused. */
export function parseRecord(
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
    fingerprint: multi ? multiFingerprint(values, texts) : texts[0]!,
  };
}

/** The dimension names of CommonAttributes, for {@link commonDimensionConflict}. */
export interface CommonDimensions {
  readonly fields: RawFields;
  /** the names as a Set when there are many */
  readonly set: ReadonlySet<string> | undefined;
}

/** The dimensions of CommonAttributes, or undefined when it has none. */
export function commonDimensionsOf(common: RawFields | undefined): CommonDimensions | undefined {
  if (common === undefined || common.dimCount === 0) return undefined;
  return {
    fields: common,
    set: common.dimCount > smallList ? new Set(common.dimNames.slice(0, common.dimCount)) : undefined,
  };
}

/**
 * The error for record `ri` (its model-checked fields `raw`) naming a dimension of CommonAttributes, which
 * fails the whole call; undefined when it names none.
 */
export function commonDimensionConflict(
  common: CommonDimensions,
  raw: RawFields,
  ri: number,
): ValidationException | undefined {
  const { fields, set } = common;
  for (let j = 0; j < raw.dimCount; j++) {
    const name = raw.dimNames[j]!;
    if (set ? set.has(name) : inPrefix(fields.dimNames, fields.dimCount, name)) {
      return new ValidationException(
        `Dimension '${name}' of records[${ri}] is also in CommonAttributes; a dimension name may appear in only one of them.`,
      );
    }
  }
  return undefined;
}
