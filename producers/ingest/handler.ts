import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import { readPipelineConfig } from '../../core/config';
import { createUnitRegistry, readUnitsConfig } from '../../core/units';
import {
  createKinesisServiceClient,
  createSecretsManagerClient,
  serviceEndpointsFromEnv,
} from '../../infra/service-clients';
import { createHmacTokenVerifier } from '../auth/device-token';
import { resolveTokenSecret } from '../auth/token-secret';
import { createIngestApp } from './ingest-app';
import { KinesisReadingPublisher } from './kinesis-reading-publisher';

const config = readPipelineConfig(process.env);
const endpoints = serviceEndpointsFromEnv(process.env);
const units = createUnitRegistry(readUnitsConfig(process.env));
const logger = new Logger({ serviceName: 'ingest' });
const publisher = new KinesisReadingPublisher({
  client: createKinesisServiceClient(endpoints),
  streamName: config.streamName,
});

type LambdaHandler = ReturnType<typeof handle>;
let ready: Promise<LambdaHandler> | undefined;

/** Builds the app once per container: the token secret is fetched from Secrets Manager (TOKEN_SECRET_ARN) once. */
async function build(): Promise<LambdaHandler> {
  const secret = await resolveTokenSecret({
    env: process.env,
    aws: true,
    secretsManager: () => createSecretsManagerClient(endpoints),
  });
  const app = createIngestApp({
    publisher,
    tokens: createHmacTokenVerifier(secret),
    units,
    limits: { maxBodyBytes: config.ingestMaxBodyBytes, maxReadings: config.ingestMaxReadings },
    logger,
  });
  return handle(app);
}

/** Ingest Lambda behind API Gateway HTTP API: the same Hono app as the local server. */
export async function handler(event: LambdaEvent, context: LambdaContext) {
  ready ??= build();
  const current = ready;
  let run: LambdaHandler;
  try {
    run = await current;
  } catch (error) {
    // A failed secret fetch is retried on the next invocation instead of poisoning the container.
    if (ready === current) ready = undefined;
    throw error;
  }
  return run(event, context);
}
