import type { Reading } from '../reading';
import { dedupeKey } from './dedupe-key';
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
  const seen = new Set<string>();
  const fresh: T[] = [];
  const keys: string[] = [];
  const indexes: number[] = [];
  const duplicates: { reading: T; key: string; of: DuplicateOf }[] = [];
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i]!;
    const key = dedupeKey(reading);
    if (seen.has(key)) duplicates.push({ reading, key, of: DuplicateOf.batch });
    else if (recent?.has(key)) duplicates.push({ reading, key, of: DuplicateOf.recent });
    else {
      seen.add(key);
      fresh.push(reading);
      keys.push(key);
      indexes.push(i);
    }
  }
  return { fresh, keys, indexes, duplicates };
}
