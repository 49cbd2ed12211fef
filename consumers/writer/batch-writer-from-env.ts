import {
  createSqsClient,
  createTimestreamWriteClient,
  type ServiceEndpoints,
} from '#adapters/service-clients';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { RecentKeys } from '#core';
import type { PipelineConfig } from '#core/config';
import { BatchWriter } from './batch-writer';
import { deadLetterSinkFromEnv } from './dead-letter/dead-letter-sink-from-env';
import { TimestreamReadingSink, type TimestreamReadingSinkOptions } from './timestream-reading-sink';

/**
 * The writer as configured by the environment: used by the Lambda handler, the local runtime and replay,
 * so that all three write with the same semantics.
 */
export function batchWriterFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  config: PipelineConfig,
  endpoints: ServiceEndpoints,
  observer?: TimestreamReadingSinkOptions['observer'],
): BatchWriter {
  return new BatchWriter({
    sink: new TimestreamReadingSink({
      client: createTimestreamWriteClient(endpoints),
      database: config.database,
      table: config.rawTable,
      concurrency: config.writeConcurrency,
      ...(observer ? { observer } : {}),
    }),
    deadLetters: deadLetterSinkFromEnv(env, () => createSqsClient(endpoints)),
    units: unitRegistryFromEnv(env),
    dimensions: config.dimensions,
    layout: config.recordLayout,
    recent: new RecentKeys(config.dedupeCacheSize),
  });
}
