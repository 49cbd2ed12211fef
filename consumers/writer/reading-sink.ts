import type { _Record } from '@aws-sdk/client-timestream-write';

/** One WriteRecords request: at most 100 records sharing `commonAttributes`. */
export interface WriteRequest {
  readonly commonAttributes?: _Record;
  readonly records: readonly _Record[];
}

/** What became of one record of a {@link WriteRequest}. */
export type RecordOutcome =
  | { readonly status: 'written' }
  /** The service refused the record for good (version conflict, retention, future time, ...). */
  | { readonly status: 'rejected'; readonly reason: string; readonly existingVersion?: number }
  /** It could not be written in time (throttling, service or network errors): the batch must be retried. */
  | { readonly status: 'failed'; readonly error: Error };

/**
 * Port: where the writer stores records. `write` never throws for a record-level problem: it returns one
 * outcome per record of each request, in order.
 */
export interface ReadingSink {
  write(
    requests: readonly WriteRequest[],
    options: { readonly deadline: number },
  ): Promise<RecordOutcome[][]>;
}
