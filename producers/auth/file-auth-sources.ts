import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RevocationSource, TokenKeySource } from './device-auth-sources';
import { RevocationListError, TokenSecretError } from './errors';
import { parseRevocationList, type RevocationList } from './revocation-list';
import { parseTokenKeyring, type TokenKeyring } from './token-keyring';

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Writes `text` to `path` whole or not at all (a reader never sees half a file), with `mode`. */
async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode, flag: 'wx' });
  await rename(temporary, path);
}

/**
 * The token keys in a local file (`${DATA_DIR}/token-secret`): a single secret (as every version wrote it)
 * or the keyring JSON after a rotation. Created on first use from 32 random bytes (64 hex characters, mode
 * 0600). Concurrent first uses agree: the file appears whole and once, and a process that loses the race
 * reads the winner's secret.
 */
export function fileTokenKeySource(path: string): TokenKeySource {
  const read = async (): Promise<TokenKeyring> => parseTokenKeyring(await readFile(path, 'utf8'), path);
  return {
    location: path,
    async read() {
      try {
        return await read();
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') {
          if (error instanceof TokenSecretError) throw error;
          throw new TokenSecretError(
            `cannot read the token secret ${path}: ${(error as Error).message}`,
            path,
            {
              cause: error,
            },
          );
        }
      }
      // Written whole under a temporary name, then linked into place: link fails if the file exists, so
      // one first use wins, and no reader ever sees the file created but not yet written.
      const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temporary, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
        await link(temporary, path);
      } catch (error) {
        if (errnoOf(error) !== 'EEXIST') {
          throw new TokenSecretError(
            `cannot create the token secret ${path}: ${(error as Error).message}. Set DATA_DIR to a writable directory or TOKEN_SECRET.`,
            path,
            { cause: error },
          );
        }
      } finally {
        await rm(temporary, { force: true });
      }
      return read();
    },
    async write(keyring) {
      try {
        await replaceFile(path, keyring.toText(), 0o600);
      } catch (error) {
        throw new TokenSecretError(`cannot write the token keys ${path}: ${(error as Error).message}`, path, {
          cause: error,
        });
      }
    },
  };
}

/** The revocation list in a local JSON file; a missing file is an empty list. */
export function fileRevocationSource(path: string): RevocationSource {
  return {
    location: path,
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') return parseRevocationList('', path);
        throw new RevocationListError(
          `cannot read the revocation list ${path}: ${(error as Error).message}`,
          path,
          {
            cause: error,
          },
        );
      }
      return parseRevocationList(text, path);
    },
    async write(list: RevocationList) {
      try {
        await replaceFile(path, `${list.toText()}\n`, 0o644);
      } catch (error) {
        throw new RevocationListError(
          `cannot write the revocation list ${path}: ${(error as Error).message}`,
          path,
          {
            cause: error,
          },
        );
      }
    },
  };
}
