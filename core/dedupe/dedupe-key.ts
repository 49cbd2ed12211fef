import { hash } from 'node:crypto';
import type { Reading } from '../reading';

/**
 * A stable key that identifies a reading across retries and re-sends:
 * - `m:<deviceId>:<messageId>` when the sender gave a messageId (ids are unique per device, not globally);
 * - else `h:<sha256>` of the canonical, order-independent JSON of deviceId, time, sorted dimensions and sorted
 *   measures (in canonical units, so 75.2 degF and 24 degC of the same instant are the same reading).
 */
export function dedupeKey(reading: Reading): string {
  if (reading.messageId !== undefined) return `m:${reading.deviceId}:${reading.messageId}`;
  return `h:${hash('sha256', canonicalJson(reading), 'base64url')}`;
}

/**
 * The canonical JSON hashed by {@link dedupeKey}:
 * `[deviceId, timeMs, subMsNanos, [[dimension, value], ...], [[measure, value, unit], ...]]`, names sorted.
 * Written by hand (names, units and device ids are from restricted character sets and need no escaping;
 * dimension values are JSON-escaped) because it runs for every reading.
 */
export function canonicalJson(reading: Reading): string {
  let out = `["${reading.deviceId}",${reading.timeMs},${reading.timeSubMsNanos ?? 0},[`;
  const dims = sortedKeys(reading.dimensions);
  for (let i = 0; i < dims.length; i++) {
    const k = dims[i]!;
    out += `${i === 0 ? '' : ','}["${k}",${JSON.stringify(reading.dimensions[k])}]`;
  }
  out += '],[';
  const measures = sortedKeys(reading.measures);
  for (let i = 0; i < measures.length; i++) {
    const k = measures[i]!;
    const m = reading.measures[k]!;
    out += `${i === 0 ? '' : ','}["${k}",${m.value},"${m.unit}"]`;
  }
  return `${out}]]`;
}

function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  return keys.length > 1 ? keys.sort() : keys;
}
