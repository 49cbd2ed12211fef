import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { minTokenSecretBytes } from './device-token';
import { TokenSecretError } from './errors';

/** Environment variables of the token secret. */
const tokenSecretEnvNames = {
  /** The secret itself (text; its UTF-8 bytes are the HMAC key). */
  secret: 'TOKEN_SECRET',
  /** Secrets Manager secret holding it (the Lambda, and `--aws` tools). */
  arn: 'TOKEN_SECRET_ARN',
  /** Local data directory; the local secret is `${DATA_DIR}/token-secret`. @default ./.data */
  dataDir: 'DATA_DIR',
} as const;

/** File name of the local secret inside the data directory. */
const localTokenSecretFile = 'token-secret';

type Env = Readonly<Record<string, string | undefined>>;

function fromText(text: string, source: string): Buffer {
  const secret = Buffer.from(text.trim(), 'utf8');
  if (secret.length < minTokenSecretBytes) {
    throw new TokenSecretError(
      `the token secret from ${source} is ${secret.length} bytes: it must be at least ${minTokenSecretBytes} ` +
        '(e.g. `openssl rand -hex 32`)',
      source,
    );
  }
  return secret;
}

/**
 * The local token secret `${dataDir}/token-secret`, created on first use from 32 random bytes (written as
 * 64 hex characters, mode 0600). Concurrent first uses agree: the file is created exclusively and a process
 * that loses the race reads the winner's secret.
 */
export async function localTokenSecret(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, localTokenSecretFile);
  try {
    return fromText(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof TokenSecretError) throw error;
      throw new TokenSecretError(`cannot read the token secret ${path}: ${(error as Error).message}`, path, {
        cause: error,
      });
    }
  }
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new TokenSecretError(
        `cannot create the token secret ${path}: ${(error as Error).message}. Set DATA_DIR to a writable directory or TOKEN_SECRET.`,
        path,
        { cause: error },
      );
    }
  }
  return fromText(await readFile(path, 'utf8'), path);
}

/** The token secret stored in Secrets Manager (SecretString, used as text). */
async function secretsManagerTokenSecret(client: SecretsManagerClient, secretArn: string): Promise<Buffer> {
  let text: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    text = out.SecretString;
  } catch (error) {
    throw new TokenSecretError(
      `cannot read the token secret ${secretArn} from Secrets Manager: ${(error as Error).message}`,
      secretArn,
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new TokenSecretError(
      `secret ${secretArn} has no SecretString: store the token secret as text`,
      secretArn,
    );
  }
  return fromText(text, secretArn);
}

/** Where {@link resolveTokenSecret} looks. */
export interface TokenSecretSource {
  readonly env: Env;
  /** Use Secrets Manager (`TOKEN_SECRET_ARN`) instead of the local file. */
  readonly aws?: boolean;
  /** Needed when `aws` is set (and TOKEN_SECRET is not). */
  readonly secretsManager?: () => SecretsManagerClient;
}

/**
 * Finds the token secret the way every tool does (the token CLI, the simulator, the local ingest server):
 * `TOKEN_SECRET` when set; else with `aws` the Secrets Manager secret `TOKEN_SECRET_ARN`; else the local file
 * `${DATA_DIR:-./.data}/token-secret` (created on first use).
 */
export async function resolveTokenSecret(source: TokenSecretSource): Promise<Buffer> {
  const { env } = source;
  const direct = env[tokenSecretEnvNames.secret];
  if (direct !== undefined && direct !== '') return fromText(direct, tokenSecretEnvNames.secret);
  if (source.aws) {
    const arn = env[tokenSecretEnvNames.arn];
    if (arn === undefined || arn === '') {
      throw new TokenSecretError(
        `${tokenSecretEnvNames.arn} is not set: give the ARN of the token secret (a stack output), or set ${tokenSecretEnvNames.secret}`,
        tokenSecretEnvNames.arn,
      );
    }
    if (source.secretsManager === undefined) {
      throw new TokenSecretError('no Secrets Manager client was given to read the token secret', arn);
    }
    return secretsManagerTokenSecret(source.secretsManager(), arn);
  }
  const dataDir = env[tokenSecretEnvNames.dataDir] || './.data';
  return localTokenSecret(dataDir);
}
