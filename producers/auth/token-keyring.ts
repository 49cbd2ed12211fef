import { z } from 'zod';
import { TokenSecretError } from './errors';

/** Smallest key accepted: shorter HMAC keys make signatures guessable offline. */
const minTokenSecretBytes = 16;

/**
 * The key id that a single secret (the form every store held before key ids) takes, and under which tokens
 * of the first format (`dt1.<deviceId>.<signature>`, which name no key) are verified.
 */
export const defaultKid = 'k0';

/** Key ids: short, and free of dots (a token's fields are separated by dots). */
const kidPattern = /^[A-Za-z0-9_-]{1,32}$/;

/** Problem with a key id, or undefined when it is valid. */
export function kidProblem(kid: string): string | undefined {
  return kidPattern.test(kid)
    ? undefined
    : `key id ${JSON.stringify(kid.slice(0, 40))} must be 1..32 letters, digits, '_' or '-'`;
}

const keyringSchema = z.object({
  current: z.string().refine((kid) => kidProblem(kid) === undefined, 'must be 1..32 letters, digits, _ or -'),
  keys: z.record(
    z.string().refine((kid) => kidProblem(kid) === undefined, 'must be 1..32 letters, digits, _ or -'),
    z.string().min(1, 'must not be empty'),
  ),
});

/**
 * The HMAC keys of the device tokens, by key id: `current` signs new tokens, every key in `keys` verifies
 * (the previous key stays during a rotation, until it is retired). Immutable: rotation and retirement return
 * a new keyring. Each key is the UTF-8 bytes of its text, as the single secret always was.
 *
 * Stored as JSON `{"current":"k2","keys":{"k1":"...","k2":"..."}}`, or as the single secret of old (one key,
 * id {@link defaultKid}): see {@link parseTokenKeyring}.
 */
export class TokenKeyring {
  readonly current: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(
    current: string,
    keys: ReadonlyMap<string, string | Uint8Array> | Readonly<Record<string, string | Uint8Array>>,
  ) {
    const map = new Map<string, Buffer>();
    for (const [kid, key] of keys instanceof Map ? keys : Object.entries(keys)) {
      const problem = kidProblem(kid);
      if (problem) throw new RangeError(problem);
      const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
      map.set(kid, bytes);
      if (bytes.length < minTokenSecretBytes) {
        throw new RangeError(
          `token key ${kid} is ${bytes.length} bytes: use at least ${minTokenSecretBytes} (32 random bytes recommended)`,
        );
      }
    }
    if (!map.has(current)) {
      throw new RangeError(
        `the current key id ${JSON.stringify(current)} is not among the keys (${[...map.keys()].join(', ')})`,
      );
    }
    this.current = current;
    this.#keys = map;
  }

  /** A keyring of one key (the single secret of old), id {@link defaultKid}. */
  static single(secret: Uint8Array | string, kid = defaultKid): TokenKeyring {
    return new TokenKeyring(kid, { [kid]: secret });
  }

  /** Key ids, current first. */
  get kids(): readonly string[] {
    return [this.current, ...[...this.#keys.keys()].filter((kid) => kid !== this.current)];
  }

  /** The key bytes of `kid`, or undefined if it is not (or no longer) in the keyring. */
  key(kid: string): Buffer | undefined {
    return this.#keys.get(kid);
  }

  /** A keyring with `secret` added under `kid` and made current; the other keys stay valid. */
  rotatedTo(kid: string, secret: string): TokenKeyring {
    if (this.#keys.has(kid)) throw new RangeError(`key id ${kid} is already in the keyring: choose another`);
    return new TokenKeyring(kid, new Map([...this.#keys, [kid, Buffer.from(secret, 'utf8')]]));
  }

  /** A keyring without `kid`: tokens signed with it are refused from then on. The current key stays. */
  without(kid: string): TokenKeyring {
    if (!this.#keys.has(kid)) {
      throw new RangeError(`key id ${kid} is not in the keyring (keys: ${this.kids.join(', ')})`);
    }
    if (kid === this.current) {
      throw new RangeError(
        `key id ${kid} is the current key: rotate to a new key first (--rotate), then retire ${kid}`,
      );
    }
    return new TokenKeyring(this.current, new Map([...this.#keys].filter(([k]) => k !== kid)));
  }

  /** The stored form: JSON `{"current", "keys"}` (keys as the text they were read from). */
  toText(): string {
    const keys = Object.fromEntries([...this.#keys].map(([kid, key]) => [kid, key.toString('utf8')]));
    return `${JSON.stringify({ current: this.current, keys }, null, 2)}\n`;
  }
}

/**
 * Reads a keyring from its stored text: JSON `{"current":"k2","keys":{"k1":"...","k2":"..."}}`, or any
 * other text as the single secret of old (trimmed; its UTF-8 bytes are the key, id {@link defaultKid}), so
 * that a store written before key ids, and every token issued from it, stay valid.
 *
 * @param source where the text came from, for the error message (a variable, a file, a secret ARN)
 */
export function parseTokenKeyring(text: string, source: string): TokenKeyring {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) {
    try {
      return TokenKeyring.single(trimmed);
    } catch (error) {
      throw new TokenSecretError(
        `the token secret from ${source}: ${(error as Error).message} (e.g. \`openssl rand -hex 32\`)`,
        source,
        { cause: error },
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    throw new TokenSecretError(
      `the token keys from ${source} start with "{" but are not JSON (${(error as Error).message}): ` +
        'store {"current":"<kid>","keys":{"<kid>":"<secret>"}} or a single secret',
      source,
      { cause: error },
    );
  }
  const parsed = keyringSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new TokenSecretError(
      `the token keys from ${source} are not {"current":"<kid>","keys":{"<kid>":"<secret>"}}: ${issues}`,
      source,
    );
  }
  try {
    return new TokenKeyring(parsed.data.current, parsed.data.keys);
  } catch (error) {
    throw new TokenSecretError(`the token keys from ${source}: ${(error as Error).message}`, source, {
      cause: error,
    });
  }
}
