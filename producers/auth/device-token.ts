import { createHmac, timingSafeEqual } from 'node:crypto';
import { deviceIdProblem } from '#core/reading/field-rules';

/**
 * Device tokens, version 1: `dt1.<deviceId>.<signature>`, where `signature` is the unpadded base64url
 * HMAC-SHA256, keyed with the token secret, of the text `dt1.<deviceId>` (43 characters).
 *
 * The device id is readable in the token (it is not a secret: it is the partition key and a dimension), and
 * may itself hold dots: the version ends at the first dot, the signature starts after the last one. The
 * version prefix is signed too, so a later format cannot be confused with this one. Tokens do not expire:
 * revoke them by rotating the secret (every device then needs a new token).
 *
 * @example
 * const token = signDeviceToken('device_1', secret); // 'dt1.device_1.3q2-...'
 * verifyDeviceToken(token, secret); // { ok: true, deviceId: 'device_1' }
 */
const deviceTokenVersion = 'dt1';

/** Why a token was refused (the reason goes into the 401 answer; it never reveals the expected signature). */
export const TokenProblem = {
  malformed: 'malformed',
  unknownVersion: 'unknown_version',
  invalidDeviceId: 'invalid_device_id',
  badSignature: 'bad_signature',
} as const;
export type TokenProblem = (typeof TokenProblem)[keyof typeof TokenProblem];

/** The outcome of {@link verifyDeviceToken}. */
export type TokenVerification =
  | { readonly ok: true; readonly deviceId: string }
  | { readonly ok: false; readonly problem: TokenProblem; readonly message: string };

/** Port: checks a bearer token and names the device it was issued to. */
export interface DeviceTokenVerifier {
  verify(token: string): TokenVerification;
}

const signatureLength = 43; // 32 bytes in unpadded base64url
const signaturePattern = /^[A-Za-z0-9_-]{43}$/;

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

/** Smallest secret accepted: shorter HMAC keys make signatures guessable offline. */
export const minTokenSecretBytes = 16;

function assertSecret(secret: Uint8Array): void {
  if (secret.byteLength < minTokenSecretBytes) {
    throw new RangeError(
      `token secret is ${secret.byteLength} bytes: use at least ${minTokenSecretBytes} (32 random bytes recommended)`,
    );
  }
}

function signature(deviceId: string, secret: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${deviceTokenVersion}.${deviceId}`).digest();
}

/** Issues the token of `deviceId` (see {@link deviceTokenVersion} for the format). */
export function signDeviceToken(deviceId: string, secret: Uint8Array): string {
  assertSecret(secret);
  const problem = deviceIdProblem(deviceId);
  if (problem) throw new RangeError(`device id ${JSON.stringify(deviceId)} ${problem.message}`);
  return `${deviceTokenVersion}.${deviceId}.${signature(deviceId, secret).toString('base64url')}`;
}

/**
 * Checks `token` against `secret` in constant time (the signature comparison does not depend on where the
 * bytes differ). Never throws on bad input.
 */
export function verifyDeviceToken(token: string, secret: Uint8Array): TokenVerification {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last <= first + 1 || token.length - last - 1 !== signatureLength) {
    return {
      ok: false,
      problem: TokenProblem.malformed,
      message: `the token is not of the form ${deviceTokenVersion}.<deviceId>.<signature>: ask for a new one (npm run token -- <deviceId>)`,
    };
  }
  const version = token.slice(0, first);
  if (version !== deviceTokenVersion) {
    return {
      ok: false,
      problem: TokenProblem.unknownVersion,
      message: `token version "${version.slice(0, 16)}" is not supported (expected ${deviceTokenVersion}): ask for a new token`,
    };
  }
  const deviceId = token.slice(first + 1, last);
  if (deviceIdProblem(deviceId)) {
    return {
      ok: false,
      problem: TokenProblem.invalidDeviceId,
      message: 'the device id in the token is not a valid device id: ask for a new token',
    };
  }
  const given = token.slice(last + 1);
  const expected = signature(deviceId, secret);
  const givenBytes = canonicalBase64url(given);
  if (
    givenBytes === undefined ||
    givenBytes.length !== expected.length ||
    !timingSafeEqual(givenBytes, expected)
  ) {
    return {
      ok: false,
      problem: TokenProblem.badSignature,
      message:
        'the token signature does not match: the token was altered or signed with another secret; ask for a new token',
    };
  }
  return { ok: true, deviceId };
}

/** A {@link DeviceTokenVerifier} with the HMAC secret held in memory. */
export function createHmacTokenVerifier(secret: Uint8Array): DeviceTokenVerifier {
  assertSecret(secret);
  const key = Buffer.from(secret);
  return { verify: (token) => verifyDeviceToken(token, key) };
}
