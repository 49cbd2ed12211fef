import { Logger } from '@aws-lambda-powertools/logger';
import { createKinesisClient } from '#adapters/kinesis-client';
import type { HttpLimits } from '#adapters/serve-app';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { type LogLevel, readPipelineConfig } from '#core/config';
import { resolveTokenSecret } from '#producers/auth';
import { createIngestAppFromConfig, startIngestServer } from '#producers/ingest';

export interface LocalIngestOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
  readonly kinesisEndpoint: string;
  readonly port: number;
  readonly host: string;
  /** Further names devices reach the ingest by (ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
  readonly httpLimits: HttpLimits;
  readonly logLevel: LogLevel;
}

/**
 * The ingest endpoint of the local stack: the same app as the ingest Lambda, served over HTTP, publishing to
 * the local Kinesis. Takes plain data only, so that it can run on a thread of its own.
 */
export async function startLocalIngest(options: LocalIngestOptions) {
  const config = readPipelineConfig(options.env);
  const kinesis = createKinesisClient(options.kinesisEndpoint);
  const logger = new Logger({ serviceName: 'ingest', logLevel: options.logLevel });
  const app = createIngestAppFromConfig({
    config,
    kinesis,
    secret: await resolveTokenSecret({ env: { ...options.env, DATA_DIR: options.dataDir } }),
    units: unitRegistryFromEnv(options.env),
    logger,
  });
  const server = await startIngestServer({
    app,
    port: options.port,
    host: options.host,
    allowedHosts: options.allowedHosts,
    limits: options.httpLimits,
    logger,
  });
  return {
    endpoint: server.url,
    port: server.port,
    async close() {
      await server.close();
      kinesis.destroy();
    },
  };
}
