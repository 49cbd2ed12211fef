/**
 * Not every reading of a request could be published before its deadline (throttling, stream errors, timeouts).
 * `publishedIndexes` lists the readings that are in the stream for sure; all others may or may not be
 * (a timed-out call can still have written them), so the client resends them, which dedupe makes safe.
 */
export class PublishIncompleteError extends Error {
  override readonly name = 'PublishIncompleteError';
  constructor(
    message: string,
    /** Positions (in the request's readings) of readings confirmed published, ascending. */
    readonly publishedIndexes: readonly number[],
    /** Positions of readings not confirmed published, ascending. */
    readonly unpublishedIndexes: readonly number[],
    /** The last error code or message seen from the stream (e.g. ProvisionedThroughputExceededException). */
    readonly lastError: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
