import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package's `bin` (what `timestream-local` and `npm run timestream:local` run). */
export const binPath = fileURLToPath(new URL('../bin/timestream-local.js', import.meta.url));

/** Node flags the `bin` runs with: a larger young generation, fewer scavenges of requests' objects. */
export const serviceNodeFlags = ['--max-semi-space-size=32'] as const;

/** A local Timestream running in a process of its own. */
export interface TimestreamProcess {
  readonly child: ChildProcess;
  /** Resolves with the endpoint once the service prints it; rejects if it exits first or takes too long. */
  readonly endpoint: Promise<string>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (a clean close: the journal is applied), then waits for the exit. */
  stop(): Promise<number | null>;
}

/** Options for {@link spawnTimestreamProcess}. */
export interface TimestreamProcessOptions {
  /** `DATA_DIR`: the service keeps its files in `<dataRoot>/timestream`. */
  readonly dataRoot: string;
  /** Extra environment on top of this process's (TIMESTREAM_PORT defaults to 0: a free port). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** @default 60_000 */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts the service as its `bin` does, in a child process (a core of its own, as a separate service
 * would have), on a free port unless `TIMESTREAM_PORT` is given.
 *
 * @example
 * const ts = spawnTimestreamProcess({ dataRoot: '/tmp/x' });
 * const client = new TimestreamWriteClient({ endpoint: await ts.endpoint, region: 'us-east-1' });
 * await ts.stop();
 */
export function spawnTimestreamProcess(options: TimestreamProcessOptions): TimestreamProcess {
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const child = spawn(process.execPath, [...serviceNodeFlags, ...(options.nodeArgs ?? []), binPath], {
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TIMESTREAM_PORT: '0',
      TIMESTREAM_FAULTS: '',
      ...options.env,
      DATA_DIR: options.dataRoot,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => {
      reject(new Error(`the local Timestream printed no endpoint within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(deadline);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`the local Timestream exited with ${code} before it was ready:\n${output}`));
    });
  });
  endpoint.catch(() => undefined);
  return {
    child,
    endpoint,
    exited,
    output: () => output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
