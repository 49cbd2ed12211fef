import { join } from 'node:path';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { secretsManagerTokenKeySource, ssmRevocationSource } from './aws-auth-sources';
import {
  type DeviceAuthSources,
  type RevocationSource,
  StoredTokenKeyring,
  type TokenKeySource,
} from './device-auth-sources';
import { RevocationListError, TokenSecretError } from './errors';
import { fileRevocationSource, fileTokenKeySource } from './file-auth-sources';
import { RevocationList } from './revocation-list';
import { parseTokenKeyring, type TokenKeyring } from './token-keyring';

/** Environment variables of the token keys and the revocation list. */
const deviceAuthEnvNames = {
  /** The keys themselves: a single secret (its UTF-8 bytes are the key) or the keyring JSON. */
  secret: 'TOKEN_SECRET',
  /** Secrets Manager secret holding them (the Lambdas, and `--aws` tools). */
  arn: 'TOKEN_SECRET_ARN',
  /** SSM parameter holding the revocation list (the ingest Lambda, and `--aws` tools). */
  revokedParameter: 'REVOKED_DEVICES_PARAMETER',
  /** Local revocation list file. @default ${DATA_DIR}/revoked-devices.json */
  revokedFile: 'REVOKED_DEVICES_FILE',
  /** Local data directory; the local keys are `${DATA_DIR}/token-secret`. @default ./.data */
  dataDir: 'DATA_DIR',
} as const;

/** File names of the local stores inside the data directory. */
const localFiles = { keys: 'token-secret', revoked: 'revoked-devices.json' } as const;

/** How long a verifier uses what it read: local files are cheap to re-read, AWS calls are billed. */
export const refreshMs = { local: 1_000, aws: 30_000 } as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The local token keys `${dataDir}/token-secret`, created on first use (see {@link fileTokenKeySource}).
 */
export async function localTokenSecret(dataDir: string): Promise<TokenKeyring> {
  return fileTokenKeySource(join(dataDir, localFiles.keys)).read();
}

/** Where {@link resolveDeviceAuthSources} and {@link resolveTokenSecret} look. */
export interface TokenSecretSource {
  readonly env: Env;
  /** Use Secrets Manager (`TOKEN_SECRET_ARN`) and SSM (`REVOKED_DEVICES_PARAMETER`) instead of local files. */
  readonly aws?: boolean;
  /** Needed when `aws` is set (and TOKEN_SECRET is not). */
  readonly secretsManager?: () => SecretsManagerClient;
  /** Needed when `aws` is set and REVOKED_DEVICES_PARAMETER is. */
  readonly ssm?: () => SSMClient;
}

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

function keySource(source: TokenSecretSource): TokenKeySource {
  const { env } = source;
  const direct = env[deviceAuthEnvNames.secret];
  if (set(direct)) {
    const keyring = parseTokenKeyring(direct, deviceAuthEnvNames.secret);
    return { location: deviceAuthEnvNames.secret, read: async () => keyring };
  }
  if (source.aws) {
    const arn = env[deviceAuthEnvNames.arn];
    if (!set(arn)) {
      throw new TokenSecretError(
        `${deviceAuthEnvNames.arn} is not set: give the ARN of the token secret (a stack output), or set ${deviceAuthEnvNames.secret}`,
        deviceAuthEnvNames.arn,
      );
    }
    if (source.secretsManager === undefined) {
      throw new TokenSecretError('no Secrets Manager client was given to read the token secret', arn);
    }
    return secretsManagerTokenKeySource(source.secretsManager(), arn);
  }
  return fileTokenKeySource(join(env[deviceAuthEnvNames.dataDir] || './.data', localFiles.keys));
}

function revocationSource(source: TokenSecretSource): RevocationSource {
  const { env } = source;
  if (source.aws) {
    const parameter = env[deviceAuthEnvNames.revokedParameter];
    // A Lambda without the parameter (the authorizer, which leaves revocation to the ingest) revokes nobody.
    if (!set(parameter)) return { location: '(no revocation list)', read: async () => RevocationList.empty };
    const { ssm } = source;
    if (ssm === undefined) {
      // refused when read, not here: tools that only sign tokens (the simulator) need no SSM client
      const missing = () =>
        Promise.reject(
          new RevocationListError('no SSM client was given to read the revocation list', parameter),
        );
      return { location: parameter, read: missing, write: missing };
    }
    return ssmRevocationSource(ssm(), parameter);
  }
  const file = env[deviceAuthEnvNames.revokedFile];
  return fileRevocationSource(
    set(file) ? file : join(env[deviceAuthEnvNames.dataDir] || './.data', localFiles.revoked),
  );
}

/**
 * Where the token keys and the revocation list are, the way every tool finds them (the token CLI, the
 * simulator, the local ingest, the Lambdas): keys from `TOKEN_SECRET` when set, else with `aws` the Secrets
 * Manager secret `TOKEN_SECRET_ARN`, else the local file `${DATA_DIR:-./.data}/token-secret` (created on first
 * use); the revocation list with `aws` from the SSM parameter `REVOKED_DEVICES_PARAMETER`, else from
 * `REVOKED_DEVICES_FILE` or `${DATA_DIR:-./.data}/revoked-devices.json`.
 */
export function resolveDeviceAuthSources(source: TokenSecretSource): DeviceAuthSources {
  return {
    keys: keySource(source),
    revocations: revocationSource(source),
    refreshMs: source.aws ? refreshMs.aws : refreshMs.local,
  };
}

/**
 * Reads the token keys (see {@link resolveDeviceAuthSources}). The keyring remembers where it was read
 * ({@link StoredTokenKeyring}), so that a verifier made from it ({@link createDeviceTokenVerifier}) re-reads the keys
 * and the revocation list next to them while it runs.
 */
export async function resolveTokenSecret(source: TokenSecretSource): Promise<TokenKeyring> {
  const sources = resolveDeviceAuthSources(source);
  return new StoredTokenKeyring(await sources.keys.read(), sources);
}
