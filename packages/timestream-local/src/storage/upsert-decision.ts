import { RejectionReason } from '../constants';
import type { IndexedRow } from './upsert-index';

/**
 * What WriteRecords does with a record whose key (time, measure name, dimensions) may already have a row
 * (Timestream's upsert rules):
 * - `insert`: no row has the key; the record is stored.
 * - `replace`: its Version is higher than the row's; it replaces the row (value and version).
 * - `unchanged`: its Version is not higher but its value is identical; the call succeeds, nothing changes.
 * - `reject`: its Version is not higher and its value differs; the record is rejected with the service's
 *   reason text and the row's version (`ExistingVersion`).
 */
export type UpsertDecision =
  | { readonly kind: 'insert' }
  | { readonly kind: 'replace' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'reject'; readonly reason: string; readonly existingVersion: bigint };

/** The parts of an incoming record the decision reads. */
export interface UpsertCandidate {
  readonly version: bigint;
  /** canonical text of the value(s), as `valueFingerprint` makes it */
  readonly fingerprint: string;
}

// shared answers: the decision of a record that is written allocates nothing
const insert: UpsertDecision = { kind: 'insert' };
const replace: UpsertDecision = { kind: 'replace' };
const unchanged: UpsertDecision = { kind: 'unchanged' };

/**
 * Decides what happens to `record` given the row that holds its key (`undefined` when none does). Pure:
 * it reads the existing row's version and asks it whether a value fingerprint matches, nothing else.
 * Versions are compared as doubles, as the upsert index holds them.
 *
 * @example
 * decideUpsert({ version: 2n, fingerprint: 'DOUBLE\u001f1' }, { version: 200, sameValue: () => false })
 * // { kind: 'reject', reason: 'The record version 2 is lower than the existing version 200. ...', existingVersion: 200n }
 */
export function decideUpsert(record: UpsertCandidate, existing: IndexedRow | undefined): UpsertDecision {
  if (existing === undefined) return insert;
  const previous = existing.version;
  if (!(Number(record.version) <= previous)) return replace;
  // the value is compared only now: for a row of the index this hashes the record's fingerprint
  if (existing.sameValue(record.fingerprint)) return unchanged;
  const existingVersion = BigInt(previous);
  return {
    kind: 'reject',
    reason:
      record.version === existingVersion
        ? RejectionReason.sameVersion
        : RejectionReason.lowerVersion(record.version, existingVersion),
    existingVersion,
  };
}

/**
 * An {@link IndexedRow} view of a record accepted earlier in the same group of calls (not in the index
 * yet): one per writer, pointed at the record before each decision.
 */
export class AcceptedRecordRow implements IndexedRow {
  private record: UpsertCandidate = { version: 0n, fingerprint: '' };

  /** Points the view at `record` and returns it. */
  of(record: UpsertCandidate): IndexedRow {
    this.record = record;
    return this;
  }

  get version(): number {
    return Number(this.record.version);
  }

  sameValue(fingerprint: string): boolean {
    return this.record.fingerprint === fingerprint;
  }
}
