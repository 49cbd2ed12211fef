import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { SingleBar } from 'cli-progress';
import type { InfluxDbClient } from '#adapters/influxdb-client';
import { type PipelineConfig, Storage } from '#core/config';
import type { TokenKeys } from '../auth/device-token';
import { createHistory, type History, historyZoneDays } from './history';
import { waitForStoredHistory } from './history-stored';
import { sendHistory } from './send-history';

/** What `npm run simulate -- --history <span>` was asked for. */
export interface HistoryCommand {
  readonly spanMs: number;
  readonly intervalMs: number;
  readonly devices: number;
  readonly batch: number;
  readonly concurrency: number;
  readonly fahrenheit: number;
  readonly seed: number;
  readonly endpoint: string;
  readonly secret: TokenKeys;
  readonly aws: boolean;
  /** Run `npm run rollup` over the history's days once it is stored. */
  readonly rollup: boolean;
  /** Give up waiting for the writer when the stored count has not grown for this long. */
  readonly stallTimeoutMs: number;
  readonly config: PipelineConfig;
  /** Counts the stored history with the Query API (STORAGE=timestream) ... */
  readonly query?: TimestreamQueryClient;
  /** ... or with InfluxQL (STORAGE=influxdb). */
  readonly influx?: InfluxDbClient;
  readonly signal: AbortSignal;
  readonly now?: number;
}

/** Why a history command stopped short; the CLI prints the message and exits 1. */
export class HistoryCommandError extends Error {
  override readonly name = 'HistoryCommandError';
}

const dayMs = 86_400_000;

/**
 * `npm run simulate -- --history 30d`: sends the fleet's past readings through the ingest at full speed (with a
 * progress bar), waits until the writer has stored every one of them (counting them with the Query API, or
 * InfluxQL with STORAGE=influxdb), then
 * runs `npm run rollup` over the history's calendar days of ROLLUP_TIMEZONE. The rollup is the consumers'
 * command, run as a child process with this process's environment (and `--aws` when this run has it): the
 * simulator is a producer and imports nothing of the consumers, and the command is the rollup's public interface.
 */
export async function runHistoryCommand(c: HistoryCommand): Promise<void> {
  const retention = Math.min(c.config.rawMagneticRetentionDays, c.config.aggregateMagneticRetentionDays);
  if (c.spanMs >= retention * dayMs) {
    throw new HistoryCommandError(
      `--history of ${c.spanMs / dayMs} days reaches past the magnetic store's retention of ${retention} days ` +
        '(RAW_MAGNETIC_RETENTION_DAYS, AGGREGATE_MAGNETIC_RETENTION_DAYS): Timestream would refuse the older ' +
        'readings. Ask for a shorter history',
    );
  }
  const toMs = c.now ?? Date.now();
  const history = createHistory({
    devices: c.devices,
    seed: c.seed,
    fahrenheit: c.fahrenheit,
    fromMs: toMs - c.spanMs,
    toMs,
    intervalMs: c.intervalMs,
    batch: c.batch,
  });
  const days = historyZoneDays(history, c.config.rollupTimezone);
  console.log(
    `History: ${history.readingCount} readings of ${c.devices} devices, one every ${c.intervalMs / 1000} s ` +
      `from ${new Date(history.firstMs).toISOString()} to ${new Date(history.lastMs).toISOString()}, ` +
      `${c.batch} per request, ${c.concurrency} in flight, seed ${c.seed}, to ${c.endpoint}`,
  );
  await send(history, c);
  if (c.signal.aborted)
    throw new HistoryCommandError('stopped before the whole history was sent; nothing rolled up');
  await waitUntilStored(history, c);
  if (!c.rollup) {
    console.log(`Not rolled up (--no-rollup): npm run rollup -- --from ${days.from} --to ${days.to}`);
    return;
  }
  await runRollup(days, c);
}

async function send(history: History, c: HistoryCommand): Promise<void> {
  const bar = new SingleBar({
    format: 'Sending {bar} {value}/{total} readings | {rate}/s | retries {retries} | rejected {rejected}',
    hideCursor: true,
  });
  bar.start(history.readingCount, 0, { rate: 0, retries: 0, rejected: 0 });
  const began = Date.now();
  const summary = await sendHistory(history, {
    endpoint: c.endpoint,
    secret: c.secret,
    concurrency: c.concurrency,
    signal: c.signal,
    onRequest: (p) => {
      const done = p.acceptedReadings + p.rejectedReadings;
      bar.update(done, {
        rate: Math.round(done / Math.max(0.001, (Date.now() - began) / 1000)),
        retries: p.retries,
        rejected: p.rejectedReadings,
      });
    },
  });
  bar.stop();
  const seconds = summary.elapsedMs / 1000;
  console.log(
    `Sent ${summary.acceptedReadings} readings in ${seconds.toFixed(1)} s ` +
      `(${Math.round(summary.acceptedReadings / Math.max(0.001, seconds))}/s, ${summary.retries} requests resent)`,
  );
  const refusals = Object.entries(summary.rejected);
  if (refusals.length > 0) {
    const lines = refusals.map(
      ([status, r]) =>
        `  ${status === '0' ? 'no answer' : `HTTP ${status}`}: ${r.requests} requests, ${r.readings} readings (e.g. ${r.example.slice(0, 200)})`,
    );
    throw new HistoryCommandError(
      `the ingest did not take ${summary.rejectedReadings} of the history's readings; nothing rolled up:\n${lines.join('\n')}`,
    );
  }
}

async function waitUntilStored(history: History, c: HistoryCommand): Promise<void> {
  const bar = new SingleBar({
    format: 'Stored  {bar} {value}/{total} readings in the raw table',
    hideCursor: true,
  });
  bar.start(history.readingCount, 0);
  try {
    const influx = c.config.storage === Storage.influxdb;
    await waitForStoredHistory(history, {
      ...(c.query ? { query: c.query } : {}),
      ...(c.influx ? { influx: c.influx } : {}),
      database: influx ? c.config.influxdbDatabase || c.config.database : c.config.database,
      table: c.config.rawTable,
      stallTimeoutMs: c.stallTimeoutMs,
      signal: c.signal,
      onCount: (stored) => bar.update(Math.min(stored, history.readingCount)),
    });
  } finally {
    bar.stop();
  }
}

/** `npm run rollup -- --from --to --time-zone [--aws]` in the project's folder, with this process's environment. */
async function runRollup(days: { from: string; to: string }, c: HistoryCommand): Promise<void> {
  const args = ['run', '--silent', 'rollup', '--', '--from', days.from, '--to', days.to];
  args.push('--time-zone', c.config.rollupTimezone, ...(c.aws ? ['--aws'] : []));
  // The npm that runs this command (npm run simulate), else the one on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, commandArgs] =
    npmCli && basename(npmCli).startsWith('npm-cli') ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  const code = await new Promise<number | string>((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  if (code !== 0) {
    throw new HistoryCommandError(
      `the history is stored, but npm run rollup -- --from ${days.from} --to ${days.to} failed (${code}): run it again`,
    );
  }
}
