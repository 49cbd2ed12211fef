import { type ChildProcess, spawn } from 'node:child_process';
import { expect } from 'vitest';
import { postJson } from '../../helpers/local-pipeline';

/** The store `npm start` runs (STORAGE), whose endpoint it prints. */
type Store = 'timestream' | 'influxdb';

/** `npm start` (local/runtime/main.ts) as a child process with an IPC channel, and what it printed. */
export interface NpmStartChild<S extends Store = 'timestream'> {
  readonly child: ChildProcess;
  readonly endpoints: { readonly ingest: string; readonly kinesis: string } & { readonly [K in S]: string };
  readonly dashboard: string;
  readonly token: string;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited, also when it already had. */
  exited(): Promise<number | string>;
  stop(): Promise<void>;
}

/**
 * Starts `npm start` with the given environment; resolves once it printed its ready lines (the endpoint of the
 * store STORAGE names among them).
 */
export function startNpmStart(
  env: Record<string, string> & { STORAGE: 'influxdb' },
  timeoutMs?: number,
): Promise<NpmStartChild<'influxdb'>>;
export function startNpmStart(env: Record<string, string>, timeoutMs?: number): Promise<NpmStartChild>;
export function startNpmStart(
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<NpmStartChild<'timestream'> | NpmStartChild<'influxdb'>> {
  const store: Store = env.STORAGE === 'influxdb' ? 'influxdb' : 'timestream';
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/runtime/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not print its ready lines within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = () => {
      const find = (name: string) => new RegExp(`${name}\\s+(http://\\S+)`).exec(out)?.[1];
      const token = /token for device_1:\s+(\S+)/.exec(out)?.[1];
      const [ingest, stored, kinesis, dashboard] = ['ingest', store, 'kinesis', 'dashboard'].map(find);
      if (!(ingest && stored && kinesis && dashboard && token && out.includes('Press Ctrl-C'))) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      const started = {
        child,
        dashboard,
        token,
        output: () => out,
        exited: () => exit,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exit;
        },
      };
      resolve(
        store === 'influxdb'
          ? { ...started, endpoints: { ingest, kinesis, influxdb: stored } }
          : { ...started, endpoints: { ingest, kinesis, timestream: stored } },
      );
    };
    child.stdout?.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before it was ready:\n${out}`));
    });
  });
}

/**
 * A crash under load: posts batches of 20 readings of device_1 (co2 500, 5 ms apart, from two minutes ago) one
 * after another until at least 1,000 were acknowledged, then SIGKILLs the process in the middle of the next
 * ones. Resolves, once it has exited, with the times of every reading it acknowledged (202).
 */
export async function killWhileSending<S extends Store>(started: NpmStartChild<S>): Promise<number[]> {
  const accepted: number[] = [];
  const base = Date.now() - 120_000;
  let i = 0;
  let killed = false;
  const producer = (async () => {
    while (!killed) {
      const batch = Array.from({ length: 20 }, (_, j) => base + (i * 20 + j) * 5);
      i++;
      try {
        const response = await postJson(
          `${started.endpoints.ingest}/readings`,
          started.token,
          JSON.stringify(batch.map((time) => ({ deviceId: 'device_1', time, measures: { co2: 500 } }))),
        );
        if (response.status === 202) accepted.push(...batch);
      } catch {
        // the process is gone: this request was never acknowledged
      }
    }
  })();
  await expect
    .poll(() => accepted.length, {
      timeout: 60_000,
      interval: 20,
      message: 'readings accepted before the kill',
    })
    .toBeGreaterThanOrEqual(1000);
  started.child.kill('SIGKILL');
  killed = true;
  await producer;
  await started.exited();
  return accepted;
}
