import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createSecretsManagerClient, serviceEndpointsFromEnv } from '#adapters/service-clients';
import type { DeviceTokenVerifier } from './device-token';
import { type AuthorizerVerdict, authorizeRequest } from './request-authorizer';
import { createDeviceTokenVerifier } from './stored-token-verifier';
import { resolveTokenSecret } from './token-secret';

const endpoints = serviceEndpointsFromEnv(process.env);
let ready: Promise<DeviceTokenVerifier> | undefined;

/** The verifier, once per container: the token keys from TOKEN_SECRET_ARN, re-read every 30 s. */
async function build(): Promise<DeviceTokenVerifier> {
  const keys = await resolveTokenSecret({
    env: process.env,
    aws: true,
    secretsManager: () => createSecretsManagerClient(endpoints),
  });
  return createDeviceTokenVerifier(keys);
}

/**
 * Lambda REQUEST authorizer of the ingest HTTP API (payload 2.0, simple responses): requests without a
 * well-formed token signed with a current key are refused (403) before they reach the ingest function.
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerVerdict> {
  ready ??= build();
  const current = ready;
  try {
    return await authorizeRequest(event, await current);
  } catch (error) {
    // A failed secret fetch is retried on the next invocation instead of poisoning the container.
    if (ready === current) ready = undefined;
    throw error;
  }
}
