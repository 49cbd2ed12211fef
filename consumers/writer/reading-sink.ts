import type { _Record } from '@aws-sdk/client-timestream-write';
import type { Reading } from '#core';

/** One WriteRecords request: at most 100 records sharing `commonAttributes`. */
export interface WriteRequest {
  readonly commonAttributes?: _Record;
  readonly records: readonly _Record[];
}

/** What became of one record of a {@link WriteRequest}, or of one reading of a {@link ReadingBatch}. */
export type RecordOutcome =
  | { readonly status: 'written' }
  /** The store refused it for good (version conflict, retention, future time, a value it cannot keep, ...). */
  | { readonly status: 'rejected'; readonly reason: string; readonly existingVersion?: number }
  /** It could not be written in time (throttling, service or network errors): the batch must be retried. */
  | { readonly status: 'failed'; readonly error: Error };

/** The readings of one writer batch, validated, converted and deduplicated, for the store to map and write. */
export interface ReadingBatch {
  readonly readings: readonly Reading[];
  /**
   * The record Version of `readings[index]` (policy: the Kinesis arrival time in epoch ms of the record that
   * carried it; see core's `RecordOptions`). Timestream needs it; InfluxDB has no versions (the last write of
   * a series and time wins) and never calls it.
   */
  readonly version: (reading: Reading, index: number) => number;
}

/**
 * Port: where the writer stores readings. Each adapter maps the readings itself (Timestream: records in
 * WriteRecords requests; InfluxDB: line-protocol lines). `writeReadings` never throws for a problem of a
 * reading: it returns one outcome per reading, in order (a reading stored as several records is `written`
 * only when all of them are; `failed` wins over `rejected`).
 *
 * `write` stores prebuilt Timestream-shaped records (the rollup's aggregates) and returns one outcome per
 * record of each request, in order.
 */
export interface ReadingSink {
  writeReadings(batch: ReadingBatch, options: { readonly deadline: number }): Promise<RecordOutcome[]>;
  write(
    requests: readonly WriteRequest[],
    options: { readonly deadline: number },
  ): Promise<RecordOutcome[][]>;
}

/** A reading's outcome from the outcomes of its records: failed over rejected (reasons joined) over written. */
export function foldOutcomes(outcomes: readonly RecordOutcome[]): RecordOutcome {
  const rejected: Extract<RecordOutcome, { status: 'rejected' }>[] = [];
  for (const o of outcomes) {
    if (o.status === 'failed') return o;
    if (o.status === 'rejected') rejected.push(o);
  }
  if (rejected.length === 0) return writtenOutcome;
  if (rejected.length === 1) return rejected[0]!;
  const reason = [...new Set(rejected.map((p) => p.reason))].join('; ');
  const existing = rejected.find((p) => p.existingVersion !== undefined)?.existingVersion;
  return { status: 'rejected', reason, ...(existing !== undefined ? { existingVersion: existing } : {}) };
}

/**
 * `answered` when it holds one outcome per item, as the port promises. Another number of outcomes (or none)
 * ties none of them to its item: every item is then `failed` with `error(answered.length)`, to be retried or
 * reported, never taken as stored.
 */
export function oneOutcomePerItem(
  answered: readonly RecordOutcome[] | undefined,
  items: number,
  error: (answered: number) => Error,
): readonly RecordOutcome[] {
  if (answered?.length === items) return answered;
  const failed: RecordOutcome = { status: 'failed', error: error(answered?.length ?? 0) };
  return Array.from({ length: items }, () => failed);
}

/** The outcome of a stored record or reading (one shared, frozen object). */
export const writtenOutcome: RecordOutcome = Object.freeze({ status: 'written' });
