/**
 * `npm run simulate -- --devices 1000 --rate 5000 --duration 60s [--batch 50] [--duplicates 0.01] [--late 0.01]
 *   [--fahrenheit 0.3] [--endpoint URL] [--seed N] [--concurrency N] [--aws]`
 * Sends a simulated fleet's readings through the ingest endpoint, with a progress bar and a summary.
 *
 * `npm run simulate -- --history 30d [--interval 5m] [--devices N] [--no-rollup] [--wait 2m] ...`
 * Sends the fleet's past readings at full speed, waits until they are stored, then rolls those days up.
 */
import '#adapters/quiet-aws-sdk';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { cliPipelineEnv, cliServiceEndpoints, localPorts } from '#adapters/cli-endpoints';
import { InfluxDbClient } from '#adapters/influxdb-client';
import { secretsManagerInfluxToken } from '#adapters/influxdb-token';
import { createSecretsManagerClient, createTimestreamQueryClient } from '#adapters/service-clients';
import { readPipelineConfig, Storage } from '#core/config';
import { resolveTokenSecret } from '../auth/token-secret';
import { HistoryCommandError, runHistoryCommand } from './history-command';
import { HistoryNotStoredError } from './history-stored';
import { runSimulation, type SimulationSummary } from './run-simulation';
import {
  parseDuration,
  parseEndpoint,
  parseFraction,
  parseHistorySpan,
  parsePositiveNumber,
  parseReadingInterval,
  parseWholeNumber,
} from './simulation-flags';

interface Flags {
  devices: number;
  rate: number;
  duration: number;
  batch: number;
  duplicates: number;
  late: number;
  fahrenheit: number;
  endpoint?: string;
  seed?: number;
  concurrency: number;
  aws?: boolean;
  history?: number;
  interval: number;
  rollup: boolean;
  wait: number;
}

/** Flags of a live run that a history has no use for, and the other way round. */
const liveOnly = ['rate', 'duration', 'duplicates', 'late'] as const;
const historyOnly = ['interval', 'rollup', 'wait'] as const;
/** Requests in flight for a history unless --concurrency says otherwise: each carries up to 500 readings. */
const historyConcurrency = 8;

const program = new Command('simulate')
  .description('Simulate a fleet of room sensors posting readings to the ingest endpoint')
  .option('--devices <n>', 'number of devices', parseWholeNumber(1, 1_000_000), 100)
  .option('--rate <n>', 'readings per second of the whole fleet', parsePositiveNumber(1_000_000), 1000)
  .option('--duration <time>', 'how long to send, e.g. 60s, 5m', parseDuration, 10_000)
  .option('--batch <n>', 'readings per request (one device per request)', parseWholeNumber(1, 10_000), 50)
  .option('--duplicates <fraction>', 'fraction of readings resent with the same messageId', parseFraction, 0)
  .option('--late <fraction>', 'fraction of readings timed minutes to hours in the past', parseFraction, 0)
  .option('--fahrenheit <fraction>', 'fraction of devices sending temperature in degF', parseFraction, 0)
  .option(
    '--endpoint <url>',
    `ingest base URL (default http://127.0.0.1:$INGEST_PORT, port ${localPorts.INGEST_PORT} if unset)`,
    parseEndpoint,
  )
  .option(
    '--seed <n>',
    'PRNG seed: the same seed sends the same readings (default: random)',
    parseWholeNumber(0, 2 ** 32 - 1),
  )
  .option('--concurrency <n>', 'requests in flight at most', parseWholeNumber(1, 1024), 32)
  .option('--aws', 'sign tokens with the Secrets Manager secret TOKEN_SECRET_ARN')
  .option(
    '--history <span>',
    'send this much past instead (e.g. 30d, 12h, 2w) at full speed, wait until it is stored, then roll those days up',
    parseHistorySpan,
  )
  .option(
    '--interval <time>',
    'with --history: time between two readings of a device',
    parseReadingInterval,
    600_000,
  )
  .option('--no-rollup', 'with --history: do not run npm run rollup over the days afterwards')
  .option(
    '--wait <time>',
    'with --history: give up when the writer has stored no more of it for this long',
    parseDuration,
    120_000,
  )
  .showHelpAfterError();

program.action(async (flags: Flags) => {
  const config = readPipelineConfig(cliPipelineEnv(process.env, { aws: flags.aws }));
  if (flags.batch > config.ingestMaxReadings) {
    program.error(
      `--batch ${flags.batch} is over INGEST_MAX_READINGS (${config.ingestMaxReadings}): lower it`,
    );
  }
  const given = (name: string) => program.getOptionValueSource(name) === 'cli';
  const misplaced = flags.history === undefined ? historyOnly.filter(given) : liveOnly.filter(given);
  if (misplaced.length > 0) {
    const flag = (name: string) => (name === 'rollup' ? '--no-rollup' : `--${name}`);
    program.error(
      flags.history === undefined
        ? `${misplaced.map(flag).join(', ')} only apply to --history: add --history <span> or leave them out`
        : `${misplaced.map(flag).join(', ')} do not apply to --history (a history is sent at full speed, ` +
            'each reading once): leave them out',
    );
  }
  const aws = flags.aws === true || process.env.TARGET === 'aws';
  if (aws && flags.endpoint === undefined) {
    program.error('--aws needs --endpoint: give the ingest API URL (the stack output IngestUrl or similar)');
  }
  const endpoint = flags.endpoint ?? `http://127.0.0.1:${process.env.INGEST_PORT || localPorts.INGEST_PORT}`;
  const endpoints = cliServiceEndpoints(process.env, { aws });
  const secret = await resolveTokenSecret({
    env: process.env,
    aws,
    secretsManager: () => createSecretsManagerClient(endpoints),
  });
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 32);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  if (flags.history !== undefined) {
    // the history's readings are counted where the writer stores them (STORAGE)
    if (config.storage === Storage.influxdb && config.influxdbUrl === '') {
      program.error(
        'STORAGE=influxdb with --aws: set INFLUXDB_URL (and the token) so that the stored history can be counted',
      );
    }
    const arn = config.influxdbTokenSecretArn;
    const influx =
      config.storage === Storage.influxdb
        ? new InfluxDbClient({
            url: config.influxdbUrl,
            ...(arn !== ''
              ? { token: secretsManagerInfluxToken(createSecretsManagerClient(endpoints), arn) }
              : config.influxdbToken !== ''
                ? { token: config.influxdbToken }
                : {}),
          })
        : undefined;
    const query = influx ? undefined : createTimestreamQueryClient(endpoints);
    try {
      await runHistoryCommand({
        spanMs: flags.history,
        intervalMs: flags.interval,
        devices: flags.devices,
        batch: given('batch') ? flags.batch : config.ingestMaxReadings,
        concurrency: given('concurrency') ? flags.concurrency : historyConcurrency,
        fahrenheit: flags.fahrenheit,
        seed,
        endpoint,
        secret,
        aws,
        rollup: flags.rollup,
        stallTimeoutMs: flags.wait,
        config,
        ...(influx ? { influx } : {}),
        ...(query ? { query } : {}),
        signal: stop.signal,
      });
    } catch (error) {
      if (stop.signal.aborted) {
        console.error('simulate --history: stopped (SIGINT); what was sent stays, nothing was rolled up');
        process.exitCode = 130;
      } else if (error instanceof HistoryCommandError || error instanceof HistoryNotStoredError) {
        console.error(`simulate --history: ${error.message}`);
        process.exitCode = 1;
      } else throw error;
    } finally {
      query?.destroy();
    }
    return;
  }
  console.log(
    `Simulating ${flags.devices} devices at ${flags.rate} readings/s for ${flags.duration / 1000} s, ` +
      `${flags.batch} per request, seed ${seed}, to ${endpoint}`,
  );
  const bar = new SingleBar({
    format: '{bar} {value}/{total} requests | accepted {accepted} | rejected {rejected} | {rate}/s',
    hideCursor: true,
  });
  let started = false;
  const began = Date.now();
  const summary = await runSimulation({
    ...flags,
    durationMs: flags.duration,
    seed,
    endpoint,
    secret,
    maxReadings: config.ingestMaxReadings,
    signal: stop.signal,
    onRequest: (_, p) => {
      if (!started) {
        bar.start(p.requestsTotal, 0, { accepted: 0, rejected: 0, rate: 0 });
        started = true;
      }
      const seconds = Math.max(0.001, (Date.now() - began) / 1000);
      bar.update(p.requestsDone, {
        accepted: p.acceptedReadings,
        rejected: p.rejectedReadings,
        rate: Math.round((p.acceptedReadings + p.rejectedReadings) / seconds),
      });
    },
  });
  if (started) bar.stop();
  console.log(formatSummary(summary));
  if (summary.requests > 0 && summary.acceptedReadings === 0) process.exitCode = 1;
});

/** The summary as printed at the end of a run. */
function formatSummary(s: SimulationSummary): string {
  const lines = [
    `Requests: ${s.requests} of ${s.plannedRequests} in ${(s.elapsedMs / 1000).toFixed(1)} s`,
    `Sent:     ${s.sentReadings} readings (${s.duplicatesSent} duplicates, ${s.lateSent} late), ${Math.round(s.sentPerSecond)}/s`,
    `Accepted: ${s.acceptedReadings} readings`,
  ];
  const statuses = Object.entries(s.rejected);
  if (statuses.length === 0) lines.push('Rejected: none');
  for (const [status, r] of statuses) {
    lines.push(
      `Rejected: ${status === '0' ? 'no answer' : `HTTP ${status}`}: ${r.requests} requests, ${r.readings} readings (e.g. ${r.example.slice(0, 160)})`,
    );
  }
  lines.push(
    `Latency:  p50 ${s.latencyMs.p50.toFixed(1)} ms, p99 ${s.latencyMs.p99.toFixed(1)} ms, max ${s.latencyMs.max.toFixed(1)} ms`,
  );
  return lines.join('\n');
}

program.parseAsync().catch((error: unknown) => {
  console.error(`simulate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
