import { type ChildProcess, spawn } from 'node:child_process';
import { spawnTimestreamProcess } from 'timestream-local';

export interface ChildService {
  readonly child: ChildProcess;
  /** Everything the child printed on stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry point in its own Node process (so that it gets its own core, as a separate
 * service would) and resolves once its stdout matches every pattern.
 */
export function startChild(
  entry: string,
  env: Record<string, string>,
  readyPatterns: readonly RegExp[],
  timeoutMs = 60_000,
  nodeArgs: readonly string[] = [],
): Promise<ChildService & { matches: RegExpExecArray[] }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} was not ready after ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    child.once('exit', (code) =>
      reject(new Error(`${entry} exited with ${code} before it was ready:\n${out}`)),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const matches = readyPatterns.map((p) => p.exec(out));
      if (matches.every((m) => m !== null)) {
        clearTimeout(timer);
        resolve({
          child,
          matches: matches as RegExpExecArray[],
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/**
 * The local Timestream as `npm run timestream:local` runs it, in a child process on a free port.
 * `profileDir`: the child writes a V8 CPU profile there when it exits.
 */
export async function startTimestreamChild(dataDir: string, profileDir?: string) {
  const service = spawnTimestreamProcess({
    dataRoot: dataDir,
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const endpoint = await service.endpoint;
  return { ...service, endpoint, stop: async () => void (await service.stop()) };
}

/** Formats a rate for the tables the benchmarks print. */
export const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
