import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmacTokenVerifier, signDeviceToken, TokenKeyring } from '#producers/auth';
import { authorizeRequest } from '#producers/auth/request-authorizer';

const secret = 'authorizer-test-secret-0123456789';
const saved = process.env.TOKEN_SECRET;
beforeAll(() => {
  process.env.TOKEN_SECRET = secret;
});
afterAll(() => {
  if (saved === undefined) delete process.env.TOKEN_SECRET;
  else process.env.TOKEN_SECRET = saved;
});

/** An HTTP API REQUEST authorizer event (payload 2.0) with identity source $request.header.Authorization. */
function authorizerEvent(authorization: string) {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc/$default/POST/readings',
    identitySource: [authorization],
    routeKey: '$default',
    rawPath: '/readings',
    rawQueryString: '',
    headers: { authorization, 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/readings' }, requestId: 'r1', stage: '$default' },
  };
}

describe('ingest authorizer', () => {
  it('authorizes a well-formed token signed with a current key, naming the device', async () => {
    const { handler } = await import('#producers/auth/authorizer-handler');
    const token = signDeviceToken('room-1', TokenKeyring.single(secret));
    expect(await handler(authorizerEvent(`Bearer ${token}`) as never)).toEqual({
      isAuthorized: true,
      context: { deviceId: 'room-1', kid: 'k0' },
    });
  });

  it('refuses everything else: no bearer, malformed, non-canonical, another key, another signature', async () => {
    const { handler } = await import('#producers/auth/authorizer-handler');
    const token = signDeviceToken('room-1', TokenKeyring.single(secret));
    const other = signDeviceToken('room-1', TokenKeyring.single('another-secret-of-enough-length!'));
    for (const authorization of [
      '',
      token,
      `Basic ${token}`,
      'Bearer dt2.k0.1.room-1.short',
      `Bearer ${token}=`,
      `Bearer ${token.replace('.k0.', '.k1.')}`,
      `Bearer ${other}`,
      `Bearer ${token} extra`,
    ]) {
      expect(await handler(authorizerEvent(authorization) as never), authorization).toEqual({
        isAuthorized: false,
      });
    }
  });

  it('reads the header when no identity source is given', async () => {
    const verifier = createHmacTokenVerifier(Buffer.from(secret));
    const token = signDeviceToken('room-2', Buffer.from(secret));
    expect(await authorizeRequest({ headers: { authorization: `bearer ${token}` } }, verifier)).toMatchObject(
      {
        isAuthorized: true,
      },
    );
    expect(await authorizeRequest({}, verifier)).toEqual({ isAuthorized: false });
  });
});
