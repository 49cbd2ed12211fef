/** Why a reading or payload was dead-lettered. */
export const DeadLetterCode = {
  invalidPayload: 'invalid-payload',
  versionConflict: 'version-conflict',
  outsideRetention: 'outside-retention',
  futureTimestamp: 'future-timestamp',
  rejected: 'rejected',
} as const;
export type DeadLetterCode = (typeof DeadLetterCode)[keyof typeof DeadLetterCode];

/** Where in the stream the data came from. */
export interface KinesisCoordinates {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** ISO 8601 */
  readonly approximateArrivalTime: string;
  readonly eventSourceArn?: string;
}

/**
 * A payload or reading that the writer could not store, with everything needed to understand and redrive it.
 * `payload` is what goes back into the stream on redrive: the original Kinesis data for an invalid payload,
 * or the one reading as a canonical JSON body for a rejected reading.
 */
export interface DeadLetter {
  readonly id: string;
  readonly code: DeadLetterCode;
  readonly reason: string;
  readonly source: KinesisCoordinates;
  /** base64 */
  readonly payload: string;
  readonly deadLetteredAt: string;
  readonly existingVersion?: number;
}

/** A dead letter as stored, with the handle needed to remove it after a redrive. */
export interface StoredDeadLetter {
  readonly letter: DeadLetter;
  readonly handle: string;
}

/** Port: a durable place for data that the writer could not store. */
export interface DeadLetterSink {
  /** Resolves once every letter is durably stored; rejects otherwise (the batch is then retried). */
  send(letters: readonly DeadLetter[]): Promise<void>;
  /** Up to `limit` stored letters, oldest first. */
  list(limit: number): Promise<StoredDeadLetter[]>;
  /** Removes letters (after a successful redrive). */
  remove(handles: readonly string[]): Promise<void>;
  /** A short description of where letters go, for logs and the CLI. */
  readonly target: string;
}
