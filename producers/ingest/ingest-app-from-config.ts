import type { PipelineConfig } from '#core/config';
import type { UnitRegistry } from '#core/units';
import { createHmacTokenVerifier } from '../auth/device-token';
import { CoalescingPutRecordsClient } from './coalescing-put-records-client';
import { createIngestApp, type IngestLogger } from './ingest-app';
import { KinesisReadingPublisher, type PutRecordsClient } from './kinesis-reading-publisher';

/** What {@link createIngestAppFromConfig} needs besides the pipeline configuration. */
export interface IngestWiring {
  readonly config: PipelineConfig;
  /** A Kinesis client (`createKinesisServiceClient(...)`, or the local Kinesis client). */
  readonly kinesis: PutRecordsClient;
  /** The token secret (`resolveTokenSecret`). */
  readonly secret: Uint8Array;
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
    tokens: createHmacTokenVerifier(wiring.secret),
    units: wiring.units,
    dimensions: config.dimensions,
    limits: {
      maxBodyBytes: config.ingestMaxBodyBytes,
      maxReadings: config.ingestMaxReadings,
      publishTimeoutMs: wiring.publishTimeoutMs ?? config.ingestPublishTimeoutMs,
    },
    logger: wiring.logger,
    ...(wiring.now ? { now: wiring.now } : {}),
  });
}
