import type { RevocationList } from './revocation-list';
import { TokenKeyring } from './token-keyring';

/** Port: where the token keys are kept (a file, Secrets Manager, a variable). */
export interface TokenKeySource {
  /** Where, for messages: a file path, a secret ARN, a variable name. */
  readonly location: string;
  read(): Promise<TokenKeyring>;
  /** Replaces the stored keys (rotation, retirement); absent for a read-only source such as a variable. */
  readonly write?: (keyring: TokenKeyring) => Promise<void>;
}

/** Port: where the device revocation list is kept (a file, an SSM parameter). */
export interface RevocationSource {
  readonly location: string;
  read(): Promise<RevocationList>;
  /** Replaces the stored list; absent for a source that cannot be written. */
  readonly write?: (list: RevocationList) => Promise<void>;
}

/** The two stores a verifier reads, and how often it re-reads them. */
export interface DeviceAuthSources {
  readonly keys: TokenKeySource;
  readonly revocations: RevocationSource;
  /** How long a verifier uses what it read before reading again (a revocation takes effect within it). */
  readonly refreshMs: number;
}

/**
 * A keyring read from its store, with the stores it came from: a verifier made from it
 * (`createDeviceTokenVerifier`) keeps re-reading the keys and the revocation list next to them.
 */
export class StoredTokenKeyring extends TokenKeyring {
  constructor(
    keyring: TokenKeyring,
    readonly sources: DeviceAuthSources,
  ) {
    super(keyring.current, new Map(keyring.kids.map((kid) => [kid, keyring.key(kid)!])));
  }
}
