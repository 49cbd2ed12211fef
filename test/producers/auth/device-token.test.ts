import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHmacTokenVerifier,
  localTokenSecret,
  resolveTokenSecret,
  signDeviceToken,
  TokenProblem,
  TokenSecretError,
  verifyDeviceToken,
} from '#producers/auth';

const run = promisify(execFile);
const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'token-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('device tokens', () => {
  it('round-trips device ids, also ones with dots, colons and @', () => {
    for (const id of ['device_1', 'a.b.c', 'site:tokyo@floor-3', 'x'.repeat(128)]) {
      const token = signDeviceToken(id, secret);
      expect(token.startsWith(`dt1.${id}.`)).toBe(true);
      expect(verifyDeviceToken(token, secret)).toEqual({ ok: true, deviceId: id });
    }
  });

  it('refuses altered tokens, other secrets, other versions and malformed text', () => {
    const token = signDeviceToken('device_1', secret);
    const other = Buffer.from('another secret of enough length!');
    const sig = token.slice(token.lastIndexOf('.') + 1);
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const cases: [string, TokenProblem][] = [
      [flipped, TokenProblem.badSignature],
      [token.replace('device_1', 'device_2'), TokenProblem.badSignature],
      [signDeviceToken('device_1', other), TokenProblem.badSignature],
      [`dt2.device_1.${sig}`, TokenProblem.unknownVersion],
      [`dt1.device 1.${sig}`, TokenProblem.invalidDeviceId],
      [`dt1.device_1.${sig.slice(1)}!`, TokenProblem.badSignature],
      ['', TokenProblem.malformed],
      ['dt1.device_1', TokenProblem.malformed],
      [`dt1..${sig}`, TokenProblem.malformed],
      [token.slice(0, -1), TokenProblem.malformed],
    ];
    for (const [given, problem] of cases) {
      const v = verifyDeviceToken(given, secret);
      expect(v.ok ? 'accepted' : v.problem, given).toBe(problem);
    }
  });

  it('accepts only the canonical encoding of the signature: every other spelling of the same bytes is refused', () => {
    // a device whose signature holds '-' or '_', so that the standard alphabet spells it differently
    const token = Array.from({ length: 50 }, (_, i) => signDeviceToken(`device_${i}`, secret)).find((t) =>
      /[-_]/.test(t.slice(t.lastIndexOf('.') + 1)),
    )!;
    const head = token.slice(0, token.lastIndexOf('.') + 1);
    const sig = token.slice(head.length);
    const bytes = Buffer.from(sig, 'base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 43 characters hold 258 bits: the last one carries the 32nd byte's last 4 bits and 2 bits that must be 0
    const sameBytes = [...alphabet]
      .map((c) => `${sig.slice(0, -1)}${c}`)
      .filter((s) => s !== sig && Buffer.from(s, 'base64url').equals(bytes));
    expect(sameBytes).toHaveLength(3);
    const standard = bytes.toString('base64');
    const variants = [
      ...sameBytes,
      `${sig}=`,
      standard,
      standard.replace(/=+$/, ''),
      ` ${sig}`,
      `${sig} `,
      `${sig}\n`,
      `${sig.slice(0, 20)} ${sig.slice(20)}`,
      `${sig.slice(0, 20)}\t${sig.slice(21)}`,
    ];
    expect(standard.replace(/=+$/, '')).not.toBe(sig);
    for (const variant of variants) {
      const v = verifyDeviceToken(`${head}${variant}`, secret);
      expect(v.ok, JSON.stringify(variant)).toBe(false);
    }
    expect(verifyDeviceToken(token, secret).ok).toBe(true);
  });

  it('refuses short secrets and bad device ids when signing', () => {
    expect(() => signDeviceToken('d', Buffer.from('short'))).toThrow(/at least 16/);
    expect(() => signDeviceToken('bad id', secret)).toThrow(/device id/);
    expect(() => createHmacTokenVerifier(Buffer.from('short'))).toThrow(RangeError);
  });
});

describe('token secret', () => {
  it('creates the local secret once, 32 random bytes with mode 0600, and reuses it', async () => {
    const dir = join(tempDir(), 'data');
    const [a, b] = await Promise.all([localTokenSecret(dir), localTokenSecret(dir)]);
    expect(a.equals(b)).toBe(true);
    expect(a.toString()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, 'token-secret')).mode & 0o777).toBe(0o600);
    expect((await localTokenSecret(dir)).equals(a)).toBe(true);
  });

  it('prefers TOKEN_SECRET, and needs TOKEN_SECRET_ARN for AWS', async () => {
    const env = { TOKEN_SECRET: 'env-secret-of-enough-length', DATA_DIR: tempDir() };
    expect((await resolveTokenSecret({ env })).toString()).toBe('env-secret-of-enough-length');
    await expect(resolveTokenSecret({ env: { TOKEN_SECRET: 'short' } })).rejects.toThrow(TokenSecretError);
    await expect(resolveTokenSecret({ env: {}, aws: true })).rejects.toThrow(/TOKEN_SECRET_ARN is not set/);
  });

  it('npm run token prints a token that verifies with the same secret resolution', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, DATA_DIR: dataDir, TOKEN_SECRET: '' };
    const { stdout } = await run('npx', ['tsx', 'producers/auth/cli.ts', 'room-7'], { env });
    const token = stdout.trim();
    const fileSecret = readFileSync(join(dataDir, 'token-secret'));
    expect(verifyDeviceToken(token, Buffer.from(fileSecret.toString().trim()))).toEqual({
      ok: true,
      deviceId: 'room-7',
    });
    expect(verifyDeviceToken(token, await resolveTokenSecret({ env: { DATA_DIR: dataDir } }))).toEqual({
      ok: true,
      deviceId: 'room-7',
    });
    const bad = await run('npx', ['tsx', 'producers/auth/cli.ts', 'bad id'], { env }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/device id "bad id" must be/);
  });
});
