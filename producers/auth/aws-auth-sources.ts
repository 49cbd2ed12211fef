import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { RevocationSource, TokenKeySource } from './device-auth-sources';
import { RevocationListError, TokenSecretError } from './errors';
import { parseRevocationList } from './revocation-list';
import { parseTokenKeyring } from './token-keyring';

/** The client calls these sources make (an SDK client, or a fake implementing `send` in tests). */
type SecretsManagerSend = Pick<SecretsManagerClient, 'send'>;
type SsmSend = Pick<SSMClient, 'send'>;

/**
 * The token keys in a Secrets Manager secret (its SecretString): the keyring JSON
 * `{"current":"k2","keys":{"k1":"...","k2":"..."}}`, or the single generated secret the stack creates
 * (one key, id `k0`).
 */
export function secretsManagerTokenKeySource(client: SecretsManagerSend, secretArn: string): TokenKeySource {
  return {
    location: secretArn,
    async read() {
      let text: string | undefined;
      try {
        text = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
      } catch (error) {
        throw new TokenSecretError(
          `cannot read the token secret ${secretArn} from Secrets Manager: ${(error as Error).message}`,
          secretArn,
          { cause: error },
        );
      }
      if (text === undefined) {
        throw new TokenSecretError(
          `secret ${secretArn} has no SecretString: store the token keys as text`,
          secretArn,
        );
      }
      return parseTokenKeyring(text, secretArn);
    },
    async write(keyring) {
      try {
        await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: keyring.toText() }));
      } catch (error) {
        throw new TokenSecretError(
          `cannot write the token keys to ${secretArn}: ${(error as Error).message}`,
          secretArn,
          { cause: error },
        );
      }
    },
  };
}

/**
 * The revocation list in an SSM Parameter Store String parameter (standard tier: free reads, 4 KB, about
 * a hundred entries). The parameter must exist (the stack creates it with an empty list): a missing one is
 * a deployment error, never read as "nobody is revoked".
 */
export function ssmRevocationSource(client: SsmSend, parameterName: string): RevocationSource {
  return {
    location: parameterName,
    async read() {
      let text: string | undefined;
      try {
        text = (await client.send(new GetParameterCommand({ Name: parameterName }))).Parameter?.Value;
      } catch (error) {
        const hint =
          (error as Error).name === 'ParameterNotFound'
            ? ' (the stack creates it: check REVOKED_DEVICES_PARAMETER)'
            : '';
        throw new RevocationListError(
          `cannot read the revocation list ${parameterName} from SSM: ${(error as Error).message}${hint}`,
          parameterName,
          { cause: error },
        );
      }
      return parseRevocationList(text ?? '', parameterName);
    },
    async write(list) {
      const text = list.toText();
      if (Buffer.byteLength(text) > 4096) {
        throw new RevocationListError(
          `the revocation list is ${Buffer.byteLength(text)} bytes, over the 4 KB of a standard SSM parameter: ` +
            'remove old entries (a retired key revokes all its tokens at once)',
          parameterName,
        );
      }
      try {
        await client.send(
          new PutParameterCommand({ Name: parameterName, Value: text, Type: 'String', Overwrite: true }),
        );
      } catch (error) {
        throw new RevocationListError(
          `cannot write the revocation list ${parameterName} to SSM: ${(error as Error).message}`,
          parameterName,
          { cause: error },
        );
      }
    },
  };
}
