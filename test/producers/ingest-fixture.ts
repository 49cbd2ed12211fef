import { createHmacTokenVerifier, signDeviceToken } from '#producers/auth';
import {
  createIngestApp,
  type IngestLimits,
  type IngestLogger,
  KinesisReadingPublisher,
  type PutRecordsClient,
  type ReadingPublisher,
} from '#producers/ingest';
import { testNowMs, testUnits } from '../helpers/readings';

/** The HMAC secret of the tests. */
export const testSecret = Buffer.from('test-secret-0123456789abcdef0123456789');

/** `Authorization` header value for a device. */
export const bearer = (deviceId: string, secret: Uint8Array = testSecret) =>
  `Bearer ${signDeviceToken(deviceId, secret)}`;

/** A logger that keeps every entry, to check what is (and is not) logged. */
export function memoryLogger(): IngestLogger & {
  entries: { level: string; message: string; attributes: Record<string, unknown> }[];
} {
  const entries: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes: Record<string, unknown>) =>
    void entries.push({ level, message, attributes });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

/** The ingest app over a Kinesis publisher (or any publisher), with the tests' clock, secret and units. */
export function testIngestApp(options: {
  client?: PutRecordsClient;
  streamName?: string;
  publisher?: ReadingPublisher;
  limits?: Partial<IngestLimits>;
  maxRecordBytes?: number;
  logger?: ReturnType<typeof memoryLogger>;
  /** @default the fixed test clock (testNowMs) */
  now?: () => number;
}) {
  const publisher =
    options.publisher ??
    new KinesisReadingPublisher({
      client: options.client!,
      streamName: options.streamName!,
      ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
      baseDelayMs: 5,
      maxDelayMs: 50,
    });
  const logger = options.logger ?? memoryLogger();
  const app = createIngestApp({
    publisher,
    tokens: createHmacTokenVerifier(testSecret),
    units: testUnits,
    limits: { maxBodyBytes: 1_048_576, maxReadings: 500, ...options.limits },
    logger,
    now: options.now ?? (() => testNowMs),
  });
  return { app, logger };
}

/** A canonical reading (as a device sends it) of `deviceId`, number `n`. */
export function deviceReading(deviceId: string, n: number, extra: Record<string, unknown> = {}) {
  return {
    deviceId,
    time: testNowMs - 60_000 + n,
    messageId: `m-${n}`,
    measures: { co2: 500 + (n % 300), temperature: { value: 70 + (n % 10), unit: 'degF' }, humidity: 40 },
    ...extra,
  };
}
