import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import type { PipelineConfig } from '#core/config';
import type { UnitRegistry } from '#core/units';
import { TimestreamReadingSink } from '../writer/timestream-reading-sink';
import type { DailyRollupDeps } from './daily-rollup';

/**
 * The rollup's ports as the configuration names them: reads the raw table, writes the aggregate table, and
 * aggregates the measures of `units` (the fleet schema's; by default the registry of this process's
 * environment, UNITS_CONFIG or UNITS_CONFIG_FILE, as the writer builds it). Shared by the rollup Lambda, the
 * rollup and replay commands and the local runtime.
 */
export function rollupDepsFromConfig(
  config: PipelineConfig,
  clients: { readonly query: TimestreamQueryClient; readonly write: TimestreamWriteClient },
  log?: DailyRollupDeps['log'],
  units: UnitRegistry = unitRegistryFromEnv(process.env),
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
