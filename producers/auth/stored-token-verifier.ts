import { type DeviceAuthSources, StoredTokenKeyring } from './device-auth-sources';
import {
  createHmacTokenVerifier,
  type DeviceTokenVerifier,
  type TokenKeys,
  type TokenVerification,
  verifyDeviceToken,
} from './device-token';
import { DeviceAuthUnavailableError } from './errors';
import type { RevocationList } from './revocation-list';
import type { TokenKeyring } from './token-keyring';

/** Options of {@link createStoredTokenVerifier}. */
export interface StoredTokenVerifierOptions {
  /**
   * How long the last good read serves when the stores cannot be read (an outage of Secrets Manager or
   * SSM); past it, verification throws (the request fails with 500 and is retried) rather than admit a
   * device revoked meanwhile.
   * @default 10 × refreshMs, at least 5 minutes
   */
  readonly maxStaleMs?: number;
  /** Called when a re-read fails and the last good read keeps serving. */
  readonly onStale?: (error: unknown) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * A {@link DeviceTokenVerifier} that reads the keys and the revocation list from their stores and re-reads
 * them once they are older than `sources.refreshMs`, so that a rotated key, a retired key or a revoked
 * device takes effect within that time without a restart. One read at a time; requests wait for it.
 * (A token signed with a key newer than the last read is refused until the next read: rotations are rare,
 * and re-reading on every unknown key id would let forged tokens drive reads of the secret.)
 */
export function createStoredTokenVerifier(
  sources: DeviceAuthSources,
  options: StoredTokenVerifierOptions = {},
): DeviceTokenVerifier {
  const now = options.now ?? Date.now;
  const maxStaleMs = options.maxStaleMs ?? Math.max(10 * sources.refreshMs, 300_000);
  let current: { keyring: TokenKeyring; revocations: RevocationList; readAt: number } | undefined;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let lastError: unknown;
  let reading: Promise<void> | undefined;

  const read = () => {
    reading ??= (async () => {
      attemptedAt = now();
      try {
        const [keyring, revocations] = await Promise.all([sources.keys.read(), sources.revocations.read()]);
        current = { keyring, revocations, readAt: attemptedAt };
      } catch (error) {
        lastError = error;
        if (current !== undefined) options.onStale?.(error);
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };

  return {
    async verify(token): Promise<TokenVerification> {
      if (current === undefined || now() - attemptedAt >= sources.refreshMs) await read();
      if (current === undefined || now() - current.readAt > maxStaleMs) {
        const since = current === undefined ? 'never read' : `last read ${now() - current.readAt} ms ago`;
        throw new DeviceAuthUnavailableError(
          `cannot check device tokens: the keys (${sources.keys.location}) or the revocation list ` +
            `(${sources.revocations.location}) cannot be read (${since}): ${(lastError as Error)?.message}`,
          { cause: lastError },
        );
      }
      return verifyDeviceToken(token, current.keyring, current.revocations);
    },
  };
}

/**
 * The verifier for `keys`: one that keeps re-reading the stores when the keyring was read from them
 * ({@link resolveTokenSecret}), else one with the keys held in memory.
 *
 * @example
 * const verifier = createDeviceTokenVerifier(await resolveTokenSecret({ env: process.env }));
 */
export function createDeviceTokenVerifier(
  keys: TokenKeys,
  options: StoredTokenVerifierOptions = {},
): DeviceTokenVerifier {
  if (keys instanceof StoredTokenKeyring) return createStoredTokenVerifier(keys.sources, options);
  return createHmacTokenVerifier(keys);
}
