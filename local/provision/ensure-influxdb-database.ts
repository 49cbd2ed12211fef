import { InfluxDbClient, InfluxDbHttpError, InfluxQlError } from '#adapters/influxdb-client';
import type { PipelineConfig } from '#core/config';

/**
 * Creates the InfluxDB database of the pipeline if missing (`CREATE DATABASE` is a no-op when it exists), as
 * the local Timestream's database and tables are created at start. The measurements need no creation: the
 * first write creates them. The writer creates the database too, on its first write (for Lambda and replay).
 */
export async function ensureInfluxdbDatabase(config: PipelineConfig) {
  const client = new InfluxDbClient({
    url: config.influxdbUrl,
    ...(config.influxdbToken !== '' ? { token: config.influxdbToken } : {}),
  });
  try {
    await client.createDatabase(config.influxdbDatabase || config.database);
  } catch (error) {
    // InfluxDB 3 creates a database on its first write and 2 needs a bucket with a DBRP mapping: neither
    // takes CREATE DATABASE over the v1 API, which is no reason not to start (the writer reports a missing one)
    if (error instanceof InfluxQlError) return;
    if (
      error instanceof InfluxDbHttpError &&
      error.status < 500 &&
      error.status !== 401 &&
      error.status !== 403
    ) {
      return;
    }
    throw error;
  }
}
