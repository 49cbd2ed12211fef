import type { Reading } from '../reading';
import type { RecordLayout } from './record-layout';
import type { TimestreamRecord } from './timestream-record';

/** Timestream's limit of records per WriteRecords request. */
export const maxRecordsPerWrite = 100;

/** One WriteRecords request's worth: `CommonAttributes`, the records, and the reading index of each record. */
export type WriteChunk = {
  readonly commonAttributes: TimestreamRecord;
  readonly records: TimestreamRecord[];
  /** `readingIndexes[i]` is the reading of `records[i]`: map `RejectedRecords[].RecordIndex` back with it. */
  readonly readingIndexes: number[];
};

/** Options of {@link toWriteChunks}: the record layout and the Version of each reading's records. */
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

/** Epoch nanoseconds as text: the milliseconds then six digits of sub-millisecond nanoseconds. */
export function nanosecondTime(timeMs: number, subMsNanos: number): string {
  return `${timeMs}${String(subMsNanos).padStart(6, '0')}`;
}
