import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { type LocalTimestream, type LocalTimestreamOptions, startLocalTimestream } from '../src';
import { spawnTimestreamProcess, type TimestreamProcess } from '../src/child-process';

/** SDK client settings for a local endpoint: dummy credentials, one attempt (retries hide errors). */
export function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}

export interface Fixture {
  readonly ts: LocalTimestream;
  readonly dataDir: string;
  readonly write: TimestreamWriteClient;
  readonly query: TimestreamQueryClient;
  close(): Promise<void>;
}

/** Starts a local Timestream on port 0 and a fresh temp data directory, with SDK clients for it. */
export async function startFixture(options: Partial<LocalTimestreamOptions> = {}): Promise<Fixture> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-timestream-'));
  const ts = await startLocalTimestream({ ...options, dataDir });
  const write = new TimestreamWriteClient(clientConfig(ts.endpoint));
  const query = new TimestreamQueryClient(clientConfig(ts.endpoint));
  return {
    ts,
    dataDir,
    write,
    query,
    async close() {
      write.destroy();
      query.destroy();
      await ts.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a database and a table (memory retention 24 h unless given). */
export async function createTable(
  client: TimestreamWriteClient,
  database: string,
  table: string,
  extra: Partial<ConstructorParameters<typeof CreateTableCommand>[0]> = {},
): Promise<void> {
  await client.send(new CreateDatabaseCommand({ DatabaseName: database })).catch((e: Error) => {
    if (e.name !== 'ConflictException') throw e;
  });
  await client.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableName: table,
      RetentionProperties: { MemoryStoreRetentionPeriodInHours: 24, MagneticStoreRetentionPeriodInDays: 30 },
      ...extra,
    }),
  );
}

/** A single-measure DOUBLE record of one device (time in ms). */
export function doubleRecord(deviceId: string, measure: string, value: string, timeMs: number): _Record {
  return {
    Dimensions: [{ Name: 'deviceId', Value: deviceId }],
    MeasureName: measure,
    MeasureValueType: 'DOUBLE',
    MeasureValue: value,
    Time: String(timeMs),
  };
}

/** A MULTI record of one device with co2/temperature/humidity (time in ms). */
export function multiRecord(
  deviceId: string,
  timeMs: number,
  co2: number,
  temperature = 22.5,
  humidity = 40,
): _Record {
  return {
    Dimensions: [{ Name: 'deviceId', Value: deviceId }],
    MeasureName: 'reading',
    MeasureValueType: 'MULTI',
    MeasureValues: [
      { Name: 'co2', Value: String(co2), Type: 'DOUBLE' },
      { Name: 'temperature', Value: String(temperature), Type: 'DOUBLE' },
      { Name: 'humidity', Value: String(humidity), Type: 'DOUBLE' },
    ],
    Time: String(timeMs),
  };
}

/** Runs the package's `bin` (`npm run timestream:local`) with its data under `dataRoot` (extra env on top). */
export function serveStandalone(dataRoot: string, env: Record<string, string> = {}): TimestreamProcess {
  return spawnTimestreamProcess({ dataRoot, env, readyTimeoutMs: 20_000 });
}
export type { TimestreamProcess } from '../src/child-process';
