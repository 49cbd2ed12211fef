import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Credentials the emulator accepts (it checks only that a signature is present). */
const emulatorCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Options for {@link createKinesisClient}. */
export interface KinesisClientOptions {
  /** @default process.env.AWS_REGION, else 'us-east-1' for the emulator (AWS: the SDK's default chain). */
  readonly region?: string;
  /** @default the SDK's default (3) */
  readonly maxAttempts?: number;
}

/**
 * Creates the Kinesis client used by producers, the writer's event source and tests.
 *
 * With an `endpoint` (the local Kinesis, e.g. `http://127.0.0.1:4567`) the client talks HTTP/1.1 through a
 * `NodeHttpHandler` instance — the SDK's default HTTP/2 handler breaks against kinesalite — and signs with
 * dummy credentials. Without one it is a plain client for AWS, configured by the SDK's default chains.
 *
 * @example
 * const kinesis = createKinesisClient(local.endpoint);
 * await kinesis.send(new PutRecordsCommand({ StreamName: 'readings', Records: [...] }));
 */
export function createKinesisClient(
  endpoint: string | undefined,
  options: KinesisClientOptions = {},
): KinesisClient {
  const common: KinesisClientConfig = {};
  if (options.maxAttempts !== undefined) common.maxAttempts = options.maxAttempts;
  if (endpoint === undefined) {
    return new KinesisClient(options.region === undefined ? common : { ...common, region: options.region });
  }
  return new KinesisClient({
    ...common,
    endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    credentials: emulatorCredentials,
    requestHandler: new NodeHttpHandler(),
  });
}
