import { InfluxDbClient } from '#adapters/influxdb-client';
import { secretsManagerInfluxToken } from '#adapters/influxdb-token';
import {
  createSecretsManagerClient,
  createSqsClient,
  createTimestreamWriteClient,
  type ServiceEndpoints,
} from '#adapters/service-clients';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { RecentKeys } from '#core';
import { ConfigError, type PipelineConfig, Storage } from '#core/config';
import { BatchWriter } from './batch-writer';
import { deadLetterSinkFromEnv } from './dead-letter/dead-letter-sink-from-env';
import { InfluxDbReadingSink } from './influxdb-reading-sink';
import type { ReadingSink } from './reading-sink';
import { TimestreamReadingSink, type TimestreamReadingSinkOptions } from './timestream-reading-sink';

/**
 * The writer as configured by the environment: used by the Lambda handler, the local runtime and replay,
 * so that all three write with the same semantics. STORAGE chooses the sink: Timestream's WriteRecords, or
 * InfluxDB's line protocol at INFLUXDB_URL.
 */
export function batchWriterFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  config: PipelineConfig,
  endpoints: ServiceEndpoints,
  observer?: TimestreamReadingSinkOptions['observer'],
): BatchWriter {
  return new BatchWriter({
    sink: readingSinkFromConfig(config, endpoints, observer),
    deadLetters: deadLetterSinkFromEnv(env, () => createSqsClient(endpoints)),
    units: unitRegistryFromEnv(env),
    dimensions: config.dimensions,
    recent: new RecentKeys(config.dedupeCacheSize),
    storage: config.storage,
  });
}

function readingSinkFromConfig(
  config: PipelineConfig,
  endpoints: ServiceEndpoints,
  observer: TimestreamReadingSinkOptions['observer'] | undefined,
): ReadingSink {
  if (config.storage === Storage.influxdb) {
    return new InfluxDbReadingSink({
      client: influxDbClientFromConfig(config, endpoints),
      database: config.influxdbDatabase || config.database,
      measurement: config.rawTable,
      concurrency: config.writeConcurrency,
      ...(observer ? { observer } : {}),
    });
  }
  return new TimestreamReadingSink({
    client: createTimestreamWriteClient(endpoints),
    database: config.database,
    table: config.rawTable,
    layout: config.recordLayout,
    concurrency: config.writeConcurrency,
    ...(observer ? { observer } : {}),
  });
}

/**
 * The InfluxDB client of STORAGE=influxdb: INFLUXDB_URL, with INFLUXDB_TOKEN or the token in the secret
 * INFLUXDB_TOKEN_SECRET_ARN (read on first use). Fails with a ConfigError when INFLUXDB_URL is unset.
 */
export function influxDbClientFromConfig(
  config: PipelineConfig,
  endpoints: ServiceEndpoints,
): InfluxDbClient {
  if (config.influxdbUrl === '') {
    throw new ConfigError([
      'INFLUXDB_URL is not set, and STORAGE=influxdb needs it: set it to the InfluxDB endpoint ' +
        '(e.g. http://127.0.0.1:8086; `npm start` starts a local influxd itself when it is unset)',
    ]);
  }
  const arn = config.influxdbTokenSecretArn;
  return new InfluxDbClient({
    url: config.influxdbUrl,
    ...(arn !== ''
      ? { token: secretsManagerInfluxToken(createSecretsManagerClient(endpoints), arn) }
      : config.influxdbToken !== ''
        ? { token: config.influxdbToken }
        : {}),
  });
}
