import type { Reading } from '../reading';
import { dedupeKey } from './dedupe-key';
import { keyFingerprint } from './key-fingerprint';
import type { RecentKeys } from './recent-keys';

/** Why a reading was dropped: a copy earlier in the same batch, or one written in a recent batch. */
export const DuplicateOf = { batch: 'batch', recent: 'recent' } as const;
export type DuplicateOf = (typeof DuplicateOf)[keyof typeof DuplicateOf];

/** The outcome of {@link dedupe}: the readings to write with their keys, and the dropped duplicates. */
export type DedupeResult<T extends Reading = Reading> = {
  readonly fresh: T[];
  /** `keys[i]` is the dedupe key of `fresh[i]`: hand them to `recent.rememberAll` after the write succeeds. */
  readonly keys: string[];
  /** `indexes[i]` is the position of `fresh[i]` in the input (to find its Kinesis record, version, ...). */
  readonly indexes: number[];
  readonly duplicates: { readonly reading: T; readonly key: string; readonly of: DuplicateOf }[];
};

/**
 * Drops exact duplicates within `readings` (the first copy is kept) and readings whose key is in `recent`.
 * Does not change `recent`: remember the returned keys only once the write has succeeded, or a batch that
 * failed and is retried would drop its own readings as duplicates of themselves.
 *
 * @example
 * const { fresh, keys } = dedupe(readings, recentKeys);
 * await sink.write(fresh);
 * recentKeys.rememberAll(keys);
 */
export function dedupe<T extends Reading>(readings: readonly T[], recent?: RecentKeys): DedupeResult<T> {
  const fresh: T[] = [];
  const keys: string[] = [];
  const indexes: number[] = [];
  const duplicates: { reading: T; key: string; of: DuplicateOf }[] = [];
  // The batch's fresh keys by fingerprint, in a table reused across calls: slot = 3 fingerprint words and the
  // position in `keys` + 1. A fingerprint match is confirmed on the key strings, so the check stays exact.
  let capacity = 16;
  while (capacity < readings.length * 2) capacity *= 2;
  if (batchSlots.length < capacity * 4) batchSlots = new Int32Array(capacity * 4);
  const slots = batchSlots;
  slots.fill(0, 0, capacity * 4);
  const mask = capacity - 1;
  const fp = scratch;
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!;
    const key = dedupeKey(reading);
    keyFingerprint(key, fp);
    let at = (fp[1]! & mask) * 4;
    let inBatch = false;
    while (slots[at] !== 0) {
      if (slots[at] === fp[0] && slots[at + 1] === fp[1] && slots[at + 2] === fp[2]) {
        if (keys[slots[at + 3]! - 1] === key) {
          inBatch = true;
          break;
        }
      }
      at = (at + 4) & (mask * 4 + 3);
    }
    if (inBatch) duplicates.push({ reading, key, of: DuplicateOf.batch });
    else if (recent?.hasFingerprint(fp)) duplicates.push({ reading, key, of: DuplicateOf.recent });
    else {
      slots[at] = fp[0]!;
      slots[at + 1] = fp[1]!;
      slots[at + 2] = fp[2]!;
      fresh.push(reading);
      keys.push(key);
      slots[at + 3] = keys.length;
      indexes.push(i);
    }
  }
  return { fresh, keys, indexes, duplicates };
}

let batchSlots = new Int32Array(0);
const scratch = new Int32Array(3);
