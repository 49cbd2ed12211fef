import {
  ConflictException,
  CreateDatabaseCommand,
  CreateTableCommand,
  type TimestreamWriteClient,
  UpdateTableCommand,
} from '@aws-sdk/client-timestream-write';
import type { PipelineConfig } from '#core/config';

/** The Timestream tables of the pipeline with their retention, as the CDK stack declares them. */
function timestreamTables(config: PipelineConfig) {
  return [
    {
      name: config.rawTable,
      memoryHours: config.rawMemoryRetentionHours,
      magneticDays: config.rawMagneticRetentionDays,
    },
    {
      name: config.aggregateTable,
      memoryHours: config.aggregateMemoryRetentionHours,
      magneticDays: config.aggregateMagneticRetentionDays,
    },
  ] as const;
}

/**
 * Creates the database and both tables if missing, or brings their retention and magnetic-store settings in
 * line with the configuration. Magnetic-store writes are enabled on both: replay backfills old readings and
 * the rollup writes days older than the memory store.
 */
export async function ensureTimestreamTables(
  client: TimestreamWriteClient,
  config: PipelineConfig,
): Promise<void> {
  try {
    await client.send(new CreateDatabaseCommand({ DatabaseName: config.database }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  for (const table of timestreamTables(config)) {
    const settings = {
      DatabaseName: config.database,
      TableName: table.name,
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: table.memoryHours,
        MagneticStoreRetentionPeriodInDays: table.magneticDays,
      },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    };
    try {
      await client.send(new CreateTableCommand(settings));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await client.send(new UpdateTableCommand(settings));
    }
  }
}
