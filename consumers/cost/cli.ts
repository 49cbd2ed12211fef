/**
 * `npm run cost -- --devices 1000 --interval 60s [--per-post 1] [--layout multi] [--log-level WARN]
 * [--levers] ...`
 * Prints the monthly AWS bill of the pipeline for a fleet, component by component, from the same
 * configuration as the stack (RECORD_LAYOUT, retention, STREAM_MODE, LOG_LEVEL, TRACING, ... as defaults).
 * Offline: nothing is called; the sizes come from running the ingest's, the writer's and the rollup's own
 * code on sample readings, the prices from core/cost/prices.ts.
 */
import { Command, Option } from 'commander';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { LogLevel, readPipelineConfig, StreamMode } from '#core/config';
import {
  assumedLatency,
  CostInputError,
  type CostInputs,
  costLevers,
  defaultRegion,
  estimateCost,
  formatEstimate,
  formatLevers,
  pricesByRegion,
  stackDefaults,
} from '#core/cost';
import { aggregateRecordOf } from './aggregate-sample';
import { durationSeconds, nameList, number, oneOf, pairs, wholeNumber } from './cost-flags';

type Options = {
  devices: number;
  interval: number;
  perPost: number;
  measures: string[];
  dimensions: Record<string, string>;
  layout?: 'multi' | 'single';
  memoryHours?: number;
  magneticDays?: number;
  history: number;
  stream?: 'on-demand' | 'provisioned';
  shards?: number;
  panels: number;
  refreshesPerDay?: number;
  viewers: number;
  viewerHours: number;
  refresh: number;
  /** `--tracing on|off` (true/false), `--no-tracing` (false), or unset: TRACING. */
  tracing?: boolean;
  logLevel?: LogLevel;
  authorizerCache: number;
  putMs: number;
  writeMs: number;
  querySeconds: number;
  region: string;
  levers?: boolean;
};

const program = new Command('cost')
  .description('Estimate the monthly AWS bill of the pipeline for a fleet (offline, us-east-1 list prices)')
  .option('--devices <n>', 'devices in the fleet', wholeNumber(1, 100_000_000), 1000)
  .option(
    '--interval <duration>',
    'time between two readings of a device (60s, 5m, ...)',
    durationSeconds(),
    60,
  )
  .option('--per-post <n>', 'readings per POST (a device buffering readings)', wholeNumber(1, 500), 1)
  .option('--measures <names>', 'measures of each reading', nameList, ['co2', 'temperature', 'humidity'])
  .option(
    '--dimensions <pairs>',
    'dimensions of each reading besides deviceId, e.g. site=hq,room=r101',
    pairs,
    {},
  )
  .addOption(
    new Option('--layout <layout>', 'record layout (default RECORD_LAYOUT)').argParser(
      oneOf(['multi', 'single'] as const),
    ),
  )
  .option(
    '--memory-hours <h>',
    'raw table memory store retention (default RAW_MEMORY_RETENTION_HOURS)',
    wholeNumber(1, 8766),
  )
  .option(
    '--magnetic-days <d>',
    'raw table magnetic store retention (default RAW_MAGNETIC_RETENTION_DAYS)',
    wholeNumber(1, 73_000),
  )
  .option('--history <months>', 'months of readings already in the magnetic store', number(0, 2400), 12)
  .addOption(
    new Option('--stream <mode>', 'Kinesis capacity mode (default STREAM_MODE)').argParser(
      oneOf(['on-demand', 'provisioned'] as const),
    ),
  )
  .option('--shards <n>', 'shards of a provisioned stream (default STREAM_SHARD_COUNT)', wholeNumber(1, 500))
  .option('--panels <n>', 'dashboard panels (queries) per refresh', wholeNumber(0, 100), 6)
  .option(
    '--refreshes-per-day <n>',
    'dashboard refreshes a day (instead of viewers x hours / refresh)',
    number(0, 1_000_000),
  )
  .option('--viewers <n>', 'dashboards open at once', number(0, 10_000), 1)
  .option('--viewer-hours <h>', 'hours a day each is open', number(0, 24), 8)
  .option('--refresh <duration>', 'auto-refresh interval of an open dashboard', durationSeconds(), 300)
  .addOption(
    new Option('--tracing <on|off>', 'active X-Ray tracing on the functions (default TRACING: on)').argParser(
      (raw: string) => oneOf(['on', 'off'] as const)(raw) === 'on',
    ),
  )
  .option('--no-tracing', 'the same as --tracing off')
  .addOption(
    new Option(
      '--log-level <level>',
      "the functions' Powertools log level (default LOG_LEVEL: INFO); WARN and above drop the INFO line per request",
    ).argParser(oneOf(Object.values(LogLevel))),
  )
  .option(
    '--authorizer-cache <duration>',
    'authorizer result cache TTL (0: no cache)',
    durationSeconds({ allowZero: true }),
    stackDefaults.authorizerCacheTtlSeconds,
  )
  .option(
    '--put-ms <ms>',
    'assumed latency of a Kinesis PutRecords call',
    number(0, 10_000),
    assumedLatency.kinesisPutMs,
  )
  .option(
    '--write-ms <ms>',
    'assumed latency of a wave of WriteRecords calls',
    number(0, 60_000),
    assumedLatency.timestreamWriteMs,
  )
  .option(
    '--query-seconds <s>',
    'assumed run time of a query (billed at least 30 s)',
    number(0, 3600),
    assumedLatency.querySeconds,
  )
  .option('--region <region>', 'AWS region of the prices', defaultRegion)
  .option('--levers', 'also print what changes the bill, one setting at a time')
  .showHelpAfterError();

program.action((opts: Options) => {
  const config = readPipelineConfig(process.env);
  const prices = pricesByRegion[opts.region];
  if (prices === undefined) {
    throw new CostInputError([
      `--region ${opts.region}: no prices for it in core/cost/prices.ts (known: ${Object.keys(pricesByRegion).join(', ')}); add the region's prices there`,
    ]);
  }
  const inputs: CostInputs = {
    devices: opts.devices,
    intervalSeconds: opts.interval,
    readingsPerPost: opts.perPost,
    measures: opts.measures,
    dimensions: opts.dimensions,
    units: unitRegistryFromEnv(process.env),
    dimensionNames: config.dimensions,
    layout: opts.layout ?? config.recordLayout,
    rawMemoryHours: opts.memoryHours ?? config.rawMemoryRetentionHours,
    rawMagneticDays: opts.magneticDays ?? config.rawMagneticRetentionDays,
    aggregateMemoryHours: config.aggregateMemoryRetentionHours,
    aggregateMagneticDays: config.aggregateMagneticRetentionDays,
    monthsOfHistory: opts.history,
    streamMode:
      opts.stream === undefined
        ? config.streamMode
        : opts.stream === 'provisioned'
          ? StreamMode.provisioned
          : StreamMode.onDemand,
    shards: opts.shards ?? config.streamShardCount,
    streamRetentionHours: config.streamRetentionHours,
    writerBatchSize: config.writerBatchSize,
    writeConcurrency: config.writeConcurrency,
    rollupLookbackDays: config.rollupLookbackDays,
    panels: opts.panels,
    refreshesPerDay: opts.refreshesPerDay ?? (opts.viewers * opts.viewerHours * 3600) / opts.refresh,
    tracing: opts.tracing ?? config.tracing,
    logLevel: opts.logLevel ?? config.logLevel,
    authorizerCacheTtlSeconds: opts.authorizerCache,
    latency: { kinesisPutMs: opts.putMs, timestreamWriteMs: opts.writeMs, querySeconds: opts.querySeconds },
  };
  const estimate = estimateCost(inputs, prices, aggregateRecordOf);
  console.log(formatEstimate(estimate, prices));
  if (opts.levers) {
    console.log('');
    console.log(formatLevers(estimate, costLevers(estimate, prices, aggregateRecordOf)));
  }
});

try {
  program.parse();
} catch (error: unknown) {
  console.error(`cost: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
