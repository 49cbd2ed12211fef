import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it } from 'vitest';
import { UpsertIndex } from '../../../../infra/local/timestream/upsert-index';
import {
  createTable,
  doubleRecord,
  type Fixture,
  multiRecord,
  startFixture,
} from './local-timestream-fixture';

describe('UpsertIndex', () => {
  it('holds a version and a value fingerprint per key; a set replaces', () => {
    const index = new UpsertIndex(4);
    expect(index.get('k1')).toBeUndefined();
    index.set('k1', 1, 'DOUBLE\u001f550', 1_000_000n);
    index.set('k2', 7, 'DOUBLE\u001f1', 2_000_000n);
    const k1 = index.get('k1')!;
    expect(k1.version).toBe(1);
    expect(k1.sameValue('DOUBLE\u001f550')).toBe(true);
    expect(k1.sameValue('DOUBLE\u001f551')).toBe(false);
    expect(index.get('k2')!.version).toBe(7);
    index.set('k1', 3, 'DOUBLE\u001f551', 1_000_000n);
    expect(index.get('k1')!.version).toBe(3);
    expect(index.get('k1')!.sameValue('DOUBLE\u001f551')).toBe(true);
    expect(index.size).toBe(2);
  });

  it('keeps every key through many growths', () => {
    const index = new UpsertIndex(1);
    const n = 100_000;
    for (let i = 0; i < n; i++) index.set(`key-${i}`, (i % 9) + 1, `v${i}`, BigInt(i));
    expect(index.size).toBe(n);
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = index.get(`key-${i}`);
      if (row?.version !== (i % 9) + 1 || !row.sameValue(`v${i}`)) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(index.get('key-100000')).toBeUndefined();
  });

  it('holds versions up to 2^53 exactly', () => {
    const index = new UpsertIndex();
    index.set('big', Number.MAX_SAFE_INTEGER, 'x', 0n);
    expect(index.get('big')!.version).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('drops the rows before a cutoff, keeping those within a millisecond of it', () => {
    const index = new UpsertIndex();
    const ms = 1_000_000n;
    const cutoff = 1_795_000_000_000n * ms;
    index.set('old', 1, 'a', cutoff - 10n * ms);
    index.set('edge', 1, 'b', cutoff - 1n);
    index.set('new', 2, 'c', cutoff + 5n * ms);
    index.dropBefore(cutoff);
    expect(index.get('old')).toBeUndefined();
    expect(index.get('edge')?.version).toBe(1);
    expect(index.get('new')?.version).toBe(2);
    expect(index.get('new')?.sameValue('c')).toBe(true);
    expect(index.size).toBe(2);
  });
});

describe('upsert rules after a restart (index rebuilt from the stored rows)', () => {
  const fixtures: Fixture[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const f of fixtures.splice(0).reverse()) await f.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('tells an identical rewrite from a conflicting one, for single and MULTI measures', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'upsert-restart-'));
    dirs.push(dataDir);
    const t = Date.now() - 60_000;
    const single = doubleRecord('d1', 'co2', '550.5', t);
    const multi = multiRecord('d2', t, 600, 21.5, 45);
    let f = await startFixture({ dataDir });
    fixtures.push(f);
    await createTable(f.write, 'Upsert', 'readings');
    await f.write.send(
      new WriteRecordsCommand({ DatabaseName: 'Upsert', TableName: 'readings', Records: [single, multi] }),
    );
    await f.close();
    fixtures.splice(0);
    f = await startFixture({ dataDir });
    fixtures.push(f);
    const write = (records: (typeof single)[]) =>
      f.write.send(
        new WriteRecordsCommand({ DatabaseName: 'Upsert', TableName: 'readings', Records: records }),
      );

    // the same values again (MULTI values in another order, the number written differently): accepted
    const reordered = { ...multi, MeasureValues: [...multi.MeasureValues!].reverse() };
    const out = await write([{ ...single, MeasureValue: '550.50' }, reordered]);
    expect(out.RecordsIngested?.Total).toBe(2);

    // another value with the same version: refused, with the existing version
    await expect(write([{ ...single, MeasureValue: '551' }])).rejects.toMatchObject({
      name: 'RejectedRecordsException',
      RejectedRecords: [{ RecordIndex: 0, ExistingVersion: 1 }],
    });
    const changedMulti = {
      ...multi,
      MeasureValues: multi.MeasureValues!.map((v) => ({
        ...v,
        Value: v.Name === 'humidity' ? '46' : v.Value,
      })),
    };
    await expect(write([changedMulti])).rejects.toMatchObject({
      name: 'RejectedRecordsException',
      RejectedRecords: [{ RecordIndex: 0, ExistingVersion: 1 }],
    });

    // a higher version replaces the stored row
    await write([{ ...changedMulti, Version: 2 }]);
    const rows = await f.query.send(
      new QueryCommand({ QueryString: `SELECT humidity FROM "Upsert"."readings" WHERE deviceId = 'd2'` }),
    );
    expect(rows.Rows?.map((r) => r.Data?.[0]?.ScalarValue)).toEqual(['46.0']);
  });
});
