import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import {
  createTimestreamQueryClient,
  createTimestreamWriteClient,
  type ServiceEndpoints,
} from '#adapters/service-clients';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { type PipelineConfig, Storage } from '#core/config';
import type { UnitRegistry } from '#core/units';
import { influxDbClientFromConfig } from '../writer/batch-writer-from-env';
import { TimestreamReadingSink } from '../writer/timestream-reading-sink';
import type { DailyRollupDeps } from './daily-rollup';
import { type DailyRollup, influxDailyRollup, timestreamDailyRollup } from './daily-rollup-port';
import { influxRollupDepsFromConfig } from './influxdb-daily-rollup';

/** What {@link rollupFromConfig} may be given besides the configuration. */
export interface RollupFromConfigOptions {
  readonly log?: DailyRollupDeps['log'];
  /**
   * The fleet schema whose measures are aggregated. @default the registry of this process's environment,
   * UNITS_CONFIG or UNITS_CONFIG_FILE, as the writer builds it
   */
  readonly units?: UnitRegistry;
}

/**
 * The rollup as the configuration names it, the one place that picks the store from STORAGE (as the writer's
 * sink is picked in batch-writer-from-env.ts): Timestream's SQL rollup on the raw and aggregate tables at
 * `endpoints`, or the InfluxQL rollup at INFLUXDB_URL (with INFLUXDB_TOKEN, or the token of the secret
 * INFLUXDB_TOKEN_SECRET_ARN read from Secrets Manager). Used by the rollup Lambda, `npm run rollup`,
 * `npm run replay` and `npm start`.
 */
export function rollupFromConfig(
  config: PipelineConfig,
  endpoints: ServiceEndpoints,
  options: RollupFromConfigOptions = {},
): DailyRollup {
  const units = options.units ?? unitRegistryFromEnv(process.env);
  if (config.storage === Storage.influxdb) {
    return influxDailyRollup(
      influxRollupDepsFromConfig(
        config,
        influxDbClientFromConfig(config, endpoints),
        units.measureNames(),
        options.log,
      ),
    );
  }
  const query = createTimestreamQueryClient(endpoints);
  const write = createTimestreamWriteClient(endpoints);
  return timestreamDailyRollup(
    timestreamRollupDeps(config, { query, write }, units, options.log),
    endpoints.timestreamEndpoint ?? 'AWS',
    () => {
      query.destroy();
      write.destroy();
    },
  );
}

/** The Timestream rollup's ports: reads the raw table, writes the aggregate table. */
function timestreamRollupDeps(
  config: PipelineConfig,
  clients: { readonly query: TimestreamQueryClient; readonly write: TimestreamWriteClient },
  units: UnitRegistry,
  log: DailyRollupDeps['log'] | undefined,
): DailyRollupDeps {
  return {
    queryClient: clients.query,
    aggregateSink: new TimestreamReadingSink({
      client: clients.write,
      database: config.database,
      table: config.aggregateTable,
      concurrency: config.writeConcurrency,
    }),
    database: config.database,
    rawTable: config.rawTable,
    measures: units.measureNames(),
    ...(log ? { log } : {}),
  };
}
