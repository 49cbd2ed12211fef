import { z } from 'zod';
import { deviceIdProblem } from '#core/reading/field-rules';
import { RevocationListError } from './errors';
import { kidProblem } from './token-keyring';

/** One revocation: the tokens of a device, optionally only those signed with one key or issued before a time. */
export interface Revocation {
  readonly deviceId: string;
  /** Only tokens issued before this instant (ISO 8601, to the second); tokens issued later stay valid. */
  readonly issuedBefore?: string;
  /** Only tokens signed with this key id. */
  readonly kid?: string;
  /** Why (shown in the 401 answer, so say nothing secret). */
  readonly reason?: string;
}

/** What a token says about itself, as far as revocation goes. */
export interface TokenClaims {
  readonly deviceId: string;
  readonly kid: string;
  /** Seconds since the epoch; absent in tokens of the first format (they count as issued at the beginning). */
  readonly issuedAt?: number;
}

const revocationSchema = z.object({
  revoked: z.array(
    z.strictObject({
      deviceId: z.string().refine((id) => deviceIdProblem(id) === undefined, 'must be a valid device id'),
      issuedBefore: z.iso
        .datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-12-06T19:00:00Z' })
        .optional(),
      kid: z
        .string()
        .refine((kid) => kidProblem(kid) === undefined, 'must be a key id')
        .optional(),
      reason: z.string().max(200, 'must be at most 200 characters').optional(),
    }),
  ),
});

/**
 * The device revocation list: `{"revoked": [{"deviceId": "room-7", "issuedBefore"?: "2026-12-06T19:00:00Z",
 * "kid"?: "k0", "reason"?: "lost"}]}`. An entry without `issuedBefore` or `kid` refuses every token of the
 * device; with `issuedBefore`, a new token issued after it works (the way to replace a leaked token).
 */
export class RevocationList {
  static readonly empty = new RevocationList([]);
  readonly entries: readonly Revocation[];
  readonly #byDevice: ReadonlyMap<string, readonly Revocation[]>;

  constructor(entries: readonly Revocation[]) {
    this.entries = entries;
    const byDevice = new Map<string, Revocation[]>();
    for (const e of entries) byDevice.set(e.deviceId, [...(byDevice.get(e.deviceId) ?? []), e]);
    this.#byDevice = byDevice;
  }

  /** The entry that revokes a token with these claims, or undefined. */
  revocationOf(claims: TokenClaims): Revocation | undefined {
    return this.#byDevice
      .get(claims.deviceId)
      ?.find(
        (e) =>
          (e.kid === undefined || e.kid === claims.kid) &&
          (e.issuedBefore === undefined ||
            (claims.issuedAt ?? Number.NEGATIVE_INFINITY) < Math.floor(Date.parse(e.issuedBefore) / 1000)),
      );
  }

  /** The list with `entry` added. */
  with(entry: Revocation): RevocationList {
    return new RevocationList([...this.entries, entry]);
  }

  /** The list without any entry of `deviceId`. */
  withoutDevice(deviceId: string): RevocationList {
    return new RevocationList(this.entries.filter((e) => e.deviceId !== deviceId));
  }

  /** The stored form (compact: an SSM standard parameter holds 4 KB). */
  toText(): string {
    return JSON.stringify({ revoked: this.entries });
  }
}

/**
 * Reads a revocation list from its stored text (an empty text is an empty list).
 * @param source where the text came from, for the error message
 */
export function parseRevocationList(text: string, source: string): RevocationList {
  if (text.trim() === '') return RevocationList.empty;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RevocationListError(
      `the revocation list ${source} is not JSON (${(error as Error).message}): store {"revoked":[{"deviceId":"..."}]}`,
      source,
      { cause: error },
    );
  }
  const parsed = revocationSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new RevocationListError(
      `the revocation list ${source} is not {"revoked":[{"deviceId","issuedBefore"?,"kid"?,"reason"?}]}: ${issues}`,
      source,
    );
  }
  return new RevocationList(parsed.data.revoked);
}
