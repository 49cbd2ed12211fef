import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InfluxDbClient } from '#adapters/influxdb-client';
import {
  InfluxdNotInstalledError,
  type LocalInfluxdb,
  startLocalInfluxdb,
  startSupervisedInfluxdb,
} from '#local/influxdb';
import type { ServiceEvent } from '#local/runtime/service-worker';

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';

describe('the local influxd launcher', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'influxd-launcher-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const started = async (options: Parameters<typeof startLocalInfluxdb>[0]) => {
    const server = await startLocalInfluxdb(options);
    cleanups.push(() => server.close());
    return server;
  };

  it('starts influxd on a free loopback port with its meta, data and WAL under the data directory, reporting off', async () => {
    const dataDir = tempDir();
    const server = await started({ dataDir });
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.version).toMatch(/^1\./);
    const client = new InfluxDbClient({ url: server.endpoint });
    await client.createDatabase('probe');
    await client.write('probe', 'm f=1.0 1650412800000');
    for (const dir of ['meta', 'data', 'wal']) expect(existsSync(join(dataDir, dir)), dir).toBe(true);
    const config = readFileSync(join(dataDir, 'influxd.conf'), 'utf8');
    expect(config).toContain('reporting-enabled = false');
    expect(config).toContain(`bind-address = "127.0.0.1:${server.port}"`);
    expect(config).toMatch(/^bind-address = "127\.0\.0\.1:\d+"$/m);
  });

  it('stops influxd cleanly on close', async () => {
    const server = await startLocalInfluxdb({ dataDir: tempDir() });
    await server.close();
    expect(alive(server.pid)).toBe(false);
    await expect(fetch(`${server.endpoint}/ping`)).rejects.toThrow();
  });

  it('notices when influxd dies and says why', async () => {
    const reasons: string[] = [];
    const server = await started({ dataDir: tempDir(), onExit: (reason) => reasons.push(reason) });
    server.kill();
    await vi.waitFor(() => expect(reasons).toEqual([expect.stringContaining('signal SIGKILL')]), {
      timeout: 10_000,
    });
  });

  it('says how to install influxd when it is not on this machine', async () => {
    const error = await startLocalInfluxdb({ dataDir: tempDir(), binary: 'influxd-not-here' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InfluxdNotInstalledError);
    expect(error.message).toMatch(/apt-get install influxdb/);
    expect(error.message).toMatch(/INFLUXDB_URL/);
  });

  it('refuses a port another server holds (which would answer its /ping), saying how to choose another', async () => {
    const holder = await started({ dataDir: tempDir() });
    const error = await startLocalInfluxdb({ dataDir: tempDir(), port: holder.port }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`influxd cannot listen on 127.0.0.1:${holder.port}: the port is taken`);
    expect(error.message).toMatch(/set INFLUXDB_PORT to another port/);
  });

  it('stops an influxd that a killed process left on the same data directory before starting', async () => {
    const dataDir = tempDir();
    // a process killed with SIGKILL never closes its influxd: the next start finds it by its pid file
    const leftover: LocalInfluxdb = await startLocalInfluxdb({ dataDir });
    cleanups.push(async () => {
      if (alive(leftover.pid)) leftover.kill();
    });
    const next = await started({ dataDir });
    expect(alive(leftover.pid)).toBe(false);
    expect(next.pid).not.toBe(leftover.pid);
    expect((await fetch(`${next.endpoint}/ping`)).status).toBe(204);
  });

  it('restarts a dead influxd on the same endpoint, with its data, under supervision', async () => {
    const events: ServiceEvent[] = [];
    const supervised = await startSupervisedInfluxdb({
      options: { dataDir: tempDir() },
      restarts: { maxRestarts: 3, windowMs: 60_000 },
      onEvent: (event) => events.push(event),
      onFailed: (error) =>
        events.push({ type: 'died', service: 'failed', endpoint: '', reason: error.message }),
    });
    cleanups.push(() => supervised.close());
    const client = new InfluxDbClient({ url: supervised.endpoint });
    await client.createDatabase('kept');
    await client.write('kept', 'm f=1.5 1650412800000');

    await supervised.terminate('drill');

    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['died', 'restarted']), {
      timeout: 30_000,
    });
    expect(events[0]).toMatchObject({ service: 'local InfluxDB', reason: 'terminated (drill)' });
    const [result] = await client.query('kept', 'SELECT f FROM m');
    expect(result?.series?.[0]?.values).toEqual([[1650412800000, 1.5]]);
  });
});
