import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientConfig,
  createTable,
  type Fixture,
  multiRecord,
  startFixture,
} from './local-timestream-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

describe('concurrent writers and readers', () => {
  it('stores every record of 4 concurrent writers while queries run, each query seeing whole calls', async () => {
    await createTable(f.write, 'Busy', 'readings');
    await createTable(f.write, 'Busy', 'other');
    const writers = Array.from({ length: 4 }, () => new TimestreamWriteClient(clientConfig(f.ts.endpoint)));
    const t = Date.now() - 600_000;
    const callsPerWriter = 15;
    let writing = true;
    const counts: number[] = [];
    try {
      const reader = (async () => {
        while (writing) {
          const out = await f.query.send(
            new QueryCommand({ QueryString: 'SELECT count(*) FROM "Busy"."readings"' }),
          );
          counts.push(Number(out.Rows?.[0]?.Data?.[0]?.ScalarValue));
        }
      })();
      await Promise.all(
        writers.map(async (w, k) => {
          for (let c = 0; c < callsPerWriter; c++) {
            const out = await w.send(
              new WriteRecordsCommand({
                DatabaseName: 'Busy',
                TableName: c % 5 === 4 ? 'other' : 'readings',
                Records: Array.from({ length: 100 }, (_, i) => multiRecord(`w${k}`, t + c * 100 + i, i)),
              }),
            );
            expect(out.RecordsIngested?.Total).toBe(100);
          }
        }),
      );
      writing = false;
      await reader;
    } finally {
      writing = false;
      for (const w of writers) w.destroy();
    }
    const total = async (table: string) =>
      Number(
        (await f.query.send(new QueryCommand({ QueryString: `SELECT count(*) FROM "Busy"."${table}"` })))
          .Rows?.[0]?.Data?.[0]?.ScalarValue,
      );
    expect(await total('readings')).toBe(4 * 12 * 100);
    expect(await total('other')).toBe(4 * 3 * 100);
    expect(counts.length).toBeGreaterThan(0);
    for (const c of counts) expect(c % 100).toBe(0);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
  });
});
