import type { DeviceTokenVerifier } from './device-token';

/** The part of an API Gateway HTTP API (payload 2.0) REQUEST authorizer event that is read. */
export interface AuthorizerRequest {
  readonly identitySource?: readonly string[] | null;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
}

/** A simple response (`enableSimpleResponses`): API Gateway answers 403 itself when not authorized. */
export type AuthorizerVerdict =
  | { readonly isAuthorized: true; readonly context: { readonly deviceId: string; readonly kid: string } }
  | { readonly isAuthorized: false };

const bearerPattern = /^Bearer[ ]+(\S+)\s*$/i;

/**
 * Decides an HTTP API REQUEST authorizer call: authorized only with `Authorization: Bearer <token>` whose
 * token is well formed and signed with a current key. Revocation is left to the ingest function, which
 * checks every request: this verdict is cached by API Gateway for the authorizer's TTL, per token.
 *
 * @example
 * await authorizeRequest({ identitySource: ['Bearer dt2.k0....'] }, verifier); // { isAuthorized: true, context: { deviceId, kid } }
 */
export async function authorizeRequest(
  request: AuthorizerRequest,
  verifier: DeviceTokenVerifier,
): Promise<AuthorizerVerdict> {
  const header = request.identitySource?.[0] ?? request.headers?.authorization;
  const token = header === undefined ? undefined : bearerPattern.exec(header)?.[1];
  if (token === undefined) return { isAuthorized: false };
  const verdict = await verifier.verify(token);
  return verdict.ok
    ? { isAuthorized: true, context: { deviceId: verdict.deviceId, kid: verdict.kid } }
    : { isAuthorized: false };
}
