/**
 * `npm run rollup -- --from YYYY-MM-DD --to YYYY-MM-DD [--time-zone Asia/Tokyo] [--aws]`
 * Re-aggregates the given zone days of the raw table into the aggregate table, against the local stack by
 * default or AWS with --aws, on the store STORAGE names (Timestream, or InfluxDB at INFLUXDB_URL, by default
 * the influxd of `npm start` on INFLUXDB_PORT).
 */
import '#adapters/quiet-aws-sdk';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { cliPipelineEnv, cliServiceEndpoints } from '#adapters/cli-endpoints';
import { readPipelineConfig } from '#core/config';
import { rollupFromConfig } from './rollup-from-config';
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
    ...cliPipelineEnv(process.env, { aws: opts.aws }),
    ...(opts.timeZone ? { ROLLUP_TIMEZONE: opts.timeZone } : {}),
  });
  const endpoints = cliServiceEndpoints(process.env, { aws: opts.aws });
  const tz = config.rollupTimezone;
  const from = opts.from ?? addDays(zoneDate(tz, Date.now()), -1);
  const days = zoneDays(tz, from, opts.to ?? from);
  const rollup = rollupFromConfig(config, endpoints);
  console.log(
    `Rolling up ${days.length} day(s) ${days[0]?.date} .. ${days.at(-1)?.date} (${tz}) of ` +
      `${rollup.description}, into "${config.aggregateTable}"`,
  );
  const bar = new SingleBar({
    format: '{bar} {value}/{total} days | {date} | {groups} groups',
    hideCursor: true,
  });
  bar.start(days.length, 0, { date: '', groups: 0 });
  let groups = 0;
  try {
    await rollup.run(days, {
      deadline: Number.POSITIVE_INFINITY,
      onDay: (report) => {
        groups += report.groups;
        bar.increment(1, { date: report.date, groups });
      },
    });
  } finally {
    bar.stop();
    rollup.close();
  }
  console.log(`Done: ${groups} (device, measure, day) aggregates written.`);
});

program.parseAsync().catch((error: unknown) => {
  console.error(`rollup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
