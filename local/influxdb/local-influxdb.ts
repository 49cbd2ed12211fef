import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, isAbsolute, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InfluxdNotInstalledError, InfluxdStartError } from './errors';

/** What {@link startLocalInfluxdb} starts. */
export interface LocalInfluxdbOptions {
  /** Where influxd keeps meta, data and WAL (e.g. `DATA_DIR/influxdb`); created when missing. */
  readonly dataDir: string;
  /** HTTP port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** The influxd binary, a path or a name looked up on PATH. @default INFLUXD_PATH or 'influxd' */
  readonly binary?: string;
  /** Longest wait for `/ping` to answer. @default 60000 */
  readonly readyTimeoutMs?: number;
  /** Called once if influxd exits without {@link LocalInfluxdb.close}, with the reason (exit code, last log lines). */
  readonly onExit?: (reason: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A running influxd, started by {@link startLocalInfluxdb}. */
export interface LocalInfluxdb {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** influxd's version, from `/ping`. */
  readonly version: string;
  /** Stops influxd (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  close(): Promise<void>;
  /** Kills influxd abruptly (SIGKILL), as a crash would: `onExit` is told. For tests and drills. */
  kill(): void;
}

const pidFileName = 'influxd.pid';
const configFileName = 'influxd.conf';

/**
 * Starts Debian's InfluxDB 1.x (`influxd`) for the local stack: a generated configuration under `dataDir`
 * (meta, data and WAL directories there, usage reporting and the `_internal` monitor store off, the HTTP API
 * on 127.0.0.1 only, the backup RPC service on another free loopback port), then waits for `/ping` with a
 * deadline. An influxd left running by a previous process that was killed (its pid file under `dataDir`) is
 * stopped first, as it holds the data directory. Fails with {@link InfluxdNotInstalledError} when there is
 * no influxd, and {@link InfluxdStartError} when it exits or does not answer in time (with its last log lines).
 *
 * @example
 * const influx = await startLocalInfluxdb({ dataDir: join(dataDir, 'influxdb'), onExit: (r) => console.error(r) });
 * // ... INFLUXDB_URL = influx.endpoint
 * await influx.close();
 */
export async function startLocalInfluxdb(options: LocalInfluxdbOptions): Promise<LocalInfluxdb> {
  const env = options.env ?? process.env;
  const binary = await findBinary(options.binary ?? (env.INFLUXD_PATH || 'influxd'), env);
  const { dataDir } = options;
  await mkdir(dataDir, { recursive: true });
  await stopLeftover(dataDir);
  // a port held by another server (Debian's own influxd on 8086?) would answer the /ping meant for ours
  if (options.port) await ensurePortFree(options.port, dataDir);
  const port = options.port || (await freePort());
  const rpcPort = await freePort();
  const configPath = join(dataDir, configFileName);
  await writeFile(configPath, influxdConfig(dataDir, port, rpcPort));

  // its own process group: a Ctrl-C at the terminal reaches `npm start`, which stops influxd after the writer
  // has drained, instead of influxd dying first (a pid file lets the next start stop one left by a SIGKILL)
  const child = spawn(binary, ['-config', configPath], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INFLUXDB_REPORTING_DISABLED: 'true' },
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      log.push(line);
      if (log.length > 20) log.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const lastLines = () => (log.length > 0 ? `; its last lines:\n  ${log.slice(-5).join('\n  ')}` : '');
  let closing = false;
  let exitReason: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`influxd could not run: ${error.message}`));
    child.once('exit', (code, signal) =>
      resolve(`influxd exited (${signal ? `signal ${signal}` : `code ${code}`})${lastLines()}`),
    );
  }).then((reason) => {
    exitReason = reason;
    if (!closing) options.onExit?.(reason);
    return reason;
  });
  if (child.pid !== undefined) await writeFile(join(dataDir, pidFileName), `${child.pid}\n`);

  const endpoint = `http://127.0.0.1:${port}`;
  let version: string;
  try {
    version = await waitForPing(endpoint, options.readyTimeoutMs ?? 60_000, () => exitReason);
  } catch (error) {
    closing = true;
    await stop(child, exited);
    throw new InfluxdStartError(
      `influxd (${binary}, data in ${dataDir}) did not start: ${(error as Error).message}${lastLines()}`,
      dataDir,
      { cause: error },
    );
  }
  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    version,
    async close() {
      closing = true;
      await stop(child, exited);
      await rm(join(dataDir, pidFileName), { force: true });
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

/** The influxd configuration: everything under `dataDir`, loopback only, nothing sent anywhere. */
function influxdConfig(dataDir: string, port: number, rpcPort: number): string {
  const path = (p: string) => JSON.stringify(join(dataDir, p));
  return [
    'reporting-enabled = false',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = ${path('meta')}`,
    '[data]',
    `  dir = ${path('data')}`,
    `  wal-dir = ${path('wal')}`,
    '  query-log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[http]',
    '  enabled = true',
    `  bind-address = "127.0.0.1:${port}"`,
    '  auth-enabled = false',
    '  log-enabled = false',
    '  unix-socket-enabled = false',
    '[logging]',
    '  level = "warn"',
    '',
  ].join('\n');
}

async function findBinary(binary: string, env: Readonly<Record<string, string | undefined>>) {
  const candidates =
    isAbsolute(binary) || binary.includes('/')
      ? [binary]
      : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
          .split(delimiter)
          .filter((dir) => dir !== '')
          .map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there: the next one
    }
  }
  throw new InfluxdNotInstalledError(binary);
}

/** Stops an influxd that a killed process left running on this data directory (found by its pid file). */
async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, pidFileName);
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  // only the influxd that was started on this data directory's configuration, never another process
  if (command.includes('influxd') && command.includes(join(dataDir, configFileName))) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')) !== '') {
      await delay(50);
    }
    if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')) !== '') process.kill(pid, 'SIGKILL');
  }
  await rm(pidFile, { force: true });
}

async function waitForPing(endpoint: string, timeoutMs: number, exited: () => string | undefined) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reason = exited();
    if (reason !== undefined) throw new Error(reason);
    try {
      const response = await fetch(`${endpoint}/ping`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 204) return response.headers.get('x-influxdb-version') ?? '';
      last = `/ping answered ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await delay(100);
  }
  throw new Error(`/ping at ${endpoint} did not answer 204 within ${timeoutMs} ms (${last})`);
}

async function stop(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with {@link InfluxdStartError} when something already listens on 127.0.0.1:`port`. */
async function ensurePortFree(port: number, dataDir: string): Promise<void> {
  const server = createServer();
  const outcome = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  if (outcome === undefined) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return;
  }
  throw new InfluxdStartError(
    `influxd cannot listen on 127.0.0.1:${port}: ${outcome.code === 'EADDRINUSE' ? 'the port is taken' : outcome.message}` +
      " (Debian's own influxdb service? `sudo systemctl disable --now influxdb`). Stop what holds it, or set " +
      'INFLUXDB_PORT to another port (0 picks a free one)',
    dataDir,
    { cause: outcome },
  );
}

/** A port free on 127.0.0.1 now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
