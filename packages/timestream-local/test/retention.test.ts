import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createTable, doubleRecord, startFixture } from './local-timestream-fixture';

describe('retention', () => {
  it('hides rows past both retentions at once and deletes them with a later write', async () => {
    const startMs = Date.parse('2024-01-10T00:00:00Z');
    let nowMs = startMs;
    const f = await startFixture({ clock: () => BigInt(nowMs) * 1_000_000n });
    const dataDir = f.dataDir;
    try {
      await createTable(f.write, 'Retention', 'readings', {
        RetentionProperties: { MemoryStoreRetentionPeriodInHours: 1, MagneticStoreRetentionPeriodInDays: 1 },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      });
      const write = (t: number, value: string) =>
        f.write.send(
          new WriteRecordsCommand({
            DatabaseName: 'Retention',
            TableName: 'readings',
            Records: [doubleRecord('d', 'co2', value, t)],
          }),
        );
      const old = await write(startMs - 20 * 3_600_000, '1');
      expect(old.RecordsIngested).toEqual({ Total: 1, MemoryStore: 0, MagneticStore: 1 });
      await write(startMs - 60_000, '2');
      nowMs = startMs + 10 * 3_600_000; // the first row is now 30 h old: past 1 h and 1 day
      const count = await f.query.send(
        new QueryCommand({ QueryString: 'SELECT count(*) FROM "Retention"."readings"' }),
      );
      expect(count.Rows?.[0]?.Data?.[0]?.ScalarValue).toBe('1');
      await write(nowMs, '3');
    } finally {
      await f.ts.close();
    }
    const instance = await DuckDBInstance.create(join(dataDir, 'timestream.duckdb'));
    try {
      const connection = await instance.connect();
      const stored = (
        await connection.runAndReadAll('SELECT "measure_value::double" FROM ts_table_1 ORDER BY time')
      ).getRows();
      expect(stored.map((r) => r[0])).toEqual([2, 3]);
      connection.closeSync();
    } finally {
      instance.closeSync();
      await f.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
