import { createHmac, timingSafeEqual } from 'node:crypto';
import { deviceIdProblem } from '#core/reading/field-rules';
import type { RevocationList, TokenClaims } from './revocation-list';
import { defaultKid, kidProblem, TokenKeyring } from './token-keyring';

/**
 * Device tokens. Issued now: `dt2.<kid>.<issuedAt>.<deviceId>.<signature>`, where `kid` names the key of
 * the {@link TokenKeyring} that signed it, `issuedAt` is whole seconds since the epoch (decimal, no leading
 * zero) and `signature` is the unpadded base64url HMAC-SHA256, with that key, of everything before the last
 * dot (43 characters). Still accepted: `dt1.<deviceId>.<signature>` (HMAC of `dt1.<deviceId>`), the tokens
 * issued before key ids, verified with the key {@link defaultKid} (the single secret of old).
 *
 * The device id is readable in the token (it is not a secret: it is the partition key and a dimension), and
 * may itself hold dots: the fields before it hold none, and the signature starts after the last dot. The
 * version prefix is signed too, so one format cannot be confused with another. Every field has exactly one
 * spelling (see {@link canonicalBase64url}). Tokens do not expire: a device is refused by the revocation
 * list, a key by retiring it from the keyring.
 *
 * @example
 * const token = signDeviceToken('device_1', keyring); // 'dt2.k0.1796583600.device_1.3q2-...'
 * verifyDeviceToken(token, keyring); // { ok: true, deviceId: 'device_1', kid: 'k0', issuedAt: 1796583600 }
 */
const TokenVersion = { v1: 'dt1', v2: 'dt2' } as const;

/** Why a token was refused (the reason goes into the 401 answer; it never reveals the expected signature). */
export const TokenProblem = {
  malformed: 'malformed',
  unknownVersion: 'unknown_version',
  invalidDeviceId: 'invalid_device_id',
  unknownKey: 'unknown_key',
  badSignature: 'bad_signature',
  revoked: 'revoked',
} as const;
export type TokenProblem = (typeof TokenProblem)[keyof typeof TokenProblem];

/** The outcome of {@link verifyDeviceToken}. */
export type TokenVerification =
  | ({ readonly ok: true } & TokenClaims)
  | { readonly ok: false; readonly problem: TokenProblem; readonly message: string };

/**
 * Port: checks a bearer token and names the device it was issued to. A verifier that consults a store
 * (keys rotated, devices revoked while it runs) answers asynchronously.
 */
export interface DeviceTokenVerifier {
  verify(token: string): TokenVerification | Promise<TokenVerification>;
}

const signatureLength = 43; // 32 bytes in unpadded base64url
const signaturePattern = /^[A-Za-z0-9_-]{43}$/;
const issuedAtPattern = /^(0|[1-9][0-9]{0,10})$/;

/** Keys as the functions take them: a keyring, or a single secret (one key, id {@link defaultKid}). */
export type TokenKeys = Uint8Array | TokenKeyring;

function keyringOf(keys: TokenKeys): TokenKeyring {
  return keys instanceof TokenKeyring ? keys : TokenKeyring.single(keys);
}

function hmac(key: Uint8Array, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/**
 * The bytes of `text` if it is exactly the canonical unpadded base64url of 32 bytes, else undefined.
 * Decoders ignore the 2 low bits of the last character, padding and (Node's) the standard alphabet and
 * whitespace; a token has exactly one spelling, so that no altered text passes for an issued token.
 */
function canonicalBase64url(text: string): Buffer | undefined {
  if (!signaturePattern.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * Issues the token of `deviceId`, signed with the current key of `keys`.
 * @param options.issuedAt the issue time (ms since the epoch, kept to the second) @default Date.now()
 */
export function signDeviceToken(
  deviceId: string,
  keys: TokenKeys,
  options: { issuedAt?: number } = {},
): string {
  const keyring = keyringOf(keys);
  const problem = deviceIdProblem(deviceId);
  if (problem) throw new RangeError(`device id ${JSON.stringify(deviceId)} ${problem.message}`);
  const issuedAt = Math.floor((options.issuedAt ?? Date.now()) / 1000);
  const signed = `${TokenVersion.v2}.${keyring.current}.${issuedAt}.${deviceId}`;
  return `${signed}.${hmac(keyring.key(keyring.current)!, signed).toString('base64url')}`;
}

/** A token taken apart (its form checked, not its signature). */
export interface ParsedDeviceToken extends TokenClaims {
  /** The text the signature covers. */
  readonly signed: string;
  readonly signature: Buffer;
}

const refused = (problem: TokenProblem, message: string) => ({ ok: false, problem, message }) as const;
const malformed = refused(
  TokenProblem.malformed,
  `the token is not of the form ${TokenVersion.v2}.<keyId>.<issuedAt>.<deviceId>.<signature>: ask for a new one (npm run token -- <deviceId>)`,
);

/**
 * Checks a token's form only (version, key id, issue time, device id, a canonical signature), without any
 * key: what a gateway can check cheaply before the token reaches the function that verifies it.
 */
export function parseDeviceToken(
  token: string,
): { readonly ok: true; readonly token: ParsedDeviceToken } | Extract<TokenVerification, { ok: false }> {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last <= first + 1 || token.length - last - 1 !== signatureLength) return malformed;
  const version = token.slice(0, first);
  let kid = defaultKid;
  let issuedAt: number | undefined;
  let idStart = first + 1;
  if (version === TokenVersion.v2) {
    const second = token.indexOf('.', first + 1);
    const third = second < 0 ? -1 : token.indexOf('.', second + 1);
    if (third < 0 || third >= last - 1) return malformed;
    kid = token.slice(first + 1, second);
    const issued = token.slice(second + 1, third);
    if (kidProblem(kid) !== undefined || !issuedAtPattern.test(issued)) return malformed;
    issuedAt = Number(issued);
    idStart = third + 1;
  } else if (version !== TokenVersion.v1) {
    return refused(
      TokenProblem.unknownVersion,
      `token version "${version.slice(0, 16)}" is not supported (expected ${TokenVersion.v2}): ask for a new token`,
    );
  }
  const deviceId = token.slice(idStart, last);
  if (deviceIdProblem(deviceId)) {
    return refused(
      TokenProblem.invalidDeviceId,
      'the device id in the token is not a valid device id: ask for a new token',
    );
  }
  const signature = canonicalBase64url(token.slice(last + 1));
  if (signature === undefined) {
    return refused(
      TokenProblem.badSignature,
      'the token signature is not canonical base64url: the token was altered; ask for a new token',
    );
  }
  return {
    ok: true,
    token: {
      deviceId,
      kid,
      ...(issuedAt === undefined ? {} : { issuedAt }),
      signed: token.slice(0, last),
      signature,
    },
  };
}

/**
 * Checks `token` against `keys` (the key its id names) in constant time (the signature comparison does not
 * depend on where the bytes differ), and, when given, against the revocation list. Never throws on bad input.
 */
export function verifyDeviceToken(
  token: string,
  keys: TokenKeys,
  revocations?: RevocationList,
): TokenVerification {
  const parsed = parseDeviceToken(token);
  if (!parsed.ok) return parsed;
  const { signed, signature, ...claims } = parsed.token;
  const key = keyringOf(keys).key(claims.kid);
  if (key === undefined) {
    return refused(
      TokenProblem.unknownKey,
      `the token was signed with key "${claims.kid}", which is not (or no longer) valid: ask for a new token`,
    );
  }
  const expected = hmac(key, signed);
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return refused(
      TokenProblem.badSignature,
      'the token signature does not match: the token was altered or signed with another secret; ask for a new token',
    );
  }
  const revocation = revocations?.revocationOf(claims);
  if (revocation) {
    return refused(
      TokenProblem.revoked,
      `the token of device "${claims.deviceId}" is revoked${revocation.reason ? ` (${revocation.reason})` : ''}` +
        `${revocation.issuedBefore ? `: tokens issued before ${revocation.issuedBefore} are refused` : ''}; ` +
        'ask the operator for a new token',
    );
  }
  return { ok: true, ...claims };
}

/** A {@link DeviceTokenVerifier} with the keys (a keyring or a single secret) held in memory. */
export function createHmacTokenVerifier(keys: TokenKeys, revocations?: RevocationList): DeviceTokenVerifier {
  const keyring = keyringOf(keys);
  return { verify: (token) => verifyDeviceToken(token, keyring, revocations) };
}
