import { encodeReadings, type Reading } from '#core/reading';

/**
 * Largest stream record the ingest writes: 256 KiB, so that a record the writer dead-letters whole still
 * fits in one SQS message (256 KiB), although Kinesis itself takes up to 1 MiB.
 */
export const maxRecordBytes = 256 * 1024;

/** One stream record: the readings it carries (their positions in the request) and its data. */
export interface PackedRecord {
  readonly partitionKey: string;
  /** Positions of the record's readings in the input, ascending. */
  readonly indexes: readonly number[];
  /** `encodeReadings` of those readings, UTF-8. */
  readonly data: Uint8Array;
}

/**
 * Packs readings into as few records as fit `maxBytes` each, one partition key (device) per record, keeping
 * each device's readings in order. The data is core's {@link encodeReadings} (a JSON array), which the writer
 * decodes with `decodeKinesisPayload`.
 *
 * @example
 * packReadings(readings).map((r) => ({ PartitionKey: r.partitionKey, Data: r.data }));
 */
export function packReadings(
  readings: readonly Reading[],
  maxBytes: number = maxRecordBytes,
): PackedRecord[] {
  const byDevice = new Map<string, number[]>();
  for (let i = 0; i < readings.length; i++) {
    const id = readings[i]!.deviceId;
    const list = byDevice.get(id);
    if (list === undefined) byDevice.set(id, [i]);
    else list.push(i);
  }
  const out: PackedRecord[] = [];
  for (const [partitionKey, indexes] of byDevice) {
    let current: number[] = [];
    let bytes = 2; // '[' and ']'
    const flush = () => {
      if (current.length === 0) return;
      const data = Buffer.from(encodeReadings(current.map((i) => readings[i]!)), 'utf8');
      if (data.length > maxBytes) {
        throw new RangeError(`packed record is ${data.length} bytes, over the ${maxBytes} byte limit`);
      }
      out.push({ partitionKey, indexes: current, data });
      current = [];
      bytes = 2;
    };
    for (const i of indexes) {
      // encodeReadings of one reading is '[<reading>]': its size less 2 is the reading's share of an array.
      const size = Buffer.byteLength(encodeReadings([readings[i]!]), 'utf8') - 2;
      if (size + 2 > maxBytes) {
        throw new RangeError(
          `reading ${i} alone encodes to ${size + 2} bytes, over the ${maxBytes} byte limit`,
        );
      }
      const added = current.length === 0 ? size : size + 1;
      if (bytes + added > maxBytes) flush();
      bytes += current.length === 0 ? size : size + 1;
      current.push(i);
    }
    flush();
  }
  return out;
}
