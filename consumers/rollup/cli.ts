/**
 * `npm run rollup -- --from YYYY-MM-DD --to YYYY-MM-DD [--time-zone Asia/Tokyo] [--aws]`
 * Re-aggregates the given zone days of the raw table into the aggregate table, against the local stack by
 * default or AWS with --aws.
 */
import '#adapters/quiet-aws-sdk';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { cliServiceEndpoints } from '#adapters/cli-endpoints';
import { createTimestreamQueryClient, createTimestreamWriteClient } from '#adapters/service-clients';
import { readPipelineConfig } from '#core/config';
import { runDailyRollup } from './daily-rollup';
import { rollupDepsFromConfig } from './rollup-deps';
import { addDays, zoneDate, zoneDays } from './zone-days';

const program = new Command('rollup')
  .description('Aggregate raw readings into the daily aggregate table, per calendar day of a time zone')
  .option('--from <date>', 'first day, YYYY-MM-DD (default: yesterday in the zone)')
  .option('--to <date>', 'last day, YYYY-MM-DD (default: --from)')
  .option('--time-zone <zone>', 'IANA time zone of the days (default: ROLLUP_TIMEZONE or UTC)')
  .option('--aws', 'use AWS (standard credential chain, AWS_REGION) instead of the local stack')
  .showHelpAfterError();

program.action(async (opts: { from?: string; to?: string; timeZone?: string; aws?: boolean }) => {
  const config = readPipelineConfig({
    ...process.env,
    ...(opts.timeZone ? { ROLLUP_TIMEZONE: opts.timeZone } : {}),
  });
  const endpoints = cliServiceEndpoints(process.env, { aws: opts.aws });
  const tz = config.rollupTimezone;
  const from = opts.from ?? addDays(zoneDate(tz, Date.now()), -1);
  const days = zoneDays(tz, from, opts.to ?? from);
  console.log(
    `Rolling up ${days.length} day(s) ${days[0]?.date} .. ${days.at(-1)?.date} (${tz}) of ` +
      `"${config.database}"."${config.rawTable}" into "${config.aggregateTable}" on ${endpoints.target === 'aws' ? 'AWS' : endpoints.timestreamEndpoint}`,
  );
  const bar = new SingleBar({
    format: '{bar} {value}/{total} days | {date} | {groups} groups',
    hideCursor: true,
  });
  bar.start(days.length, 0, { date: '', groups: 0 });
  let groups = 0;
  try {
    await runDailyRollup(
      rollupDepsFromConfig(config, {
        query: createTimestreamQueryClient(endpoints),
        write: createTimestreamWriteClient(endpoints),
      }),
      days,
      {
        deadline: Number.POSITIVE_INFINITY,
        version: Date.now(),
        onDay: (report) => {
          groups += report.groups;
          bar.increment(1, { date: report.date, groups });
        },
      },
    );
  } finally {
    bar.stop();
  }
  console.log(`Done: ${groups} (device, measure, day) aggregates written.`);
});

program.parseAsync().catch((error: unknown) => {
  console.error(`rollup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
