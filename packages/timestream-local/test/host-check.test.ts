import { request } from 'node:http';
import { ListDatabasesCommand, TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, type Fixture, startFixture } from './local-timestream-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ allowedHosts: ['timestream.lan'] });
});
afterAll(async () => {
  await f.close();
});

/** A ListDatabases call with the given Host header, as a page reached by DNS rebinding would send it. */
function listDatabasesWithHost(host: string): Promise<{ status: number; errorType: string; body: string }> {
  const url = new URL(f.ts.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: {
          host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'Timestream_20181101.ListDatabases',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            errorType: String(res.headers['x-amzn-errortype'] ?? ''),
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

describe('Host header check (DNS rebinding)', () => {
  it('refuses a request whose Host is not the service with 421 InvalidEndpointException, naming the endpoint', async () => {
    const port = new URL(f.ts.endpoint).port;
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`]) {
      const answer = await listDatabasesWithHost(host);
      expect(answer.status, host).toBe(421);
      expect(answer.errorType).toBe('InvalidEndpointException');
      expect(answer.body).toContain(f.ts.endpoint);
    }
  });

  it('answers on its loopback names and the configured extra names', async () => {
    const port = new URL(f.ts.endpoint).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `timestream.lan:${port}`,
    ]) {
      const answer = await listDatabasesWithHost(host);
      expect(answer.status, host).toBe(200);
    }
  });

  it('the unchanged SDK client, given the endpoint, passes the check', async () => {
    const client = new TimestreamWriteClient(clientConfig(f.ts.endpoint));
    try {
      const out = await client.send(new ListDatabasesCommand({}));
      expect(out.Databases).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});
