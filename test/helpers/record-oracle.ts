/**
 * The record mapping written the plain way, in two steps (readings -> one record each -> WriteRecords
 * requests): the oracle that core's one-pass `toWriteChunks` is compared with, and the baseline the writer
 * and end-to-end benchmarks build their raw WriteRecords calls from.
 */
import type { Reading } from '#core/reading';
import { deviceDimensions } from '#core/records/device-dimensions';
import { InvalidRecordVersionError } from '#core/records/errors';
import { multiMeasureName, RecordLayout } from '#core/records/record-layout';
import { msTimeText, valueText } from '#core/records/record-text';
import {
  type MappedRecord,
  MeasureValueType,
  type TimestreamDimension,
  type TimestreamMeasureValue,
  type TimestreamRecord,
  TimeUnit,
} from '#core/records/timestream-record';
import {
  maxRecordsPerWrite,
  nanosecondTime,
  type RecordOptions,
  type WriteChunk,
} from '#core/records/write-chunk';

/**
 * Maps validated readings to Timestream records. Dimensions: `deviceId` plus the reading's dimensions. Values
 * are written with `String(value)`, the shortest text that reads back as the same double (24.2 -> "24.2");
 * converted values were already rounded to 12 significant digits by the unit registry.
 *
 * @example
 * const mapped = toTimestreamRecords(readings, { layout: config.recordLayout, version: arrivalMs });
 * for (const chunk of chunkWriteRequests(mapped)) await write(chunk);
 */
export function toTimestreamRecords(readings: readonly Reading[], opts: RecordOptions): MappedRecord[] {
  const out: MappedRecord[] = [];
  const fixed = typeof opts.version === 'number' ? opts.version : undefined;
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!;
    const version = fixed ?? (opts.version as (r: Reading, i: number) => number)(reading, i);
    if (!Number.isSafeInteger(version) || version < 1) throw new InvalidRecordVersionError(version, i);
    const dimensions = deviceDimensions(reading).list;
    const sub = reading.timeSubMsNanos;
    const time = sub === undefined ? msTimeText(reading.timeMs) : nanosecondTime(reading.timeMs, sub);
    const unit = sub === undefined ? TimeUnit.milliseconds : TimeUnit.nanoseconds;
    if (opts.layout === RecordLayout.multi) {
      const values: TimestreamMeasureValue[] = [];
      for (const name in reading.measures) {
        values.push({
          Name: name,
          Value: valueText(reading.measures[name]!.value),
          Type: MeasureValueType.double,
        });
      }
      out.push({
        record: {
          Dimensions: dimensions,
          MeasureName: multiMeasureName,
          MeasureValueType: MeasureValueType.multi,
          MeasureValues: values,
          Time: time,
          TimeUnit: unit,
          Version: version,
        },
        readingIndex: i,
      });
    } else {
      for (const name in reading.measures) {
        out.push({
          record: {
            Dimensions: dimensions,
            MeasureName: name,
            MeasureValueType: MeasureValueType.double,
            MeasureValue: valueText(reading.measures[name]!.value),
            Time: time,
            TimeUnit: unit,
            Version: version,
          },
          readingIndex: i,
        });
      }
    }
  }
  return out;
}

/**
 * Splits records into WriteRecords requests of at most `maxRecords`, and moves what all records of a request
 * share into its `CommonAttributes`: each dimension with the same value in every record, and Time/TimeUnit,
 * MeasureName, MeasureValueType and Version when equal. Records are first grouped by their dimensions
 * (keeping their order within a group), so that a device's records land in the same requests and share
 * the most. A hoisted dimension is removed from the records (Timestream refuses a name in both).
 */
export function chunkWriteRequests(
  mapped: readonly MappedRecord[],
  maxRecords = maxRecordsPerWrite,
): WriteChunk[] {
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > maxRecordsPerWrite) {
    throw new RangeError(`maxRecords must be 1..${maxRecordsPerWrite} (got ${maxRecords})`);
  }
  const groups = new Map<string, MappedRecord[]>();
  // Records of one reading, or of one device from toTimestreamRecords, share their Dimensions list: its
  // grouping key is built once per list.
  const keyOfList = new Map<readonly TimestreamDimension[], string>();
  for (const m of mapped) {
    const list = m.record.Dimensions;
    let key = '';
    if (list !== undefined) {
      const known = keyOfList.get(list);
      if (known === undefined) {
        key = dimensionsKey(list);
        keyOfList.set(list, key);
      } else key = known;
    }
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  const ordered: MappedRecord[] = [];
  for (const group of groups.values()) for (const m of group) ordered.push(m);
  const chunks: WriteChunk[] = [];
  for (let start = 0; start < ordered.length; start += maxRecords) {
    chunks.push(hoistCommon(ordered.slice(start, start + maxRecords)));
  }
  return chunks;
}

function dimensionsKey(dimensions: readonly TimestreamDimension[] | undefined): string {
  if (!dimensions) return '';
  let key = '';
  for (const d of dimensions) key += `${d.Name}\u0000${d.Value}\u0001`;
  return key;
}

function hoistCommon(slice: readonly MappedRecord[]): WriteChunk {
  const first = slice[0]!.record;
  const common: TimestreamRecord = {};
  let sharedDims = new Map((first.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  let sameTime = true;
  let sameName = true;
  let sameType = true;
  let sameVersion = true;
  for (const { record: r } of slice) {
    if (sharedDims.size > 0) {
      const next = new Map<string, string>();
      for (const d of r.Dimensions ?? []) if (sharedDims.get(d.Name) === d.Value) next.set(d.Name, d.Value);
      sharedDims = next;
    }
    sameTime &&= r.Time === first.Time && r.TimeUnit === first.TimeUnit;
    sameName &&= r.MeasureName === first.MeasureName;
    sameType &&= r.MeasureValueType === first.MeasureValueType;
    sameVersion &&= r.Version === first.Version;
  }
  if (sharedDims.size > 0) common.Dimensions = [...sharedDims].map(([Name, Value]) => ({ Name, Value }));
  if (sameTime && first.Time !== undefined) {
    common.Time = first.Time;
    if (first.TimeUnit !== undefined) common.TimeUnit = first.TimeUnit;
  }
  if (sameName && first.MeasureName !== undefined) common.MeasureName = first.MeasureName;
  if (sameType && first.MeasureValueType !== undefined) common.MeasureValueType = first.MeasureValueType;
  if (sameVersion && first.Version !== undefined) common.Version = first.Version;

  const records: TimestreamRecord[] = [];
  const readingIndexes: number[] = [];
  const hoistTime = common.Time !== undefined;
  for (const { record, readingIndex } of slice) {
    // Built field by field (no spread-and-delete, which would turn every record into a slow dictionary object).
    const r: TimestreamRecord = {};
    if (record.Dimensions !== undefined) {
      if (sharedDims.size === 0) r.Dimensions = record.Dimensions;
      else {
        const rest = record.Dimensions.filter((d) => !sharedDims.has(d.Name));
        if (rest.length > 0) r.Dimensions = rest;
      }
    }
    if (common.MeasureName === undefined && record.MeasureName !== undefined)
      r.MeasureName = record.MeasureName;
    if (record.MeasureValue !== undefined) r.MeasureValue = record.MeasureValue;
    if (common.MeasureValueType === undefined && record.MeasureValueType !== undefined) {
      r.MeasureValueType = record.MeasureValueType;
    }
    if (record.MeasureValues !== undefined) r.MeasureValues = record.MeasureValues;
    if (!hoistTime) {
      if (record.Time !== undefined) r.Time = record.Time;
      if (record.TimeUnit !== undefined) r.TimeUnit = record.TimeUnit;
    }
    if (common.Version === undefined && record.Version !== undefined) r.Version = record.Version;
    records.push(r);
    readingIndexes.push(readingIndex);
  }
  return { commonAttributes: common, records, readingIndexes };
}
