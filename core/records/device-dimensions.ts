import type { Reading } from '../reading';
import { deviceIdDimension } from './record-layout';
import type { TimestreamDimension } from './timestream-record';

/** A device's Dimensions list (deviceId first, then the reading's dimensions) and its grouping key. */
export type DeviceDimensions = {
  readonly source: Readonly<Record<string, string>>;
  readonly list: TimestreamDimension[];
  /** The list as one string, to group readings with equal dimensions. */
  readonly key: string;
};

/*
 * The Dimensions list of each device's latest dimensions, kept across calls (bounded): a writer sees the same
 * devices batch after batch, so the list, its grouping key and their strings are built once per device rather
 * than once per reading. The lists are shared by records: treat them as read-only.
 */
const byDevice = new Map<string, DeviceDimensions>();
const maxDevices = 50_000;

/** The Dimensions list of `reading`, shared with earlier readings of its device that had equal dimensions. */
export function deviceDimensions(reading: Reading): DeviceDimensions {
  const known = byDevice.get(reading.deviceId);
  if (known !== undefined && sameDimensions(known.source, reading.dimensions)) return known;
  const list: TimestreamDimension[] = [{ Name: deviceIdDimension, Value: reading.deviceId }];
  for (const name in reading.dimensions) list.push({ Name: name, Value: reading.dimensions[name]! });
  const entry: DeviceDimensions = { source: reading.dimensions, list, key: dimensionsKey(list) };
  if (byDevice.size >= maxDevices) byDevice.clear();
  byDevice.set(reading.deviceId, entry);
  return entry;
}

/** The list as one string: equal for equal lists, different otherwise. */
function dimensionsKey(dimensions: readonly TimestreamDimension[]): string {
  let key = '';
  for (const d of dimensions) key += `${d.Name}\u0000${d.Value}\u0001`;
  return key;
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
