/**
 * Errors of the local Timestream, each mapped to the wire exactly as the service sends it
 * (`__type` in the JSON body and the `x-amzn-ErrorType` header, with the HTTP status), so that the unchanged
 * AWS SDK clients raise their own typed exceptions.
 */
export abstract class TimestreamServiceError extends Error {
  abstract readonly type: string;
  abstract readonly httpStatus: number;
  /** Extra members of the error body (e.g. RejectedRecords). */
  body(): Record<string, unknown> {
    return { Message: this.message };
  }
}

export class ValidationException extends TimestreamServiceError {
  override readonly name = 'ValidationException';
  readonly type = 'ValidationException';
  readonly httpStatus = 400;
}

export class ResourceNotFoundException extends TimestreamServiceError {
  override readonly name = 'ResourceNotFoundException';
  readonly type = 'ResourceNotFoundException';
  readonly httpStatus = 404;
}

export class ConflictException extends TimestreamServiceError {
  override readonly name = 'ConflictException';
  readonly type = 'ConflictException';
  readonly httpStatus = 409;
}

export class ThrottlingException extends TimestreamServiceError {
  override readonly name = 'ThrottlingException';
  readonly type = 'ThrottlingException';
  readonly httpStatus = 429;
}

export class InternalServerException extends TimestreamServiceError {
  override readonly name = 'InternalServerException';
  readonly type = 'InternalServerException';
  readonly httpStatus = 500;
}

export interface RejectedRecord {
  readonly RecordIndex: number;
  readonly Reason: string;
  readonly ExistingVersion?: number;
}

export class RejectedRecordsException extends TimestreamServiceError {
  override readonly name = 'RejectedRecordsException';
  readonly type = 'RejectedRecordsException';
  readonly httpStatus = 419;
  constructor(readonly rejectedRecords: readonly RejectedRecord[]) {
    super('One or more records have been rejected. See RejectedRecords for details.');
  }
  override body(): Record<string, unknown> {
    return { Message: this.message, RejectedRecords: this.rejectedRecords };
  }
}

/** The request reached the service under a name that is not its own (the service's 421). */
export class InvalidEndpointException extends TimestreamServiceError {
  override readonly name = 'InvalidEndpointException';
  readonly type = 'InvalidEndpointException';
  readonly httpStatus = 421;
}

/** The `X-Amz-Target` names an operation this service does not have (the service's own `__type`). */
export class UnknownOperationException extends TimestreamServiceError {
  override readonly name = 'UnknownOperationException';
  readonly type = 'UnknownOperationException';
  readonly httpStatus = 400;
}

/** The request body is not a JSON object (the service's own `__type` for unparseable input). */
export class SerializationException extends TimestreamServiceError {
  override readonly name = 'SerializationException';
  readonly type = 'SerializationException';
  readonly httpStatus = 400;
}

/**
 * A setting of the local service itself (port, host, data directory, fault rates) is not allowed.
 * Raised at start, never sent on the wire.
 */
export class LocalTimestreamSettingError extends Error {
  override readonly name = 'LocalTimestreamSettingError';
  constructor(
    /** The setting (environment variable or option) that was wrong. */
    readonly setting: string,
    /** The value received. */
    readonly value: string,
    /** What is allowed. */
    readonly expected: string,
  ) {
    super(`Invalid ${setting} "${value}": ${expected}`);
  }
}

/**
 * A table's journal cannot be replayed: an entry after the applied position is missing (the journal
 * directory was edited or a segment was lost). Raised at start, never sent on the wire; the data directory
 * needs attention (restore the missing segment, or delete the table's journal directory to accept the loss).
 */
export class LocalTimestreamJournalError extends Error {
  override readonly name = 'LocalTimestreamJournalError';
  constructor(
    /** The table's journal directory. */
    readonly journalDir: string,
    /** The entry expected next (applied position + 1). */
    readonly expectedSeq: number,
    /** The entry found instead. */
    readonly foundSeq: number,
  ) {
    super(
      `The journal in ${journalDir} cannot be replayed: entry ${expectedSeq} is missing (found ${foundSeq}). Restore the missing segment, or delete that directory to give up the unapplied writes.`,
    );
  }
}

/**
 * A table's journal directory holds files this version does not write (another journal format, or files
 * put there by hand). Raised at start, never sent on the wire: nothing is deleted or guessed at.
 */
export class LocalTimestreamJournalFormatError extends Error {
  override readonly name = 'LocalTimestreamJournalFormatError';
  constructor(
    /** The table's journal directory. */
    readonly journalDir: string,
    /** The files that are not journal segments. */
    readonly files: readonly string[],
  ) {
    super(
      `The journal in ${journalDir} holds files that are not journal segments (segment-<16 digits>.ndjson): ${files.join(', ')}. Move them away; if they are a journal of an earlier version with writes that were never applied, start that version once and stop it cleanly (SIGTERM) to apply them.`,
    );
  }
}

/**
 * A table's journal entries that were answered but not applied could not be applied at start (DuckDB
 * refused them). Raised at start, never sent on the wire: the message names the table, the directory and
 * DuckDB's reason, and what to do.
 */
export class LocalTimestreamReplayError extends Error {
  override readonly name = 'LocalTimestreamReplayError';
  constructor(
    /** database.table */
    readonly table: string,
    /** The table's journal directory. */
    readonly journalDir: string,
    cause: unknown,
  ) {
    super(
      `The journal of table ${table} in ${journalDir} could not be applied at start: ${cause instanceof Error ? cause.message : String(cause)}. The local Timestream cannot start with it: move that directory away (its unapplied writes are then given up), or report the entry that fails.`,
      { cause },
    );
  }
}
