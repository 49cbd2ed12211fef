import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { createKinesisClient } from '#adapters/kinesis-client';

describe('createKinesisClient', () => {
  it('talks HTTP/1.1 to the emulator endpoint with dummy credentials', async () => {
    const client = createKinesisClient('http://127.0.0.1:4567', { region: 'eu-west-1' });
    try {
      expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
      const endpoint = await client.config.endpoint?.();
      expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4567, protocol: 'http:' });
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'local' });
    } finally {
      client.destroy();
    }
  });

  it('leaves endpoint and credentials to the SDK for AWS', async () => {
    const client = createKinesisClient(undefined, { region: 'ap-northeast-1' });
    try {
      expect(client.config.endpoint).toBeUndefined();
      expect(client.config.requestHandler).not.toBeInstanceOf(NodeHttpHandler);
      expect(await client.config.region()).toBe('ap-northeast-1');
    } finally {
      client.destroy();
    }
  });
});
