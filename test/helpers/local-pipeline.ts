import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InfluxDbClient } from '#adapters/influxdb-client';
import {
  type LocalPipeline,
  type LocalPipelineOptions,
  startLocalPipeline,
} from '#local/runtime/local-pipeline';
import { stopLeftInfluxd } from './influxd';

/** Every port `npm start` listens on, picked free by the system (INFLUXDB_PORT counts with STORAGE=influxdb only). */
export const freePorts = {
  INGEST_PORT: '0',
  KINESIS_PORT: '0',
  TIMESTREAM_PORT: '0',
  DASHBOARD_PORT: '0',
  INFLUXDB_PORT: '0',
} as const;

const execFileAsync = promisify(execFile);

/** The variables that would point a command at another stream or store than the local pipeline's. */
const elsewhere = [
  'INFLUXDB_URL',
  'INFLUXDB_TOKEN',
  'INFLUXDB_TOKEN_SECRET_ARN',
  'KINESIS_ENDPOINT',
  'TARGET',
];

/** `npm start` in this process, on free ports and a temporary DATA_DIR. */
export interface TestPipeline extends LocalPipeline {
  /** The pipeline's DATA_DIR (dead letters, checkpoints, the stores' files), removed by `close`. */
  readonly dataDir: string;
  /**
   * The environment of a command run beside this `npm start` (`npm run simulate`, `replay`, `dlq`), as in
   * the same shell: this process's, with the settings the pipeline was started with, its DATA_DIR and the
   * ports it listens on, and none of the variables that would send the command elsewhere (INFLUXDB_URL,
   * KINESIS_ENDPOINT, TARGET...).
   */
  commandEnv(): NodeJS.ProcessEnv;
  /**
   * Runs `npm <args>` beside the pipeline, in `commandEnv()`: what it printed; fails with its output when it
   * exits non-zero or outlives `timeout` ms (none by default).
   */
  runNpm(
    args: readonly string[],
    options?: { readonly timeout?: number },
  ): Promise<{ stdout: string; stderr: string }>;
  /** Closes the pipeline, stops an influxd it left behind, and removes its data. */
  close(): Promise<void>;
}

/**
 * Starts the whole local pipeline as `npm start` does (`startLocalPipeline`, the real services, no mocks), with
 * `settings` over free ports and a fresh DATA_DIR, its handlers' logs silenced.
 *
 * @example
 * const pipeline = await startTestPipeline({ STORAGE: 'influxdb', WRITER_BATCHING_WINDOW_SECONDS: '0' });
 * await postJson(`${pipeline.endpoints.ingest}/`, pipeline.sampleToken, seedBody);
 */
export async function startTestPipeline(
  settings: Readonly<Record<string, string>> = {},
  options: Omit<LocalPipelineOptions, 'env'> = {},
): Promise<TestPipeline> {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-pipeline-'));
  const removeData = () => {
    stopLeftInfluxd(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let pipeline: LocalPipeline;
  try {
    pipeline = await startLocalPipeline({
      logLevel: 'SILENT',
      ...options,
      env: { ...freePorts, DATA_DIR: dataDir, ...settings },
    });
  } catch (error) {
    removeData();
    throw error;
  }
  const { endpoints } = pipeline;
  const started: TestPipeline = {
    ...pipeline,
    dataDir,
    async runNpm(args, runOptions = {}) {
      try {
        return await execFileAsync('npm', [...args], { env: started.commandEnv(), ...runOptions });
      } catch (error) {
        const { message, stdout, stderr } = error as { message: string; stdout?: string; stderr?: string };
        throw new Error(`npm ${args.join(' ')} failed: ${message}\n${stdout}\n${stderr}`);
      }
    },
    commandEnv() {
      const env: NodeJS.ProcessEnv = { ...process.env, ...settings, DATA_DIR: dataDir };
      const ports = {
        INGEST_PORT: endpoints.ingest,
        KINESIS_PORT: endpoints.kinesis,
        TIMESTREAM_PORT: endpoints.timestream,
        INFLUXDB_PORT: endpoints.influxdb,
      };
      for (const [name, url] of Object.entries(ports)) {
        if (url === undefined) delete env[name];
        else env[name] = new URL(url).port;
      }
      for (const name of elsewhere) delete env[name];
      return env;
    },
    async close() {
      try {
        await pipeline.close();
      } finally {
        removeData();
      }
    },
  };
  return started;
}

/** A client of the influxd a STORAGE=influxdb pipeline started. */
export function influxOf(pipeline: LocalPipeline): InfluxDbClient {
  const url = pipeline.endpoints.influxdb;
  if (url === undefined) {
    throw new Error('the pipeline runs no InfluxDB: start it with STORAGE=influxdb');
  }
  return new InfluxDbClient({ url });
}

/** A POST of a JSON body with a device's bearer token, as a device sends it: the status and the parsed answer. */
export async function postJson(
  url: string,
  token: string,
  body: string,
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
