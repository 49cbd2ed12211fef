/**
 * `npm run replay -- --from <ISO time> [--to <ISO time>] [--resume] [--aws]`
 * Re-reads the stream from a point in time through the writer, then re-runs the rollup for the days touched.
 */
import '#adapters/quiet-aws-sdk';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { cliPipelineEnv, cliServiceEndpoints } from '#adapters/cli-endpoints';
import { createKinesisServiceClient } from '#adapters/service-clients';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { readPipelineConfig } from '#core/config';
import { rollupFromConfig } from '../rollup/rollup-from-config';
import { batchWriterFromEnv } from '../writer/batch-writer-from-env';
import { replayAndRollUp } from './replay-backfill';
import { loadReplayState, type ReplayState } from './replay-state';

interface Options {
  from: string;
  to?: string;
  resume?: boolean;
  rollup: boolean;
  aws?: boolean;
}

const parseTime = (flag: string, value: string) => {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new Error(`${flag} "${value}" is not an ISO time such as 2026-11-20T00:00:00Z`);
  return new Date(ms).toISOString();
};

const program = new Command('replay')
  .description(
    'Replay the Kinesis stream from a point in time into the store (STORAGE: Timestream or InfluxDB), then re-run the rollup',
  )
  .requiredOption('--from <time>', 'ISO time to replay from (AT_TIMESTAMP)')
  .option('--to <time>', 'ISO time to stop at (default: the tip of the stream)')
  .option('--resume', 'continue an interrupted replay with the same --from/--to')
  .option('--no-rollup', 'do not re-run the rollup for the days touched')
  .option('--aws', 'use AWS (standard credential chain, AWS_REGION) instead of the local stack')
  .showHelpAfterError();

program.action(async (opts: Options) => {
  const pipelineEnv = cliPipelineEnv(process.env, { aws: opts.aws });
  const config = readPipelineConfig(pipelineEnv);
  const endpoints = cliServiceEndpoints(process.env, { aws: opts.aws });
  const dataDir = process.env.DATA_DIR || './.data';
  const env = { DATA_DIR: dataDir, ...pipelineEnv };
  const from = parseTime('--from', opts.from);
  const to = opts.to ? parseTime('--to', opts.to) : undefined;
  if (to && to < from) throw new Error(`--to ${to} is before --from ${from}`);
  const stateFile = join(dataDir, 'replay', `${config.streamName}.json`);

  const fresh: ReplayState = {
    streamName: config.streamName,
    from,
    to,
    shards: {},
    records: 0,
    readings: 0,
    finished: false,
  };
  let state = fresh;
  if (opts.resume) {
    const saved = await loadReplayState(stateFile);
    if (!saved) throw new Error(`nothing to resume: ${stateFile} does not exist; run without --resume`);
    if (saved.from !== from || saved.to !== to) {
      throw new Error(
        `the saved replay is --from ${saved.from}${saved.to ? ` --to ${saved.to}` : ''}: resume it with those`,
      );
    }
    if (saved.finished) console.log('That replay had finished; its rollup runs again.');
    state = saved;
  }

  const startMs = Date.parse(from);
  const endMs = to ? Date.parse(to) : Date.now();
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {records} records | {rate} readings/s | at {position}',
    hideCursor: true,
  });
  const began = Date.now();
  const startReadings = state.readings;
  bar.start(Math.max(1, endMs - startMs), 0, { records: state.records, rate: 0, position: from });
  console.log(
    `Replaying stream "${config.streamName}" from ${from} to ${to ?? 'the tip'} (${endpoints.target})`,
  );
  try {
    const result = await replayAndRollUp(
      {
        kinesis: createKinesisServiceClient(endpoints),
        streamName: config.streamName,
        writer: batchWriterFromEnv(env, config, endpoints),
        stateFile,
        onProgress: (p) => {
          const seconds = (Date.now() - began) / 1000;
          bar.update(Math.min(endMs, p.positionMs) - startMs, {
            records: p.records,
            rate: Math.round((p.readings - startReadings) / Math.max(seconds, 0.001)),
            position: new Date(p.positionMs).toISOString(),
          });
        },
      },
      state,
      opts.rollup
        ? {
            timeZone: config.rollupTimezone,
            rollup: rollupFromConfig(config, endpoints, { units: unitRegistryFromEnv(env) }),
          }
        : undefined,
    );
    state = result.state;
    bar.update(Math.max(1, endMs - startMs));
    bar.stop();
    console.log(`Replayed ${state.records} records, ${state.readings} readings.`);
    if (result.rollup.length > 0) {
      console.log(
        `Rolled up ${result.rollup.length} day(s) ${result.rollup[0]?.date} .. ${result.rollup.at(-1)?.date} (${config.rollupTimezone}).`,
      );
    }
  } finally {
    bar.stop();
  }
  console.log('Done.');
});

program.parseAsync().catch((error: unknown) => {
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
