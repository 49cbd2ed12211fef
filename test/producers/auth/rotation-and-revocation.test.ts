import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPipelineConfig } from '#core/config';
import { resolveTokenSecret } from '#producers/auth';
import { tokenCommand } from '#producers/auth/token-command';
import { createIngestAppFromConfig } from '#producers/ingest';
import { testUnits } from '../../helpers/readings';
import { memoryLogger } from '../ingest-fixture';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

const run = promisify(execFile);
let kinesis: StreamFixture;
let dataDir: string;
beforeAll(async () => {
  kinesis = await startStreamFixture();
  dataDir = mkdtempSync(join(tmpdir(), 'token-rotation-'));
});
afterAll(async () => {
  await kinesis?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `npm run token -- <args>` against the test's DATA_DIR, in this process; what it prints. */
async function token(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const noAws = () => {
    throw new Error('no AWS in this test');
  };
  await tokenCommand({
    env: { DATA_DIR: dataDir },
    out: (line) => lines.push(line),
    secretsManager: noAws,
    ssm: noAws,
  })
    .configureOutput({ writeErr: () => {} })
    .parseAsync(args, { from: 'user' });
  return lines.join('\n');
}

describe('rotating keys and revoking devices while the ingest runs (local files, npm run token)', () => {
  it('accepts old and new tokens during a rotation, refuses retired keys and revoked devices', async () => {
    const before = await token('room-7'); // creates DATA_DIR/token-secret: the single secret of old
    expect(readFileSync(join(dataDir, 'token-secret'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const streamName = await kinesis.newStream();
    const app = createIngestAppFromConfig({
      config: readPipelineConfig({ STREAM_NAME: streamName }),
      kinesis: kinesis.client,
      secret: await resolveTokenSecret({ env: { DATA_DIR: dataDir } }),
      units: testUnits,
      logger: memoryLogger(),
    });
    const post = async (bearer: string) => {
      const res = await app.request('/readings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: '{"co2": 550, "temperature": 24.2, "humidity": 48.2}',
      });
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    expect((await post(before)).status).toBe(202);

    // through the npm script once: the command as an operator types it
    const env = { ...process.env, DATA_DIR: dataDir, TOKEN_SECRET: '', TARGET: '' };
    const rotated = await run('npm', ['run', '--silent', 'token', '--', '--rotate', '--kid', 'k1'], { env });
    expect(rotated.stdout.trim()).toMatch(
      /^new current key k1 in .*token-secret \(keys: k1, k0\); the ingest picks it up within 1 s\. .*--retire k0$/,
    );
    const after = await token('room-7');
    expect(after.split('.').slice(0, 2)).toEqual(['dt2', 'k1']);
    await expect.poll(async () => (await post(after)).status, { timeout: 10_000 }).toBe(202);
    expect((await post(before)).status).toBe(202);
    expect(await token('--keys')).toBe('k1\nk0');

    await token('--retire', 'k0');
    await expect.poll(async () => (await post(before)).status, { timeout: 10_000 }).toBe(401);
    expect((await post(before)).body.error).toMatch(
      /signed with key "k0", which is not \(or no longer\) valid/,
    );
    expect((await post(after)).status).toBe(202);

    await token('--revoke', 'room-7', '--reason', 'device stolen');
    await expect.poll(async () => (await post(after)).status, { timeout: 10_000 }).toBe(401);
    expect((await post(after)).body.error).toBe(
      'the token of device "room-7" is revoked (device stolen); ask the operator for a new token',
    );
    expect(JSON.parse(await token('--revoked'))).toEqual({
      revoked: [{ deviceId: 'room-7', reason: 'device stolen' }],
    });

    // replacing a leaked token: revoke what was issued until now, then issue a new one
    await token('--unrevoke', 'room-7');
    await token('--revoke', 'room-7', '--issued-before', 'now');
    await expect.poll(async () => (await post(after)).status, { timeout: 10_000 }).toBe(401);
    await expect
      .poll(async () => (await post(await token('room-7'))).status, { timeout: 10_000, interval: 500 })
      .toBe(202);

    const records = await kinesis.readAll(streamName);
    expect(records.every((r) => r.partitionKey === 'room-7')).toBe(true);
  }, 60_000);

  it('refuses what cannot be done, with a message', async () => {
    const current = (await token('--keys')).split('\n')[0]!;
    await expect(token('--retire', current)).rejects.toThrow(/is the current key: rotate to a new key first/);
    await expect(token('--revoke', 'bad id')).rejects.toThrow(/deviceId: must be a valid device id/);
    await expect(token('--revoke', 'room-1', '--issued-before', 'yesterday')).rejects.toThrow(
      /--issued-before "yesterday": give an ISO time or 'now'/,
    );
    await expect(token()).rejects.toThrow(/give a device id/);
    await expect(token('--no-such-option')).rejects.toThrow(/unknown option/);
    const fromEnv = tokenCommand({
      env: { TOKEN_SECRET: 'env-secret-of-enough-length-0123' },
      out: () => {},
      secretsManager: () => ({}) as never,
      ssm: () => ({}) as never,
    });
    await expect(fromEnv.parseAsync(['--rotate'], { from: 'user' })).rejects.toThrow(
      'TOKEN_SECRET cannot be written: unset it to use the store',
    );
  });
});
