import { hash } from 'node:crypto';
import type { Reading } from '../reading';

/**
 * A stable key that identifies a reading across retries and re-sends:
 * - `m:<deviceId>:<messageId>` when the sender gave a messageId (ids are unique per device, not globally);
 * - else `h:<sha256, base64url>` of {@link canonicalBytes}: deviceId, time, sorted dimensions and sorted
 *   measures in canonical units (so 75.2 degF and 24 degC of the same instant are the same reading).
 * The same reading always gives the same key, in any process.
 */
export function dedupeKey(reading: Reading): string {
  if (reading.messageId !== undefined) return `m:${reading.deviceId}:${reading.messageId}`;
  return `h:${hash('sha256', canonicalBytes(reading), 'base64url')}`;
}

let scratch = Buffer.allocUnsafe(4096);
let scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
let off = 0;

/**
 * The canonical, order-independent encoding hashed by {@link dedupeKey}: length-prefixed UTF-8 strings and
 * IEEE-754 doubles, in the order deviceId, timeMs, timeSubMsNanos, dimension count, (name, value) sorted by
 * name, measure count, (name, value, unit) sorted by name. Length prefixes and counts make it unambiguous.
 * Binary rather than JSON text because it runs for every reading: no number formatting, no string building.
 * The returned view is only valid until the next call.
 */
export function canonicalBytes(reading: Reading): Uint8Array {
  off = 0;
  writeString(reading.deviceId);
  writeNumber(reading.timeMs);
  writeNumber(reading.timeSubMsNanos ?? 0);
  const dimensions = reading.dimensions;
  const dimNames = sortedKeys(dimensions, dimensionOrder);
  writeNumber(dimNames.length);
  for (const k of dimNames) {
    writeString(k);
    writeString(dimensions[k]!);
  }
  const measures = reading.measures;
  const measureNames = sortedKeys(measures, measureOrder);
  writeNumber(measureNames.length);
  for (const k of measureNames) {
    const m = measures[k]!;
    writeString(k);
    // +0 so that -0 and 0 (the same stored value) give the same key.
    writeNumber(m.value + 0);
    writeString(m.unit);
  }
  // A plain Uint8Array view: cheaper to make than Buffer#subarray, and all crypto.hash needs.
  return new Uint8Array(scratch.buffer, scratch.byteOffset, off);
}

function ensure(bytes: number): void {
  if (off + bytes <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(off + bytes, scratch.length * 2));
  scratch.copy(bigger, 0, 0, off);
  scratch = bigger;
  scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
}

function writeString(s: string): void {
  const len = s.length;
  ensure(4 + len * 3);
  const start = off + 4;
  let p = start;
  // Names, units and device ids are ASCII: copy code units directly, and let Buffer encode anything else.
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      p = start + scratch.write(s, start, 'utf8');
      break;
    }
    scratch[p++] = c;
  }
  scratchView.setUint32(off, p - start, true);
  off = p;
}

function writeNumber(v: number): void {
  ensure(8);
  scratchView.setFloat64(off, v, true);
  off += 8;
}

const noKeys: readonly string[] = [];

/**
 * Readings of one device come with the same names in the same order, so the last order seen and its sorted
 * form are kept (one per object kind): a repeat costs one pass over the keys and no allocation.
 */
type OrderMemo = { order: string[]; sorted: readonly string[] };
const dimensionOrder: OrderMemo = { order: [], sorted: noKeys };
const measureOrder: OrderMemo = { order: [], sorted: noKeys };

/** The object's keys in code-unit order. */
function sortedKeys(o: object, memo: OrderMemo): readonly string[] {
  const order = memo.order;
  let i = 0;
  let same = true;
  for (const k in o) {
    if (i >= order.length || order[i] !== k) {
      same = false;
      break;
    }
    i++;
  }
  if (same && i === order.length) return memo.sorted;
  const keys = Object.keys(o);
  if (keys.length === 0) return noKeys;
  memo.order = keys;
  memo.sorted = [...keys].sort();
  return memo.sorted;
}
