import { Logger } from '@aws-lambda-powertools/logger';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import {
  createKinesisServiceClient,
  createSecretsManagerClient,
  serviceEndpointsFromEnv,
} from '#adapters/service-clients';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { readPipelineConfig } from '#core/config';
import { resolveTokenSecret } from '../auth/token-secret';
import { createIngestAppFromConfig } from './ingest-app-from-config';

const config = readPipelineConfig(process.env);
const endpoints = serviceEndpointsFromEnv(process.env);
const units = unitRegistryFromEnv(process.env);
const logger = new Logger({ serviceName: 'ingest' });
const kinesis = createKinesisServiceClient(endpoints);

type LambdaHandler = ReturnType<typeof handle>;
let ready: Promise<LambdaHandler> | undefined;

/**
 * Builds the app once per container. The token keys (Secrets Manager, TOKEN_SECRET_ARN) are read here; the
 * app's verifier re-reads them and the revocation list (SSM, REVOKED_DEVICES_PARAMETER) every 30 s.
 */
async function build(): Promise<LambdaHandler> {
  const secret = await resolveTokenSecret({
    env: process.env,
    aws: true,
    secretsManager: () => createSecretsManagerClient(endpoints),
    ssm: () => new SSMClient(endpoints.region ? { region: endpoints.region } : {}),
  });
  return handle(createIngestAppFromConfig({ config, kinesis, secret, units, logger }));
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
