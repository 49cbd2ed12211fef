import type { PipelineConfig } from '#core/config';
import type { UnitRegistry } from '#core/units';
import type { TokenKeys } from '../auth/device-token';
import { createDeviceTokenVerifier } from '../auth/stored-token-verifier';
import { CoalescingPutRecordsClient } from './coalescing-put-records-client';
import { createIngestApp, type IngestLogger } from './ingest-app';
import { KinesisReadingPublisher, type PutRecordsClient } from './kinesis-reading-publisher';

/** What {@link createIngestAppFromConfig} needs besides the pipeline configuration. */
export interface IngestWiring {
  readonly config: PipelineConfig;
  /** A Kinesis client (`createKinesisServiceClient(...)`, or the local Kinesis client). */
  readonly kinesis: PutRecordsClient;
  /**
   * The token keys (`resolveTokenSecret`): read from their store, the ingest keeps re-reading them and the
   * revocation list next to them (rotations and revocations take effect without a restart); a bare secret or
   * keyring is used as it is.
   */
  readonly secret: TokenKeys;
  readonly units: UnitRegistry;
  readonly logger: IngestLogger;
  /** Overrides the configuration's `ingestPublishTimeoutMs` (tests). */
  readonly publishTimeoutMs?: number;
  readonly now?: () => number;
}

/**
 * The ingest app wired from the shared pipeline configuration (stream name, dimension names, body and
 * reading limits, publish timeout): the Lambda handler and the local runtime both build it here, so the two
 * cannot drift apart.
 *
 * @example
 * const app = createIngestAppFromConfig({ config, kinesis, secret: await resolveTokenSecret({ env }), units, logger });
 * await startIngestServer({ app, port: 3000 });
 */
export function createIngestAppFromConfig(wiring: IngestWiring) {
  const { config } = wiring;
  return createIngestApp({
    // concurrent requests share PutRecords calls: fewer, larger calls under load
    publisher: new KinesisReadingPublisher({
      client: new CoalescingPutRecordsClient(wiring.kinesis),
      streamName: config.streamName,
    }),
    tokens: createDeviceTokenVerifier(wiring.secret, {
      onStale: (error) =>
        wiring.logger.warn('device auth stores unreadable: verifying with the last good read', {
          error: { name: (error as Error).name, message: (error as Error).message },
        }),
    }),
    units: wiring.units,
    dimensions: config.dimensions,
    storage: config.storage,
    limits: {
      maxBodyBytes: config.ingestMaxBodyBytes,
      maxReadings: config.ingestMaxReadings,
      publishTimeoutMs: wiring.publishTimeoutMs ?? config.ingestPublishTimeoutMs,
    },
    logger: wiring.logger,
    ...(wiring.now ? { now: wiring.now } : {}),
  });
}
