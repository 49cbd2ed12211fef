import { join } from 'node:path';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { DuckDBInstance } from '@duckdb/node-api';
import { relationName } from 'timestream-local';
import { createTimestreamWriteClient } from '#adapters/service-clients';
import type { PipelineConfig } from '#core/config';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import { startTimestreamChild } from './child-services';

/**
 * Loads rows straight into the storage table of a local Timestream table, for benchmarks that need millions
 * of stored rows: writing them through WriteRecords as magnetic records would take minutes at this volume.
 * The server must be stopped (DuckDB holds its file exclusively) and the table must already have its columns
 * (write one record through the API first). `selectSql` yields the storage columns in `columns` order.
 */
export async function bulkLoad(
  timestreamDataDir: string,
  database: string,
  table: string,
  columns: readonly string[],
  selectSql: string,
): Promise<void> {
  const instance = await DuckDBInstance.create(join(timestreamDataDir, 'timestream.duckdb'));
  const connection = await instance.connect();
  try {
    const found = (
      await connection.runAndReadAll(
        `SELECT id FROM __ts_tables WHERE database_name = '${database}' AND table_name = '${table}'`,
      )
    ).getRows()[0];
    if (!found) throw new Error(`no table "${database}"."${table}" in ${timestreamDataDir}`);
    const relation = `"${relationName(Number(found[0]))}"`;
    await connection.run(`DELETE FROM ${relation}`);
    await connection.run(`INSERT INTO ${relation} (${columns.map((c) => `"${c}"`).join(', ')}) ${selectSql}`);
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs a query straight on the DuckDB file (the baseline of the query benchmarks). */
export async function timeOnDuckDb(
  timestreamDataDir: string,
  sql: (relation: (table: string) => Promise<string>) => Promise<string>,
) {
  const instance = await DuckDBInstance.create(join(timestreamDataDir, 'timestream.duckdb'));
  const connection = await instance.connect();
  try {
    const relation = async (table: string) => {
      const row = (
        await connection.runAndReadAll(`SELECT id FROM __ts_tables WHERE table_name = '${table}'`)
      ).getRows()[0];
      return `"${relationName(Number(row?.[0]))}"`;
    };
    const text = await sql(relation);
    await connection.runAndReadAll(text); // warm-up
    const started = performance.now();
    const result = await connection.runAndReadAll(text);
    return { ms: performance.now() - started, rows: result.getRows().length };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Creates the pipeline's tables through the API in a local Timestream under `dataRoot` and writes one MULTI
 * record of co2, temperature and humidity, so that the raw table has the columns {@link bulkLoad} fills.
 * The server is stopped again when this resolves.
 */
export async function prepareMultiRawTable(
  dataRoot: string,
  config: PipelineConfig,
  timeMs: number,
): Promise<void> {
  const server = await startTimestreamChild(dataRoot);
  const write = createTimestreamWriteClient({ timestreamEndpoint: server.endpoint });
  try {
    await ensureTimestreamTables(write, config);
    await write.send(
      new WriteRecordsCommand({
        DatabaseName: config.database,
        TableName: config.rawTable,
        Records: [
          {
            Dimensions: [{ Name: 'deviceId', Value: 'device_0' }],
            MeasureName: 'reading',
            MeasureValueType: 'MULTI',
            MeasureValues: ['co2', 'temperature', 'humidity'].map((Name) => ({
              Name,
              Value: '1',
              Type: 'DOUBLE',
            })),
            Time: String(timeMs),
          },
        ],
      }),
    );
  } finally {
    write.destroy();
    await server.stop();
  }
}

/** The storage columns of a MULTI raw table of co2, temperature and humidity, in {@link bulkLoad}'s order. */
export const multiRawColumns = [
  'time',
  'measure_name',
  '__ts_version',
  'deviceId',
  'co2',
  'temperature',
  'humidity',
];
