/*
 * Timestream's metering of writes and storage, as its developer guide states it
 * (metering-and-pricing.writes.html, metering-and-pricing.storage.html): an event's size is 8 bytes of
 * timestamp, plus the UTF-8 bytes of each dimension name and value and of the measure name, plus each
 * measure value (8 bytes for DOUBLE and BIGINT, 1 for BOOLEAN, the UTF-8 bytes of a VARCHAR). A WriteRecords
 * request is metered in units of 1 KiB, with the CommonAttributes counted once for the whole request.
 * Version, types and time units are not part of the size.
 */

/**
 * The fields of a Timestream record that metering reads: the writer's `TimestreamRecord` and the SDK's
 * `_Record` (the rollup's aggregate records) both fit.
 */
export interface MeteredRecord {
  readonly Dimensions?:
    | readonly { readonly Name?: string | undefined; readonly Value?: string | undefined }[]
    | undefined;
  readonly MeasureName?: string | undefined;
  readonly MeasureValue?: string | undefined;
  readonly MeasureValueType?: string | undefined;
  readonly MeasureValues?:
    | readonly {
        readonly Name?: string | undefined;
        readonly Value?: string | undefined;
        readonly Type?: string | undefined;
      }[]
    | undefined;
}

/** Bytes of one metered write unit. */
const writeUnitBytes = 1024;

const utf8 = new TextEncoder();
const bytesOf = (text: string): number => utf8.encode(text).length;

function valueBytes(type: string | undefined, value: string | undefined): number {
  if (type === 'BOOLEAN') return 1;
  if (type === 'VARCHAR') return bytesOf(value ?? '');
  return 8; // DOUBLE (the default type), BIGINT, TIMESTAMP
}

/** Bytes of a record's (or a CommonAttributes') dimensions, measure name and values: everything but the time. */
function fieldBytes(record: MeteredRecord): number {
  let size = 0;
  for (const d of record.Dimensions ?? []) size += bytesOf(d.Name ?? '') + bytesOf(d.Value ?? '');
  if (record.MeasureName !== undefined) size += bytesOf(record.MeasureName);
  if (record.MeasureValue !== undefined) size += valueBytes(record.MeasureValueType, record.MeasureValue);
  for (const v of record.MeasureValues ?? []) size += bytesOf(v.Name ?? '') + valueBytes(v.Type, v.Value);
  return size;
}

const timestampBytes = 8;

/**
 * Metered bytes of one WriteRecords request: the CommonAttributes once, then each record with its own
 * 8-byte timestamp (counted per record even when the time is common: every stored event has one).
 *
 * @example
 * meteredRequestBytes({ commonAttributes: { MeasureName: 'cpu' }, records: [{ MeasureValue: '1' }] }); // 3 + 8 + 8
 */
export function meteredRequestBytes(request: {
  readonly commonAttributes?: MeteredRecord | undefined;
  readonly records: readonly MeteredRecord[];
}): number {
  let size = request.commonAttributes === undefined ? 0 : fieldBytes(request.commonAttributes);
  for (const record of request.records) size += timestampBytes + fieldBytes(record);
  return size;
}

/** Write units (1 KiB each, rounded up) of one WriteRecords request. */
export function meteredWriteUnits(request: Parameters<typeof meteredRequestBytes>[0]): number {
  return Math.ceil(meteredRequestBytes(request) / writeUnitBytes);
}

/**
 * Stored bytes of the records of a request: each record whole (its CommonAttributes merged in), as the
 * memory and magnetic stores keep every event with its own dimensions and names.
 */
export function storedBytes(request: Parameters<typeof meteredRequestBytes>[0]): number {
  const common = request.commonAttributes === undefined ? 0 : fieldBytes(request.commonAttributes);
  let size = 0;
  for (const record of request.records) size += timestampBytes + common + fieldBytes(record);
  return size;
}
