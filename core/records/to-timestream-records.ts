import type { Reading } from '../reading';
import { deviceDimensions } from './device-dimensions';
import { InvalidRecordVersionError } from './errors';
import { multiMeasureName, RecordLayout } from './record-layout';
import { msTimeText, valueText } from './record-text';
import {
  type MappedRecord,
  MeasureValueType,
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

/** Epoch nanoseconds as text: the milliseconds then six digits of sub-millisecond nanoseconds. */
export function nanosecondTime(timeMs: number, subMsNanos: number): string {
  return `${timeMs}${String(subMsNanos).padStart(6, '0')}`;
}
