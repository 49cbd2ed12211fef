import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { startLocalTimestream } from 'timestream-local';
import { createTimestreamQueryClient, createTimestreamWriteClient } from '#adapters/service-clients';
import { queryAll } from '#adapters/timestream-query';
import type { DailyRollupDeps } from '#consumers/rollup/daily-rollup';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { type PipelineConfig, readPipelineConfig } from '#core/config';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';

export interface TimestreamStack {
  readonly config: PipelineConfig;
  readonly dataDir: string;
  readonly endpoint: string;
  readonly write: TimestreamWriteClient;
  readonly query: TimestreamQueryClient;
  /** Runs a query to its end and returns the rows as objects. */
  rows(sql: string): ReturnType<typeof queryAll>;
  close(): Promise<void>;
}

/** A local Timestream on a free port and a temp directory, with the pipeline's database and tables. */
export async function startTimestreamStack(
  env: Record<string, string> = {},
  options: { faults?: string } = {},
): Promise<TimestreamStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  const config = readPipelineConfig(env);
  const ts = await startLocalTimestream({
    port: 0,
    dataDir: join(dataDir, 'timestream'),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const endpoints = { timestreamEndpoint: ts.endpoint };
  const write = createTimestreamWriteClient(endpoints);
  const query = createTimestreamQueryClient(endpoints);
  if (!options.faults) await ensureTimestreamTables(write, config);
  return {
    config,
    dataDir,
    endpoint: ts.endpoint,
    write,
    query,
    rows: (sql) => queryAll(query, sql),
    async close() {
      write.destroy();
      query.destroy();
      await ts.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What the daily rollup runs on over this stack, as the rollup Lambda wires it: the raw table read through the
 * query client, the aggregates written into the aggregate table through the Timestream sink.
 */
export function dailyRollupDeps(stack: TimestreamStack): DailyRollupDeps {
  return {
    queryClient: stack.query,
    aggregateSink: new TimestreamReadingSink({
      client: stack.write,
      database: stack.config.database,
      table: stack.config.aggregateTable,
      concurrency: 2,
    }),
    database: stack.config.database,
    rawTable: stack.config.rawTable,
  };
}

let sequence = 0;
/** A stream record carrying readings as the ingest endpoint packs them (a JSON array, base64). */
export function streamRecord(
  readings: unknown,
  options: { arrivalMs?: number; shardId?: string; partitionKey?: string; raw?: string } = {},
) {
  sequence++;
  const text = options.raw ?? JSON.stringify(readings);
  return {
    data: Buffer.from(text, 'utf8').toString('base64'),
    sequenceNumber: String(49_000_000_000n + BigInt(sequence)).padStart(20, '0'),
    partitionKey: options.partitionKey ?? 'device_1',
    shardId: options.shardId ?? 'shardId-000000000000',
    approximateArrivalMs: options.arrivalMs ?? Date.now(),
  };
}
