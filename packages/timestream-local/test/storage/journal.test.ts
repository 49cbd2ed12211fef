import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  CreateTableCommand,
  DeleteTableCommand,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it } from 'vitest';
import { TableJournal } from '../../src/storage/journal';
import {
  clientConfig,
  createTable,
  doubleRecord,
  type Fixture,
  multiRecord,
  serveStandalone,
  startFixture,
  type TimestreamProcess,
} from '../local-timestream-fixture';

const servers: TimestreamProcess[] = [];
const fixtures: Fixture[] = [];
const dirs: string[] = [];
/** long enough that nothing is applied unless a reader waits for it */
const lagMs = 600_000;

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-timestream-journal-'));
  dirs.push(dir);
  return dir;
}

async function fixture(dataDir: string, applyDelayMs = lagMs): Promise<Fixture> {
  const f = await startFixture({ dataDir, applyDelayMs });
  fixtures.push(f);
  return f;
}

afterEach(async () => {
  for (const s of servers.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const f of fixtures.splice(0)) await f.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function scalar(query: TimestreamQueryClient, sql: string): Promise<number> {
  const out = await query.send(new QueryCommand({ QueryString: sql }));
  return Number(out.Rows?.[0]?.Data?.[0]?.ScalarValue);
}

async function countsByDevice(query: TimestreamQueryClient, table: string): Promise<Map<string, number>> {
  const out = await query.send(
    new QueryCommand({ QueryString: `SELECT deviceId, count(*) FROM ${table} GROUP BY deviceId` }),
  );
  return new Map(
    (out.Rows ?? []).map((r) => [r.Data![0]!.ScalarValue!, Number(r.Data![1]!.ScalarValue)] as const),
  );
}

const journalDir = (root: string, tableId = 1) => join(root, 'timestream', 'journal', `table-${tableId}`);

describe('write journal', () => {
  it.each([
    ['lags far behind', String(lagMs)],
    ['runs as writes stream', '0'],
  ])('keeps every call answered 200 when SIGKILLed right after one while the apply %s', async (_, delay) => {
    const root = tempRoot();
    const server = serveStandalone(root, { TIMESTREAM_APPLY_DELAY_MS: delay });
    servers.push(server);
    const endpoint = await server.endpoint;
    const setup = new TimestreamWriteClient(clientConfig(endpoint));
    await createTable(setup, 'Kill', 'readings');
    setup.destroy();
    const clients = Array.from({ length: 4 }, () => new TimestreamWriteClient(clientConfig(endpoint)));
    const answered: number[] = [];
    const t = Date.now() - 60_000;
    let next = 0;
    let killed = false;
    await Promise.all(
      clients.map(async (client) => {
        while (!killed) {
          const call = next++;
          try {
            const out = await client.send(
              new WriteRecordsCommand({
                DatabaseName: 'Kill',
                TableName: 'readings',
                Records: Array.from({ length: 100 }, (_, i) => multiRecord(`c${call}`, t + i, i)),
              }),
            );
            expect(out.RecordsIngested?.Total).toBe(100);
          } catch {
            return; // the server is gone
          }
          answered.push(call);
          if (answered.length === 40 && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        }
      }),
    );
    for (const c of clients) c.destroy();
    await server.exited;
    if (delay !== '0') {
      // nothing was applied: every answered call is only in the journal
      const { journal, entries } = TableJournal.open(journalDir(root));
      await journal.close();
      const rows = entries.reduce((n, e) => n + e.rows, 0);
      expect(rows).toBeGreaterThanOrEqual(answered.length * 100);
    }

    const restarted = await fixture(join(root, 'timestream'), 0);
    const counts = await countsByDevice(restarted.query, '"Kill"."readings"');
    for (const call of answered) expect(counts.get(`c${call}`), `call ${call}`).toBe(100);
    // calls journaled but not answered may be there too, but only whole
    for (const n of counts.values()) expect(n).toBe(100);
    expect(answered.length).toBeGreaterThanOrEqual(40);
  });

  it('lets a query right after a write see it', async () => {
    const f = await fixture(tempRoot());
    await createTable(f.write, 'Ryw', 'readings');
    const t = Date.now() - 60_000;
    for (let k = 1; k <= 3; k++) {
      await f.write.send(
        new WriteRecordsCommand({
          DatabaseName: 'Ryw',
          TableName: 'readings',
          Records: Array.from({ length: 100 }, (_, i) => multiRecord(`d${k}`, t + i, i)),
        }),
      );
      expect(await scalar(f.query, 'SELECT count(*) FROM "Ryw"."readings"')).toBe(100 * k);
    }
  });

  it('applies an upsert with a higher version right after the original in order', async () => {
    const f = await fixture(tempRoot());
    await createTable(f.write, 'Ups', 'readings');
    const t = Date.now() - 60_000;
    const write = (value: string, version: number) =>
      f.write.send(
        new WriteRecordsCommand({
          DatabaseName: 'Ups',
          TableName: 'readings',
          Records: [{ ...doubleRecord('d1', 'temp', value, t), Version: version }],
        }),
      );
    const rows = async () =>
      (
        await f.query.send(
          new QueryCommand({ QueryString: 'SELECT measure_value::double FROM "Ups"."readings"' }),
        )
      ).Rows?.map((r) => Number(r.Data?.[0]?.ScalarValue));
    // both journaled before any apply: one batch holds the original and its replacement
    await write('1', 1);
    await write('2', 2);
    expect(await rows()).toEqual([2]);
    // the original applied, the replacement in a later batch
    await write('3', 3);
    expect(await rows()).toEqual([3]);
    await expect(write('9', 2)).rejects.toMatchObject({
      name: 'RejectedRecordsException',
      RejectedRecords: [{ RecordIndex: 0, ExistingVersion: 3 }],
    });
    expect(await rows()).toEqual([3]);
  });

  it('deletes a table with pending journal entries; a new table of that name starts empty, also after restart', async () => {
    const root = tempRoot();
    let f = await fixture(root);
    await createTable(f.write, 'Del', 'readings');
    const t = Date.now() - 60_000;
    await f.write.send(
      new WriteRecordsCommand({
        DatabaseName: 'Del',
        TableName: 'readings',
        Records: Array.from({ length: 100 }, (_, i) => multiRecord('old', t + i, i)),
      }),
    );
    expect(readdirSync(join(root, 'journal', 'table-1')).length).toBeGreaterThan(0);
    await f.write.send(new DeleteTableCommand({ DatabaseName: 'Del', TableName: 'readings' }));
    expect(existsSync(join(root, 'journal', 'table-1'))).toBe(false);
    await f.write.send(
      new CreateTableCommand({
        DatabaseName: 'Del',
        TableName: 'readings',
        RetentionProperties: {
          MemoryStoreRetentionPeriodInHours: 24,
          MagneticStoreRetentionPeriodInDays: 30,
        },
      }),
    );
    await f.write.send(
      new WriteRecordsCommand({
        DatabaseName: 'Del',
        TableName: 'readings',
        Records: [multiRecord('new', t, 1)],
      }),
    );
    expect(await countsByDevice(f.query, '"Del"."readings"')).toEqual(new Map([['new', 1]]));
    await f.close();
    fixtures.splice(fixtures.indexOf(f), 1);
    f = await fixture(root);
    expect(await countsByDevice(f.query, '"Del"."readings"')).toEqual(new Map([['new', 1]]));
  });

  it('replays the journal exactly once: entries at or below the applied position are skipped', async () => {
    const root = tempRoot();
    const server = serveStandalone(root, { TIMESTREAM_APPLY_DELAY_MS: String(lagMs) });
    servers.push(server);
    const client = new TimestreamWriteClient(clientConfig(await server.endpoint));
    await createTable(client, 'Once', 'readings');
    const t = Date.now() - 60_000;
    for (let k = 0; k < 5; k++) {
      await client.send(
        new WriteRecordsCommand({
          DatabaseName: 'Once',
          TableName: 'readings',
          Records: Array.from({ length: 100 }, (_, i) => multiRecord(`d${k}`, t + i, i)),
        }),
      );
    }
    client.destroy();
    server.child.kill('SIGKILL');
    await server.exited;
    const snapshot = join(root, 'journal-snapshot');
    cpSync(journalDir(root), snapshot, { recursive: true });
    expect(readdirSync(snapshot).length).toBeGreaterThan(0);

    const dataDir = join(root, 'timestream');
    let f = await fixture(dataDir);
    const expected = new Map(Array.from({ length: 5 }, (_, k) => [`d${k}`, 100] as const));
    expect(await countsByDevice(f.query, '"Once"."readings"')).toEqual(expected);
    await f.close();
    fixtures.splice(fixtures.indexOf(f), 1);

    // as if the process died after the apply committed but before the journal was released
    cpSync(snapshot, journalDir(root), { recursive: true });
    f = await fixture(dataDir);
    expect(await countsByDevice(f.query, '"Once"."readings"')).toEqual(expected);
    expect(await scalar(f.query, 'SELECT count(*) FROM "Once"."readings"')).toBe(500);
  });
});
