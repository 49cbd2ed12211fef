import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The InfluxDB API token kept in a Secrets Manager secret (INFLUXDB_TOKEN_SECRET_ARN): the SecretString as
 * it is, or its `token` field when it is JSON (`{"token": "..."}`). Read when first needed and again after a
 * 401, so that a rotated token is picked up without a deploy.
 */
export function secretsManagerInfluxToken(
  client: Pick<SecretsManagerClient, 'send'>,
  secretArn: string,
): () => Promise<string> {
  return async () => {
    const { SecretString: text } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (text === undefined || text.trim() === '') {
      throw new Error(`the InfluxDB token secret ${secretArn} has no SecretString: store the token as text`);
    }
    const trimmed = text.trim();
    if (!trimmed.startsWith('{')) return trimmed;
    const parsed = JSON.parse(trimmed) as { token?: unknown };
    if (typeof parsed.token !== 'string' || parsed.token === '') {
      throw new Error(
        `the InfluxDB token secret ${secretArn} is JSON without a "token" field: store {"token": "..."} or the token as text`,
      );
    }
    return parsed.token;
  };
}
