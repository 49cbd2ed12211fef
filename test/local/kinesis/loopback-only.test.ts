import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';
import { LocalKinesisStartError, startLocalKinesis } from '#local/kinesis';

const dataDir = mkdtempSync(join(tmpdir(), 'kinesis-loopback-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('local Kinesis: unauthenticated, so loopback only', () => {
  it('refuses to listen on another interface than loopback', async () => {
    await expect(startLocalKinesis({ dataDir: join(dataDir, 'a'), host: '0.0.0.0' })).rejects.toThrow(
      LocalKinesisStartError,
    );
    await expect(startLocalKinesis({ dataDir: join(dataDir, 'a'), host: '0.0.0.0' })).rejects.toThrow(
      /must listen on loopback, not "0.0.0.0"/,
    );
  });

  it('answers 421 to a request whose Host is not its own, and serves the SDK client', async () => {
    const local = await startLocalKinesis({ dataDir: join(dataDir, 'b'), streamName: 'readings' });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          local.endpoint,
          {
            method: 'POST',
            headers: {
              host: 'evil.example',
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': 'Kinesis_20131202.ListStreams',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(421);
      const client = createKinesisClient(local.endpoint);
      expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['readings']);
      client.destroy();
    } finally {
      await local.close();
    }
  });
});
