import { describe, expect, it } from 'vitest';
import {
  createStoredTokenVerifier,
  type DeviceAuthSources,
  DeviceAuthUnavailableError,
  RevocationList,
  signDeviceToken,
  TokenKeyring,
  TokenProblem,
} from '#producers/auth';

const keyring = TokenKeyring.single('a-key-of-enough-length-0123456789');

/** Stores held in memory, counting reads, that can be made to fail. */
function memoryStores(refreshMs = 30_000) {
  const state = { keyring, revocations: RevocationList.empty, reads: 0, failing: false };
  const read = async <T>(value: () => T) => {
    state.reads += 1;
    if (state.failing) throw new Error('ThrottlingException: rate exceeded');
    return value();
  };
  const sources: DeviceAuthSources = {
    keys: { location: 'memory keys', read: () => read(() => state.keyring) },
    revocations: { location: 'memory list', read: () => read(() => state.revocations) },
    refreshMs,
  };
  return { state, sources };
}

describe('stored token verifier', () => {
  it('re-reads the stores once they are older than refreshMs: a revocation and a rotation take effect', async () => {
    const { state, sources } = memoryStores();
    let clock = 0;
    const verifier = createStoredTokenVerifier(sources, { now: () => clock });
    const token = signDeviceToken('room-7', keyring);
    expect(await verifier.verify(token)).toMatchObject({ ok: true, deviceId: 'room-7' });
    state.revocations = RevocationList.empty.with({ deviceId: 'room-7', reason: 'stolen' });
    state.keyring = keyring.rotatedTo('k1', 'new-key-of-enough-length-0123456');
    clock = 29_999;
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    expect(state.reads).toBe(2);
    clock = 30_000;
    const refused = await verifier.verify(token);
    expect(refused).toMatchObject({ ok: false, problem: TokenProblem.revoked });
    expect(refused.ok ? '' : refused.message).toContain('device "room-7" is revoked (stolen)');
    expect(await verifier.verify(signDeviceToken('room-8', state.keyring))).toMatchObject({
      ok: true,
      kid: 'k1',
    });
    expect(state.reads).toBe(4);
  });

  it('shares one read among concurrent requests', async () => {
    const { state, sources } = memoryStores();
    const verifier = createStoredTokenVerifier(sources);
    const token = signDeviceToken('room-1', keyring);
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(token)));
    expect(verdicts.every((v) => v.ok)).toBe(true);
    expect(state.reads).toBe(2);
  });

  it('serves the last good read through an outage up to maxStaleMs, then refuses to guess', async () => {
    const { state, sources } = memoryStores();
    let clock = 0;
    const stale: unknown[] = [];
    const verifier = createStoredTokenVerifier(sources, {
      now: () => clock,
      maxStaleMs: 120_000,
      onStale: (error) => stale.push(error),
    });
    const token = signDeviceToken('room-1', keyring);
    await verifier.verify(token);
    state.failing = true;
    clock = 60_000;
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    expect(stale).toHaveLength(1);
    clock = 120_001;
    await expect(verifier.verify(token)).rejects.toThrow(DeviceAuthUnavailableError);
    await expect(verifier.verify(token)).rejects.toThrow(
      /memory keys.*memory list.*last read 120001 ms ago.*ThrottlingException/,
    );
    state.failing = false;
    clock = 150_001;
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
  });

  it('fails when the stores were never read, and reads again on the next request', async () => {
    const { state, sources } = memoryStores();
    state.failing = true;
    let clock = 0;
    const verifier = createStoredTokenVerifier(sources, { now: () => clock });
    const token = signDeviceToken('room-1', keyring);
    await expect(verifier.verify(token)).rejects.toThrow(/never read/);
    state.failing = false;
    clock = 1;
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
  });
});
