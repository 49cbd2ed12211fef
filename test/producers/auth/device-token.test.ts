import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHmacTokenVerifier,
  localTokenSecret,
  parseDeviceToken,
  RevocationList,
  resolveTokenSecret,
  signDeviceToken,
  TokenKeyring,
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
  it('round-trips device ids, also ones with dots, colons and @, with the key id and issue time', () => {
    const issuedAt = Date.parse('2026-12-06T19:00:00.750Z');
    for (const id of ['device_1', 'a.b.c', 'site:tokyo@floor-3', 'x'.repeat(128)]) {
      const token = signDeviceToken(id, secret, { issuedAt });
      expect(token.startsWith(`dt2.k0.1796583600.${id}.`)).toBe(true);
      expect(verifyDeviceToken(token, secret)).toEqual({
        ok: true,
        deviceId: id,
        kid: 'k0',
        issuedAt: 1796583600,
      });
    }
  });

  it('still verifies a token issued before key ids (dt1), under the single secret it was signed with', () => {
    // issued by the previous version of signDeviceToken('device_1', secret)
    const issuedBefore = 'dt1.device_1.GHkrYRWNY3oOPaGk9WHfE4HvN0Tct9GHenzW5Drjf9o';
    const legacy = { ok: true, deviceId: 'device_1', kid: 'k0' };
    expect(verifyDeviceToken(issuedBefore, secret)).toEqual(legacy);
    const rotated = TokenKeyring.single(secret).rotatedTo('k1', 'a-new-key-of-enough-length-0123');
    expect(verifyDeviceToken(issuedBefore, rotated)).toEqual(legacy);
    expect(verifyDeviceToken(issuedBefore, rotated.without('k0'))).toMatchObject({
      ok: false,
      problem: TokenProblem.unknownKey,
    });
    expect(verifyDeviceToken(`${issuedBefore.slice(0, -1)}p`, secret)).toMatchObject({ ok: false });
  });

  it('signs with the current key and verifies with every key of the keyring, refusing retired ones', () => {
    const k0 = TokenKeyring.single(secret);
    const k1 = k0.rotatedTo('k1', 'second-key-of-enough-length-0123');
    const old = signDeviceToken('room-1', k0);
    const fresh = signDeviceToken('room-1', k1);
    expect(fresh.split('.')[1]).toBe('k1');
    expect(verifyDeviceToken(old, k1)).toMatchObject({ ok: true, kid: 'k0' });
    expect(verifyDeviceToken(fresh, k1)).toMatchObject({ ok: true, kid: 'k1' });
    expect(verifyDeviceToken(fresh, k0)).toMatchObject({ ok: false, problem: TokenProblem.unknownKey });
    // a token naming another key id than the one that signed it
    const relabelled = old.replace('dt2.k0.', 'dt2.k1.');
    expect(verifyDeviceToken(relabelled, k1)).toMatchObject({
      ok: false,
      problem: TokenProblem.badSignature,
    });
  });

  it('refuses revoked devices with a message that says so: all tokens, by issue time, by key', () => {
    const keyring = TokenKeyring.single(secret).rotatedTo('k1', 'second-key-of-enough-length-0123');
    const at = (iso: string) => ({ issuedAt: Date.parse(iso) });
    const early = signDeviceToken('room-7', keyring, at('2026-12-01T00:00:00Z'));
    const late = signDeviceToken('room-7', keyring, at('2026-12-06T19:00:01Z'));
    const viaK0 = signDeviceToken('room-8', TokenKeyring.single(secret));
    const list = new RevocationList([
      { deviceId: 'room-7', issuedBefore: '2026-12-06T19:00:00Z', reason: 'token leaked' },
      { deviceId: 'room-8', kid: 'k0' },
      { deviceId: 'room-9' },
    ]);
    const early7 = verifyDeviceToken(early, keyring, list);
    expect(early7).toMatchObject({ ok: false, problem: TokenProblem.revoked });
    expect(early7.ok ? '' : early7.message).toMatch(/device "room-7" is revoked \(token leaked\)/);
    expect(verifyDeviceToken(late, keyring, list)).toMatchObject({ ok: true, deviceId: 'room-7' });
    expect(verifyDeviceToken(viaK0, keyring, list)).toMatchObject({
      ok: false,
      problem: TokenProblem.revoked,
    });
    expect(verifyDeviceToken(signDeviceToken('room-8', keyring), keyring, list).ok).toBe(true);
    expect(verifyDeviceToken(signDeviceToken('room-9', keyring), keyring, list)).toMatchObject({
      problem: TokenProblem.revoked,
    });
    // a token of the first format has no issue time: an issuedBefore entry refuses it
    const dt1 = `dt1.room-7.${createHmac('sha256', secret).update('dt1.room-7').digest('base64url')}`;
    expect(verifyDeviceToken(dt1, keyring)).toMatchObject({ ok: true, deviceId: 'room-7' });
    expect(verifyDeviceToken(dt1, keyring, list)).toMatchObject({ problem: TokenProblem.revoked });
  });

  it('checks the form alone without any key (what the authorizer can check before the signature)', () => {
    const token = signDeviceToken('room-1', secret, { issuedAt: 1_796_583_600_000 });
    expect(parseDeviceToken(token)).toMatchObject({
      ok: true,
      token: { deviceId: 'room-1', kid: 'k0', issuedAt: 1_796_583_600 },
    });
    const sig = token.slice(token.lastIndexOf('.') + 1);
    for (const bad of [
      `dt2.k0.01796583600.room-1.${sig}`,
      `dt2.k0.-1.room-1.${sig}`,
      `dt2.k0.1e9.room-1.${sig}`,
      `dt2.k0.1796583600.${sig}`,
      `dt2.k!.1796583600.room-1.${sig}`,
      `dt2..1796583600.room-1.${sig}`,
      `dt2.k0..room-1.${sig}`,
    ]) {
      expect(parseDeviceToken(bad).ok, bad).toBe(false);
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
      [`dt3.device_1.${sig}`, TokenProblem.unknownVersion],
      [`dt1.device 1.${sig}`, TokenProblem.invalidDeviceId],
      [`dt1.device_1.${sig.slice(1)}!`, TokenProblem.badSignature],
      [token.replace('.k0.', '.k9.'), TokenProblem.unknownKey],
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
    expect(() => TokenKeyring.single(secret).rotatedTo('k1', 'short')).toThrow(/at least 16/);
    expect(() => signDeviceToken('bad id', secret)).toThrow(/device id/);
    expect(() => createHmacTokenVerifier(Buffer.from('short'))).toThrow(RangeError);
  });
});

describe('token secret', () => {
  it('creates the local secret once, 32 random bytes with mode 0600, and reuses it', async () => {
    const dir = join(tempDir(), 'data');
    const [a, b] = await Promise.all([localTokenSecret(dir), localTokenSecret(dir)]);
    expect(a.key('k0')!.equals(b.key('k0')!)).toBe(true);
    expect(a.kids).toEqual(['k0']);
    expect(a.key('k0')!.toString()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, 'token-secret')).mode & 0o777).toBe(0o600);
    expect((await localTokenSecret(dir)).key('k0')!.equals(a.key('k0')!)).toBe(true);
  });

  it('prefers TOKEN_SECRET, and needs TOKEN_SECRET_ARN for AWS', async () => {
    const env = { TOKEN_SECRET: 'env-secret-of-enough-length', DATA_DIR: tempDir() };
    expect((await resolveTokenSecret({ env })).key('k0')!.toString()).toBe('env-secret-of-enough-length');
    await expect(resolveTokenSecret({ env: { TOKEN_SECRET: 'short' } })).rejects.toThrow(TokenSecretError);
    await expect(resolveTokenSecret({ env: {}, aws: true })).rejects.toThrow(/TOKEN_SECRET_ARN is not set/);
  });

  it('npm run token prints a token that verifies with the same secret resolution', async () => {
    const dataDir = tempDir();
    const env = { ...process.env, DATA_DIR: dataDir, TOKEN_SECRET: '' };
    const { stdout } = await run('npx', ['tsx', 'producers/auth/cli.ts', 'room-7'], { env });
    const token = stdout.trim();
    const fileSecret = readFileSync(join(dataDir, 'token-secret'));
    expect(verifyDeviceToken(token, Buffer.from(fileSecret.toString().trim()))).toMatchObject({
      ok: true,
      deviceId: 'room-7',
    });
    expect(verifyDeviceToken(token, await resolveTokenSecret({ env: { DATA_DIR: dataDir } }))).toMatchObject({
      ok: true,
      deviceId: 'room-7',
    });
    const bad = await run('npx', ['tsx', 'producers/auth/cli.ts', 'bad id'], { env }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/device id "bad id" must be/);
  });
});
