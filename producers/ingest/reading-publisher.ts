import type { Reading } from '#core/reading';

/** Options of one {@link ReadingPublisher.publish} call. */
export interface PublishOptions {
  /** Time allowed to publish every reading (from the call, on the publisher's clock), or the call gives up. */
  readonly timeoutMs: number;
  /** Aborts the call (e.g. the client went away); what was published by then stays published. */
  readonly signal?: AbortSignal;
}

/** What a successful {@link ReadingPublisher.publish} did. */
export interface PublishReport {
  /** Stream records written. */
  readonly records: number;
  /** Entries resent after a partial failure or a failed call. */
  readonly retries: number;
}

/**
 * Port: hands validated readings to the stream. Resolves only when every reading is published; otherwise
 * rejects with a {@link PublishIncompleteError} naming the readings that were published and those that were not.
 */
export interface ReadingPublisher {
  publish(readings: readonly Reading[], options: PublishOptions): Promise<PublishReport>;
}
