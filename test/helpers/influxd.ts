import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDbClient } from '#adapters/influxdb-client';
import { type LocalInfluxdb, startLocalInfluxdb } from '#local/influxdb';

/** A real influxd (Debian's InfluxDB 1.x, `.ci/apt-packages`) in a temporary directory, and a client of it. */
export interface TestInfluxd {
  readonly server: LocalInfluxdb;
  readonly client: InfluxDbClient;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Starts influxd the way `npm start` does (never a mock of it); `close` stops it and removes its data. */
export async function startTestInfluxd(): Promise<TestInfluxd> {
  const dataDir = mkdtempSync(join(tmpdir(), 'influxd-test-'));
  const server = await startLocalInfluxdb({ dataDir });
  return {
    server,
    client: new InfluxDbClient({ url: server.endpoint }),
    dataDir,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Rows of an InfluxQL SELECT as objects keyed by column (tags included), for assertions. */
export async function selectRows(
  client: InfluxDbClient,
  database: string,
  query: string,
): Promise<Record<string, unknown>[]> {
  const [result] = await client.query(database, query);
  const rows: Record<string, unknown>[] = [];
  for (const series of result?.series ?? []) {
    for (const values of series.values) {
      const row: Record<string, unknown> = { ...series.tags };
      series.columns.forEach((column, i) => {
        row[column] = values[i];
      });
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Stops an influxd that `npm start` left running in `dataDir` (found by the launcher's pid file), as after a
 * test that failed half-way or a SIGKILL of the whole process; nothing when there is none.
 */
export function stopLeftInfluxd(dataDir: string): void {
  const pidFile = join(dataDir, 'influxdb', 'influxd.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) {
    process.kill(pid, 'SIGKILL');
  }
}
