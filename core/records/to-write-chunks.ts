import type { Reading } from '../reading';
import { type DeviceDimensions, deviceDimensions } from './device-dimensions';
import { InvalidRecordVersionError } from './errors';
import { multiMeasureName, RecordLayout } from './record-layout';
import { msTimeText, valueText } from './record-text';
import {
  MeasureValueType,
  type TimestreamDimension,
  type TimestreamMeasureValue,
  type TimestreamRecord,
  TimeUnit,
} from './timestream-record';
import { maxRecordsPerWrite, nanosecondTime, type RecordOptions, type WriteChunk } from './write-chunk';

/**
 * Readings straight to WriteRecords requests: the same chunks, records and `CommonAttributes` as
 * `chunkWriteRequests(toTimestreamRecords(readings, opts), maxRecords)` (a test compares them), built in one
 * pass in their final shape. The writer's per-batch path: no intermediate record per reading to copy and
 * throw away, and what a request shares (dimensions, time, name, type, version) is found by comparing the
 * readings, before any record exists.
 *
 * @example
 * for (const chunk of toWriteChunks(fresh, { layout: config.recordLayout, version: (_r, i) => arrivalMs[i] }))
 *   await write(chunk); // RejectedRecords[i].RecordIndex -> chunk.readingIndexes[i]
 */
export function toWriteChunks(
  readings: readonly Reading[],
  opts: RecordOptions,
  maxRecords = maxRecordsPerWrite,
): WriteChunk[] {
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > maxRecordsPerWrite) {
    throw new RangeError(`maxRecords must be 1..${maxRecordsPerWrite} (got ${maxRecords})`);
  }
  const n = readings.length;
  const versions: number[] = new Array(n);
  const lists: TimestreamDimension[][] = new Array(n);
  const fixed = typeof opts.version === 'number' ? opts.version : undefined;
  const versionOf = opts.version as (r: Reading, i: number) => number;
  // Group readings by their dimensions (first appearance order), as chunkWriteRequests groups their records:
  // a group number per reading, then a stable counting sort.
  const groupOfKey = new Map<string, number>();
  const groupOf = new Int32Array(n);
  let groupCount = 0;
  let last: DeviceDimensions | undefined;
  let lastGroup = 0;
  for (let i = 0; i < n; i++) {
    const reading = readings[i]!;
    const version = fixed ?? versionOf(reading, i);
    if (!Number.isSafeInteger(version) || version < 1) throw new InvalidRecordVersionError(version, i);
    versions[i] = version;
    const entry = deviceDimensions(reading);
    lists[i] = entry.list;
    if (entry !== last) {
      const known = groupOfKey.get(entry.key);
      if (known === undefined) {
        lastGroup = groupCount++;
        groupOfKey.set(entry.key, lastGroup);
      } else lastGroup = known;
      last = entry;
    }
    groupOf[i] = lastGroup;
  }
  const starts = new Int32Array(groupCount + 1);
  for (let i = 0; i < n; i++) starts[groupOf[i]! + 1]!++;
  for (let g = 1; g <= groupCount; g++) starts[g]! += starts[g - 1]!;
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) order[starts[groupOf[i]!]!++] = i;

  const multi = opts.layout === RecordLayout.multi;
  const chunks: WriteChunk[] = [];
  if (multi) {
    for (let start = 0; start < order.length; start += maxRecords) {
      chunks.push(
        multiChunk(readings, order, start, Math.min(start + maxRecords, order.length), versions, lists),
      );
    }
    return chunks;
  }
  // single: one record per measure; a reading's records may straddle two requests.
  const slots: Slot[] = [];
  for (const i of order) for (const name in readings[i]!.measures) slots.push({ reading: i, name });
  for (let start = 0; start < slots.length; start += maxRecords) {
    chunks.push(singleChunk(readings, slots.slice(start, start + maxRecords), versions, lists));
  }
  return chunks;
}

type Slot = { readonly reading: number; readonly name: string };

/** What every record of a request shares, found on the readings. */
type Common = {
  readonly attributes: TimestreamRecord;
  /** Names of the dimensions hoisted into the attributes (empty: none). */
  readonly hoisted: ReadonlySet<string>;
  readonly sameTime: boolean;
  readonly sameVersion: boolean;
};

const noNames: ReadonlySet<string> = new Set();

/**
 * The request's CommonAttributes, as chunkWriteRequests hoists them: each dimension with one value in every
 * record (in the last record's order), then the time, the measure name and type, and the version when equal.
 */
function commonOf(
  readings: readonly Reading[],
  indexes: ArrayLike<number>,
  from: number,
  to: number,
  versions: readonly number[],
  lists: readonly TimestreamDimension[][],
  measureName: string | undefined,
  valueType: MeasureValueType,
): Common {
  const first = readings[indexes[from]!]!;
  const firstList = lists[indexes[from]!]!;
  const firstVersion = versions[indexes[from]!]!;
  let sharedDims: Map<string, string> | undefined = new Map();
  for (const d of firstList) sharedDims.set(d.Name, d.Value);
  let sameTime = true;
  let sameVersion = true;
  let previousList = firstList;
  for (let p = from + 1; p < to; p++) {
    const i = indexes[p]!;
    const list = lists[i]!;
    if (sharedDims !== undefined && list !== previousList) {
      for (const [name, value] of sharedDims) {
        if (!hasDimension(list, name, value)) sharedDims.delete(name);
      }
      if (sharedDims.size === 0) sharedDims = undefined;
      previousList = list;
    }
    if (sameTime) {
      const r = readings[i]!;
      sameTime = sameNumber(r.timeMs, first.timeMs) && r.timeSubMsNanos === first.timeSubMsNanos;
    }
    sameVersion &&= versions[i] === firstVersion;
  }
  const attributes: TimestreamRecord = {};
  let hoisted = noNames;
  if (sharedDims !== undefined && sharedDims.size > 0) {
    // chunkWriteRequests lists them in the order of the request's last record.
    const dims: TimestreamDimension[] = [];
    for (const d of lists[indexes[to - 1]!]!)
      if (sharedDims.get(d.Name) === d.Value) dims.push({ Name: d.Name, Value: d.Value });
    attributes.Dimensions = dims;
    hoisted = new Set(sharedDims.keys());
  }
  if (sameTime) {
    const sub = first.timeSubMsNanos;
    attributes.Time = sub === undefined ? msTimeText(first.timeMs) : nanosecondTime(first.timeMs, sub);
    attributes.TimeUnit = sub === undefined ? TimeUnit.milliseconds : TimeUnit.nanoseconds;
  }
  if (measureName !== undefined) attributes.MeasureName = measureName;
  attributes.MeasureValueType = valueType;
  if (sameVersion) attributes.Version = firstVersion;
  return { attributes, hoisted, sameTime, sameVersion };
}

function hasDimension(list: readonly TimestreamDimension[], name: string, value: string): boolean {
  for (const d of list) if (d.Name === name) return d.Value === value;
  return false;
}

/** Equal as record times: the same text (NaN is one text; 0 and -0 are both "0"). */
function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** The dimensions a record keeps once the hoisted ones are in CommonAttributes (one array per list). */
function remainingDimensions(
  list: TimestreamDimension[],
  hoisted: ReadonlySet<string>,
  memo: Map<TimestreamDimension[], TimestreamDimension[] | undefined>,
): TimestreamDimension[] | undefined {
  if (hoisted.size === 0) return list;
  if (memo.has(list)) return memo.get(list);
  const rest = list.filter((d) => !hoisted.has(d.Name));
  const kept = rest.length > 0 ? rest : undefined;
  memo.set(list, kept);
  return kept;
}

function multiChunk(
  readings: readonly Reading[],
  order: readonly number[],
  from: number,
  to: number,
  versions: readonly number[],
  lists: readonly TimestreamDimension[][],
): WriteChunk {
  const common = commonOf(
    readings,
    order,
    from,
    to,
    versions,
    lists,
    multiMeasureName,
    MeasureValueType.multi,
  );
  const records: TimestreamRecord[] = new Array(to - from);
  const readingIndexes: number[] = new Array(to - from);
  const memo = new Map<TimestreamDimension[], TimestreamDimension[] | undefined>();
  for (let p = from; p < to; p++) {
    const i = order[p]!;
    const reading = readings[i]!;
    const values: TimestreamMeasureValue[] = [];
    const measures = reading.measures;
    for (const name in measures) {
      values.push({ Name: name, Value: valueText(measures[name]!.value), Type: MeasureValueType.double });
    }
    const r: TimestreamRecord = {};
    const dimensions = remainingDimensions(lists[i]!, common.hoisted, memo);
    if (dimensions !== undefined) r.Dimensions = dimensions;
    r.MeasureValues = values;
    if (!common.sameTime) {
      const sub = reading.timeSubMsNanos;
      if (sub === undefined) {
        r.Time = msTimeText(reading.timeMs);
        r.TimeUnit = TimeUnit.milliseconds;
      } else {
        r.Time = nanosecondTime(reading.timeMs, sub);
        r.TimeUnit = TimeUnit.nanoseconds;
      }
    }
    if (!common.sameVersion) r.Version = versions[i]!;
    records[p - from] = r;
    readingIndexes[p - from] = i;
  }
  return { commonAttributes: common.attributes, records, readingIndexes };
}

function singleChunk(
  readings: readonly Reading[],
  slots: readonly Slot[],
  versions: readonly number[],
  lists: readonly TimestreamDimension[][],
): WriteChunk {
  const indexes = slots.map((s) => s.reading);
  let sameName = true;
  for (const s of slots) sameName &&= s.name === slots[0]!.name;
  const common = commonOf(
    readings,
    indexes,
    0,
    indexes.length,
    versions,
    lists,
    sameName ? slots[0]!.name : undefined,
    MeasureValueType.double,
  );
  const records: TimestreamRecord[] = [];
  const memo = new Map<TimestreamDimension[], TimestreamDimension[] | undefined>();
  for (const { reading: i, name } of slots) {
    const reading = readings[i]!;
    const r: TimestreamRecord = {};
    const dimensions = remainingDimensions(lists[i]!, common.hoisted, memo);
    if (dimensions !== undefined) r.Dimensions = dimensions;
    if (!sameName) r.MeasureName = name;
    r.MeasureValue = valueText(reading.measures[name]!.value);
    if (!common.sameTime) {
      const sub = reading.timeSubMsNanos;
      if (sub === undefined) {
        r.Time = msTimeText(reading.timeMs);
        r.TimeUnit = TimeUnit.milliseconds;
      } else {
        r.Time = nanosecondTime(reading.timeMs, sub);
        r.TimeUnit = TimeUnit.nanoseconds;
      }
    }
    if (!common.sameVersion) r.Version = versions[i]!;
    records.push(r);
  }
  return { commonAttributes: common.attributes, records, readingIndexes: indexes };
}
