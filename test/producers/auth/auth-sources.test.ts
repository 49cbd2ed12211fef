import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fileRevocationSource,
  fileTokenKeySource,
  RevocationList,
  RevocationListError,
  resolveDeviceAuthSources,
  secretsManagerTokenKeySource,
  ssmRevocationSource,
  TokenKeyring,
  TokenSecretError,
} from '#producers/auth';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'auth-sources-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fake AWS client: records every command it is sent and answers with `answer`. */
function fakeClient(answer: (command: { input: unknown; constructor: { name: string } }) => unknown) {
  const sent: { name: string; input: unknown }[] = [];
  return {
    sent,
    // biome-ignore lint/suspicious/noExplicitAny: the fake stands in for any SDK client's send
    send: async (command: any): Promise<any> => {
      sent.push({ name: command.constructor.name, input: command.input });
      return answer(command);
    },
  };
}

const key = 'a-key-of-enough-length-0123456789';

describe('local files', () => {
  it('keeps the single secret file readable, and writes the keyring back whole with mode 0600', async () => {
    const path = join(tempDir(), 'token-secret');
    writeFileSync(path, `${key}\n`);
    const source = fileTokenKeySource(path);
    const before = await source.read();
    expect(before.kids).toEqual(['k0']);
    await source.write!(before.rotatedTo('k1', 'new-key-of-enough-length-0123456'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      current: 'k1',
      keys: { k0: key, k1: 'new-key-of-enough-length-0123456' },
    });
    expect((await source.read()).kids).toEqual(['k1', 'k0']);
  });

  it('agrees on one key when many first uses race to create the file (none reads it half written)', async () => {
    const path = join(tempDir(), 'data', 'token-secret');
    const keyrings = await Promise.all(Array.from({ length: 50 }, () => fileTokenKeySource(path).read()));
    const keys = new Set(keyrings.map((k) => k.key('k0')!.toString()));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(join(path, '..'))).toEqual(['token-secret']);
  });

  it('reads a missing revocation file as an empty list, and refuses a broken one with its path', async () => {
    const path = join(tempDir(), 'revoked-devices.json');
    const source = fileRevocationSource(path);
    expect((await source.read()).entries).toEqual([]);
    await source.write!(RevocationList.empty.with({ deviceId: 'room-7', reason: 'lost' }));
    expect((await source.read()).entries).toEqual([{ deviceId: 'room-7', reason: 'lost' }]);
    writeFileSync(path, '{"revoked": [{"device": "room-7"}]}');
    await expect(source.read()).rejects.toThrow(RevocationListError);
    await expect(source.read()).rejects.toThrow(`${path} is not {"revoked"`);
    writeFileSync(path, '{"revoked": [{"deviceId": "room 7"}]}');
    await expect(source.read()).rejects.toThrow(/revoked.0.deviceId: must be a valid device id/);
  });

  it('resolves the local files from DATA_DIR, or REVOKED_DEVICES_FILE', () => {
    const sources = resolveDeviceAuthSources({ env: { DATA_DIR: '/data' } });
    expect([sources.keys.location, sources.revocations.location, sources.refreshMs]).toEqual([
      '/data/token-secret',
      '/data/revoked-devices.json',
      1_000,
    ]);
    const named = resolveDeviceAuthSources({
      env: { DATA_DIR: '/data', REVOKED_DEVICES_FILE: '/etc/revoked.json' },
    });
    expect(named.revocations.location).toBe('/etc/revoked.json');
  });
});

describe('Secrets Manager keys (injected client)', () => {
  it('reads the generated single secret and the keyring JSON, and writes the keyring with PutSecretValue', async () => {
    let stored = key;
    const client = fakeClient((command) => {
      if (command instanceof GetSecretValueCommand) return { SecretString: stored };
      stored = (command.input as { SecretString: string }).SecretString;
      return {};
    });
    const source = secretsManagerTokenKeySource(client as never, 'arn:secret');
    const single = await source.read();
    expect(single.kids).toEqual(['k0']);
    await source.write!(single.rotatedTo('k1', 'new-key-of-enough-length-0123456'));
    expect((await source.read()).kids).toEqual(['k1', 'k0']);
    expect(client.sent.map((c) => c.name)).toEqual([
      'GetSecretValueCommand',
      'PutSecretValueCommand',
      'GetSecretValueCommand',
    ]);
    const put = client.sent[1]!.input as { SecretId: string; SecretString: string };
    expect(put.SecretId).toBe('arn:secret');
    expect(JSON.parse(put.SecretString)).toEqual({
      current: 'k1',
      keys: { k0: key, k1: 'new-key-of-enough-length-0123456' },
    });
  });

  it('says which secret could not be read', async () => {
    const failing = fakeClient(() => {
      throw new Error('AccessDeniedException: not allowed');
    });
    await expect(secretsManagerTokenKeySource(failing as never, 'arn:secret').read()).rejects.toThrow(
      new TokenSecretError(
        'cannot read the token secret arn:secret from Secrets Manager: AccessDeniedException: not allowed',
        'arn:secret',
      ),
    );
  });
});

describe('SSM revocation list (injected client)', () => {
  it('reads the parameter, writes it back with Overwrite, and keeps it within 4 KB', async () => {
    let value = '{"revoked":[]}';
    const client = fakeClient((command) => {
      if (command instanceof GetParameterCommand) return { Parameter: { Value: value } };
      if (command instanceof PutParameterCommand) value = (command.input as { Value: string }).Value;
      return {};
    });
    const source = ssmRevocationSource(client as never, '/iot/revoked-devices');
    expect((await source.read()).entries).toEqual([]);
    await source.write!(
      RevocationList.empty.with({ deviceId: 'room-7', issuedBefore: '2026-12-06T19:00:00.000Z' }),
    );
    expect(client.sent[1]).toEqual({
      name: 'PutParameterCommand',
      input: { Name: '/iot/revoked-devices', Value: value, Type: 'String', Overwrite: true },
    });
    expect((await source.read()).entries).toEqual([
      { deviceId: 'room-7', issuedBefore: '2026-12-06T19:00:00.000Z' },
    ]);
    const big = new RevocationList(
      Array.from({ length: 200 }, (_, i) => ({ deviceId: `device-${i}`, reason: 'x'.repeat(10) })),
    );
    await expect(source.write!(big)).rejects.toThrow(/over the 4 KB of a standard SSM parameter/);
  });

  it('treats a missing parameter as a deployment error, never as an empty list', async () => {
    const client = fakeClient(() => {
      throw new ParameterNotFound({ message: 'parameter not found', $metadata: {} });
    });
    await expect(ssmRevocationSource(client as never, '/iot/revoked-devices').read()).rejects.toThrow(
      /cannot read the revocation list \/iot\/revoked-devices from SSM: parameter not found \(the stack creates it/,
    );
  });

  it('is where an AWS verifier looks when REVOKED_DEVICES_PARAMETER is set; the authorizer without it revokes nobody', async () => {
    const ssm = fakeClient(() => ({ Parameter: { Value: '{"revoked":[{"deviceId":"room-7"}]}' } }));
    const sources = resolveDeviceAuthSources({
      env: { TOKEN_SECRET: key, REVOKED_DEVICES_PARAMETER: '/iot/revoked-devices' },
      aws: true,
      ssm: () => ssm as never,
    });
    expect(sources.refreshMs).toBe(30_000);
    expect((await sources.revocations.read()).revocationOf({ deviceId: 'room-7', kid: 'k0' })).toBeDefined();
    // a tool that only signs (the simulator) resolves without an SSM client; reading the list needs one
    const signingOnly = resolveDeviceAuthSources({
      env: { TOKEN_SECRET: key, REVOKED_DEVICES_PARAMETER: '/iot/revoked-devices' },
      aws: true,
    });
    expect((await signingOnly.keys.read()).kids).toEqual(['k0']);
    await expect(signingOnly.revocations.read()).rejects.toThrow(/no SSM client was given/);
    const none = resolveDeviceAuthSources({ env: { TOKEN_SECRET: key }, aws: true });
    expect((await none.revocations.read()).entries).toEqual([]);
    expect((await none.keys.read()) instanceof TokenKeyring).toBe(true);
  });
});
