import type { Reading } from '../reading';
import { InvalidRecordVersionError } from './errors';
import { deviceIdDimension, multiMeasureName, RecordLayout } from './record-layout';
import { msTimeText, valueText } from './record-text';
import {
  type MappedRecord,
  MeasureValueType,
  type TimestreamDimension,
  type TimestreamMeasureValue,
  TimeUnit,
} from './timestream-record';

/** Options of {@link toTimestreamRecords}. */
export type RecordOptions = {
  /** `multi` (one MULTI record per reading) or `single` (the seed's layout: one DOUBLE record per measure). */
  readonly layout: RecordLayout;
  /**
   * The record Version, fixed or per reading. Policy: the Kinesis arrival time in epoch ms of the record that
   * carried the reading. A replay or a redelivery of the same Kinesis record writes the same version with the
   * same value, which Timestream accepts as a no-op (idempotent); a correction sent later arrives later, gets
   * a higher version and replaces the earlier value (later corrections win).
   */
  readonly version: number | ((reading: Reading, index: number) => number);
};

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
  const shared = new Map<string, SharedDimensions>();
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!;
    const version = fixed ?? (opts.version as (r: Reading, i: number) => number)(reading, i);
    if (!Number.isSafeInteger(version) || version < 1) throw new InvalidRecordVersionError(version, i);
    const dimensions = dimensionsOf(reading, shared);
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

type SharedDimensions = { source: Readonly<Record<string, string>>; list: TimestreamDimension[] };

/**
 * The Dimensions list of a reading. Readings of a device with equal dimensions share one list (treat it as
 * read-only): less to allocate, and chunkWriteRequests groups records by it cheaply.
 */
function dimensionsOf(reading: Reading, shared: Map<string, SharedDimensions>): TimestreamDimension[] {
  const known = shared.get(reading.deviceId);
  if (known !== undefined && sameDimensions(known.source, reading.dimensions)) return known.list;
  const list: TimestreamDimension[] = [{ Name: deviceIdDimension, Value: reading.deviceId }];
  for (const name in reading.dimensions) list.push({ Name: name, Value: reading.dimensions[name]! });
  shared.set(reading.deviceId, { source: reading.dimensions, list });
  return list;
}

/** True when two dimension objects hold the same names and values. */
export function sameDimensions(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  if (a === b) return true;
  let count = 0;
  for (const k in b) {
    if (a[k] !== b[k]) return false;
    count++;
  }
  for (const _ in a) count--;
  return count === 0;
}

/** The record time: epoch ms, or epoch ns when the reading carries sub-millisecond nanoseconds. */
export function recordTime(reading: Reading): { time: string; unit: TimeUnit } {
  if (reading.timeSubMsNanos === undefined)
    return { time: String(reading.timeMs), unit: TimeUnit.milliseconds };
  return { time: nanosecondTime(reading.timeMs, reading.timeSubMsNanos), unit: TimeUnit.nanoseconds };
}

/** Epoch nanoseconds as text: the milliseconds then six digits of sub-millisecond nanoseconds. */
export function nanosecondTime(timeMs: number, subMsNanos: number): string {
  return `${timeMs}${String(subMsNanos).padStart(6, '0')}`;
}
