/** Base class of every error raised by the local Kinesis (the kinesalite wrapper and its helpers). */
class LocalKinesisError extends Error {
  override readonly name: string = 'LocalKinesisError';
}

/** The emulator could not start: the port is taken, the data directory is locked or unreadable. */
export class LocalKinesisStartError extends LocalKinesisError {
  override readonly name = 'LocalKinesisStartError';
  constructor(
    message: string,
    /** The data directory given to {@link startLocalKinesis}. */
    readonly dataDir: string,
    /** The port asked for (0 = any free port). */
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A stream did not become ACTIVE in time, or exists with a shape that the caller did not ask for. */
export class StreamNotReadyError extends LocalKinesisError {
  override readonly name = 'StreamNotReadyError';
  constructor(
    message: string,
    readonly streamName: string,
    /** The last status seen (e.g. CREATING, DELETING), or undefined when DescribeStreamSummary never answered. */
    readonly lastStatus: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
