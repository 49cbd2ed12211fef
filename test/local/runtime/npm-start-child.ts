import { type ChildProcess, spawn } from 'node:child_process';

/** `npm start` (local/runtime/main.ts) as a child process with an IPC channel, and what it printed. */
export interface NpmStartChild {
  readonly child: ChildProcess;
  readonly endpoints: { readonly ingest: string; readonly timestream: string; readonly kinesis: string };
  readonly dashboard: string;
  readonly token: string;
  /** Everything printed so far on stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited, also when it already had. */
  exited(): Promise<number | string>;
  stop(): Promise<void>;
}

/** Starts `npm start` with the given environment; resolves once it printed its ready lines. */
export function startNpmStart(env: Record<string, string>, timeoutMs = 90_000): Promise<NpmStartChild> {
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
      const [ingest, timestream, kinesis, dashboard] = ['ingest', 'timestream', 'kinesis', 'dashboard'].map(
        find,
      );
      if (!(ingest && timestream && kinesis && dashboard && token && out.includes('Press Ctrl-C'))) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({
        child,
        endpoints: { ingest, timestream, kinesis },
        dashboard,
        token,
        output: () => out,
        exited: () => exit,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exit;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before it was ready:\n${out}`));
    });
  });
}
