/** Raised when records are asked for with a Version Timestream would refuse (a programming error in the caller). */
export class InvalidRecordVersionError extends Error {
  override readonly name = 'InvalidRecordVersionError';
  constructor(
    readonly version: number,
    readonly readingIndex: number,
  ) {
    super(
      `record version ${version} for reading ${readingIndex} is not allowed: Timestream needs a whole number >= 1 ` +
        '(use the Kinesis arrival time in epoch ms)',
    );
  }
}
