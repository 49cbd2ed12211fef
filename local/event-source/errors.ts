/** Base class of every error raised by the local event source runner. */
class EventSourceError extends Error {
  override readonly name: string = 'EventSourceError';
}

/** The event source settings are not allowed (same ranges as Lambda's CreateEventSourceMapping). */
export class EventSourceSettingsError extends EventSourceError {
  override readonly name = 'EventSourceSettingsError';
  constructor(
    /** Every problem, each naming the setting, the value received and what is allowed. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid event source settings:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The handler did not settle within the function timeout: the whole batch counts as failed, as on Lambda. */
export class FunctionTimeoutError extends EventSourceError {
  override readonly name = 'FunctionTimeoutError';
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
    readonly awsRequestId: string,
  ) {
    super(
      `Function ${functionName} timed out after ${timeoutSeconds} s (request ${awsRequestId}); ` +
        'raise writerTimeoutSeconds or make the batch smaller.',
    );
  }
}

/**
 * The handler answered a partial batch response that Lambda rejects (an itemIdentifier missing, empty or not a
 * sequence number of the batch): the whole batch counts as failed.
 */
export class InvalidBatchResponseError extends EventSourceError {
  override readonly name = 'InvalidBatchResponseError';
  constructor(
    readonly reason: string,
    /** The response as returned by the handler. */
    readonly response: unknown,
  ) {
    super(
      `Invalid partial batch response: ${reason}. Return {batchItemFailures: [{itemIdentifier: <sequenceNumber>}]}.`,
    );
  }
}

/** `whenCaughtUp` gave up: some shard still has records to deliver, or is retrying a failing batch. */
export class CaughtUpTimeoutError extends EventSourceError {
  override readonly name = 'CaughtUpTimeoutError';
  constructor(
    readonly timeoutMs: number,
    /** Per shard state when the time ran out (see `lag()`). */
    readonly shards: readonly unknown[],
  ) {
    super(`Event source did not catch up with the stream within ${timeoutMs} ms: ${JSON.stringify(shards)}`);
  }
}

/** The runner was stopped, so it will not catch up any more. */
export class EventSourceStoppedError extends EventSourceError {
  override readonly name = 'EventSourceStoppedError';
  constructor() {
    super('The event source runner is stopped.');
  }
}

/** The checkpoint file exists but cannot be read as a checkpoint file. */
export class CheckpointFileError extends EventSourceError {
  override readonly name = 'CheckpointFileError';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Checkpoint file ${file} is unusable: ${reason}. Fix or delete it (deleting replays from the starting position).`,
      options,
    );
  }
}
