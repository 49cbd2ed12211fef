import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { PipelineConfig } from '#core/config';
import { TimestreamReadingSink } from '../writer/timestream-reading-sink';
import type { DailyRollupDeps } from './daily-rollup';

/**
 * The rollup's ports as the configuration names them: reads the raw table, writes the aggregate table. Shared
 * by the rollup Lambda, the rollup and replay commands and the local runtime.
 */
export function rollupDepsFromConfig(
  config: PipelineConfig,
  clients: { readonly query: TimestreamQueryClient; readonly write: TimestreamWriteClient },
  log?: DailyRollupDeps['log'],
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
    ...(log ? { log } : {}),
  };
}
