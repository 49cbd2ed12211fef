/**
 * `npm run simulate -- --devices 1000 --rate 5000 --duration 60s [--batch 50] [--duplicates 0.01] [--late 0.01]
 *   [--fahrenheit 0.3] [--endpoint URL] [--seed N] [--concurrency N] [--aws]`
 * Sends a simulated fleet's readings through the ingest endpoint, with a progress bar and a summary.
 */
import '#adapters/quiet-aws-sdk';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { cliServiceEndpoints, localPorts } from '#adapters/cli-endpoints';
import { createSecretsManagerClient } from '#adapters/service-clients';
import { readPipelineConfig } from '#core/config';
import { resolveTokenSecret } from '../auth/token-secret';
import { runSimulation, type SimulationSummary } from './run-simulation';
import {
  parseDuration,
  parseEndpoint,
  parseFraction,
  parsePositiveNumber,
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
}

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
  .showHelpAfterError();

program.action(async (flags: Flags) => {
  const config = readPipelineConfig(process.env);
  if (flags.batch > config.ingestMaxReadings) {
    program.error(
      `--batch ${flags.batch} is over INGEST_MAX_READINGS (${config.ingestMaxReadings}): lower it`,
    );
  }
  const aws = flags.aws === true || process.env.TARGET === 'aws';
  if (aws && flags.endpoint === undefined) {
    program.error('--aws needs --endpoint: give the ingest API URL (the stack output IngestUrl or similar)');
  }
  const endpoint = flags.endpoint ?? `http://127.0.0.1:${process.env.INGEST_PORT || localPorts.INGEST_PORT}`;
  const secret = await resolveTokenSecret({
    env: process.env,
    aws,
    secretsManager: () => createSecretsManagerClient(cliServiceEndpoints(process.env, { aws })),
  });
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 32);
  console.log(
    `Simulating ${flags.devices} devices at ${flags.rate} readings/s for ${flags.duration / 1000} s, ` +
      `${flags.batch} per request, seed ${seed}, to ${endpoint}`,
  );
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
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
