import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeviceToken } from '#producers/auth';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

let kinesis: StreamFixture;
let streamName: string;
const secret = 'lambda-test-secret-0123456789abcdef';
beforeAll(async () => {
  kinesis = await startStreamFixture();
  streamName = await kinesis.newStream();
  Object.assign(process.env, {
    KINESIS_ENDPOINT: kinesis.endpoint,
    STREAM_NAME: streamName,
    TOKEN_SECRET: secret,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(async () => {
  await kinesis?.close();
});

/** An API Gateway HTTP API (payload 2.0) event, as the ingest Lambda receives it. */
function httpApiEvent(body: string, headers: Record<string, string>) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'curl/8' },
      requestId: 'req-lambda-1',
      routeKey: '$default',
      stage: '$default',
      time: '20/Apr/2022:05:51:00 +0000',
      timeEpoch: 1650433860000,
    },
    body,
    isBase64Encoded: false,
  };
}

describe('ingest Lambda handler', () => {
  it('takes the seed curl body through API Gateway HTTP API and publishes it', async () => {
    const { handler } = await import('#producers/ingest/handler');
    const token = signDeviceToken('room-1', Buffer.from(secret));
    const event = httpApiEvent('{"co2": 550, "temperature": 24.2, "humidity": 48.2}', {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    });
    const res = await handler(event as never, {} as never);
    expect(res.statusCode).toBe(202);
    expect(res.headers?.['x-request-id']).toBe('req-lambda-1');
    expect(JSON.parse(res.body)).toMatchObject({ accepted: 1 });
    const unauthenticated = await handler(
      httpApiEvent('{"co2": 1}', { 'content-type': 'application/json' }) as never,
      {} as never,
    );
    expect(unauthenticated.statusCode).toBe(401);
    const records = await kinesis.readAll(streamName);
    expect(records.map((r) => r.partitionKey)).toEqual(['room-1']);
  });
});
