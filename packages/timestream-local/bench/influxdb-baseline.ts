/**
 * InfluxDB 1.x (Debian's `influxd`) as a second baseline for the local Timestream's query benchmark: what a
 * user on one machine would pick instead. Starts its own `influxd` under a temporary directory on free
 * loopback ports, loads the benchmark's rows with line protocol and times the same per-device daily
 * aggregate in InfluxQL over its HTTP API.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Where Debian's package puts the server. */
export const influxdPath = process.env.INFLUXD_PATH ?? '/usr/bin/influxd';

export interface BenchRows {
  readonly devices: number;
  readonly perDevice: number;
  readonly startMs: number;
  readonly stepNs: bigint;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface InfluxdBaseline {
  /** Loads the rows; returns the seconds it took. */
  load(rows: BenchRows): Promise<number>;
  /** Runs the daily aggregate; returns the result rows (one per device and day) and their total count. */
  aggregate(rows: BenchRows, days: number): Promise<{ rows: number; counted: number }>;
  stop(): Promise<void>;
}

export async function startInfluxd(dir: string): Promise<InfluxdBaseline> {
  if (!existsSync(influxdPath)) {
    throw new Error(`${influxdPath} is not installed (apt-get install influxdb), or set INFLUXD_PATH`);
  }
  mkdirSync(dir, { recursive: true });
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '  max-body-size = 0',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(influxdPath, ['-config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const base = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${base}/ping`).then(
      (r) => r.status === 204,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`influxd did not answer /ping within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const query = async (q: string, extra = '') => {
    const response = await fetch(`${base}/query?db=bench${extra}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ q }).toString(),
    });
    const text = await response.text();
    if (!response.ok || text.includes('"error"'))
      throw new Error(`InfluxDB answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as {
      results: { series?: { tags?: Record<string, string>; values: unknown[][] }[] }[];
    };
  };
  return {
    async load(rows) {
      await query('CREATE DATABASE bench');
      const started = performance.now();
      const total = rows.devices * rows.perDevice;
      const batch = 10_000;
      const startNs = BigInt(rows.startMs) * 1_000_000n;
      const send = async (from: number) => {
        const lines: string[] = [];
        for (let r = from; r < Math.min(from + batch, total); r++) {
          const t = startNs + BigInt(r % rows.perDevice) * rows.stepNs;
          const co2 = 400 + ((r * 7919) % 800);
          const temperature = 20 + ((r * 31) % 100) / 10;
          const humidity = 30 + ((r * 17) % 400) / 10;
          lines.push(
            `readings,deviceId=device_${Math.floor(r / rows.perDevice)} co2=${co2}.0,temperature=${temperature},humidity=${humidity} ${t}`,
          );
        }
        const response = await fetch(`${base}/write?db=bench&precision=ns`, {
          method: 'POST',
          body: lines.join('\n'),
        });
        if (response.status !== 204)
          throw new Error(`InfluxDB write answered ${response.status}: ${await response.text()}`);
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: 2 }, async () => {
          for (let from = next; from < total; from = next) {
            next += batch;
            await send(from);
          }
        }),
      );
      return (performance.now() - started) / 1000;
    },
    async aggregate(rows, days) {
      const start = rows.startMs;
      const end = start + days * 86_400_000;
      const result = await query(
        `SELECT mean("co2"), min("co2"), max("co2"), count("co2") FROM "readings" WHERE time >= ${start}ms AND time < ${end}ms GROUP BY time(1d), "deviceId"`,
        '&epoch=ms',
      );
      let resultRows = 0;
      let counted = 0;
      for (const series of result.results[0]?.series ?? []) {
        for (const values of series.values) {
          const n = Number(values[4] ?? 0);
          if (n > 0) resultRows++;
          counted += n;
        }
      }
      return { rows: resultRows, counted };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
