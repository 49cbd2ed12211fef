import { describe, expect, it } from 'vitest';
import type { TypedValue } from '../../src/operations/parsed-record';
import { valueFingerprint } from '../../src/operations/record-identity';
import { AcceptedRecordRow, decideUpsert, type UpsertCandidate } from '../../src/storage/upsert-decision';
import { UpsertIndex } from '../../src/storage/upsert-index';

const double = (name: string, value: number): TypedValue => ({ name, type: 'DOUBLE', value });
const single = (value: number) => valueFingerprint([double('co2', value)], false);
const multi = (...values: TypedValue[]) => valueFingerprint(values, true);

const candidate = (version: bigint, fingerprint: string): UpsertCandidate => ({ version, fingerprint });

/** The row an index holds for a key, after storing `version` and `fingerprint` under it. */
function indexedRow(version: number, fingerprint: string) {
  const index = new UpsertIndex();
  index.set('key', version, fingerprint, 20_000);
  return index.get('key');
}

const sameVersionText =
  'A record already exists with the same time, dimensions, measure name, and record version. A higher record version must be specified in order to update the measure value.';

describe('decideUpsert', () => {
  it('inserts a record whose key has no row', () => {
    // Prepare
    const record = candidate(1n, single(550));
    // Act
    const decision = decideUpsert(record, undefined);
    // Assess
    expect(decision).toEqual({ kind: 'insert' });
  });

  it('leaves the row unchanged for an identical value with the same or a lower version', () => {
    const row = indexedRow(5, single(550));
    expect(decideUpsert(candidate(5n, single(550)), row)).toEqual({ kind: 'unchanged' });
    expect(decideUpsert(candidate(1n, single(550)), indexedRow(5, single(550)))).toEqual({
      kind: 'unchanged',
    });
  });

  it('replaces the row with a higher version, whether the value differs or not', () => {
    expect(decideUpsert(candidate(6n, single(551)), indexedRow(5, single(550)))).toEqual({
      kind: 'replace',
    });
    expect(decideUpsert(candidate(6n, single(550)), indexedRow(5, single(550)))).toEqual({
      kind: 'replace',
    });
  });

  it('rejects a different value with the same version, with the service text and the existing version', () => {
    const decision = decideUpsert(candidate(5n, single(551)), indexedRow(5, single(550)));
    expect(decision).toEqual({ kind: 'reject', reason: sameVersionText, existingVersion: 5n });
  });

  it('rejects a different value with a lower version, naming both versions', () => {
    const decision = decideUpsert(candidate(2n, single(551)), indexedRow(200, single(550)));
    expect(decision).toEqual({
      kind: 'reject',
      reason:
        'The record version 2 is lower than the existing version 200. A higher version is required to update the measure value.',
      existingVersion: 200n,
    });
  });

  it('compares MULTI values whatever their order, and any one value that differs makes them differ', () => {
    const stored = multi(double('co2', 550), double('temperature', 24.2), double('humidity', 48.2));
    const reordered = multi(double('humidity', 48.2), double('co2', 550), double('temperature', 24.2));
    const changed = multi(double('humidity', 48.2), double('co2', 550), double('temperature', 24.3));
    const fewer = multi(double('co2', 550), double('temperature', 24.2));

    expect(decideUpsert(candidate(1n, reordered), indexedRow(1, stored))).toEqual({ kind: 'unchanged' });
    expect(decideUpsert(candidate(1n, changed), indexedRow(1, stored))).toMatchObject({
      kind: 'reject',
      reason: sameVersionText,
    });
    expect(decideUpsert(candidate(1n, fewer), indexedRow(1, stored))).toMatchObject({ kind: 'reject' });
    expect(decideUpsert(candidate(2n, changed), indexedRow(1, stored))).toEqual({ kind: 'replace' });
  });

  it('applies the same rules to a record accepted earlier in the same group', () => {
    const earlier = new AcceptedRecordRow();
    const first = candidate(3n, single(550));
    expect(decideUpsert(candidate(3n, single(550)), earlier.of(first))).toEqual({ kind: 'unchanged' });
    expect(decideUpsert(candidate(4n, single(551)), earlier.of(first))).toEqual({ kind: 'replace' });
    expect(decideUpsert(candidate(3n, single(551)), earlier.of(first))).toEqual({
      kind: 'reject',
      reason: sameVersionText,
      existingVersion: 3n,
    });
    expect(decideUpsert(candidate(1n, single(551)), earlier.of(first))).toMatchObject({
      reason: expect.stringMatching(/^The record version 1 is lower than the existing version 3\./),
    });
  });
});
