import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { createKinesisClient } from './kinesis-client';

/**
 * Where the service clients point. Unset endpoints mean AWS (the SDK's default chains for region and
 * credentials, and endpoint discovery for Timestream); set ones mean the local stack.
 */
export interface ServiceEndpoints {
  readonly region?: string;
  readonly kinesisEndpoint?: string;
  readonly timestreamEndpoint?: string;
}

/** Reads KINESIS_ENDPOINT, TIMESTREAM_ENDPOINT and AWS_REGION. */
export function serviceEndpointsFromEnv(env: Readonly<Record<string, string | undefined>>): ServiceEndpoints {
  const pick = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    if (!/^https?:\/\/[^\s/]+/.test(value)) {
      throw new Error(`${name}=${JSON.stringify(value)}: must be a URL such as http://127.0.0.1:8100`);
    }
    return value;
  };
  return {
    region: env.AWS_REGION || undefined,
    kinesisEndpoint: pick('KINESIS_ENDPOINT'),
    timestreamEndpoint: pick('TIMESTREAM_ENDPOINT'),
  };
}

/** Credentials the local services accept (they check only that a signature is present). */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

function localOrAws(endpoint: string | undefined, region: string | undefined) {
  if (endpoint === undefined) return region === undefined ? {} : { region };
  return { endpoint, region: region ?? 'us-east-1', credentials: localCredentials };
}

/**
 * The Timestream write client. Against a local endpoint it posts straight to it (endpoint discovery stays
 * unset, as the SDK requires when `endpoint` is given); against AWS the SDK discovers the cell endpoint.
 */
export function createTimestreamWriteClient(endpoints: ServiceEndpoints): TimestreamWriteClient {
  return new TimestreamWriteClient({
    ...localOrAws(endpoints.timestreamEndpoint, endpoints.region),
    maxAttempts: 2,
  });
}

export function createTimestreamQueryClient(endpoints: ServiceEndpoints): TimestreamQueryClient {
  return new TimestreamQueryClient(localOrAws(endpoints.timestreamEndpoint, endpoints.region));
}

export function createKinesisServiceClient(endpoints: ServiceEndpoints) {
  return createKinesisClient(endpoints.kinesisEndpoint, endpoints.region ? { region: endpoints.region } : {});
}

export function createSqsClient(endpoints: ServiceEndpoints): SQSClient {
  return new SQSClient(endpoints.region ? { region: endpoints.region } : {});
}

export function createSecretsManagerClient(endpoints: ServiceEndpoints): SecretsManagerClient {
  return new SecretsManagerClient(endpoints.region ? { region: endpoints.region } : {});
}
