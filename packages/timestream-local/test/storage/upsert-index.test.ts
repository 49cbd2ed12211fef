import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it } from 'vitest';
import { UpsertIndex } from '../../src/storage/upsert-index';
import {
  createTable,
  doubleRecord,
  type Fixture,
  multiRecord,
  startFixture,
} from '../local-timestream-fixture';

describe('UpsertIndex', () => {
  it('holds a version and a value fingerprint per key; a set replaces', () => {
    const index = new UpsertIndex(4);
    expect(index.get('k1')).toBeUndefined();
    index.set('k1', 1, 'DOUBLE\u001f550', 20_000);
    index.set('k2', 7, 'DOUBLE\u001f1', 20_001);
    const k1 = index.get('k1')!;
    expect(k1.version).toBe(1);
    expect(k1.sameValue('DOUBLE\u001f550')).toBe(true);
    expect(k1.sameValue('DOUBLE\u001f551')).toBe(false);
    expect(index.get('k2')!.version).toBe(7);
    index.set('k1', 3, 'DOUBLE\u001f551', 20_000);
    expect(index.get('k1')!.version).toBe(3);
    expect(index.get('k1')!.sameValue('DOUBLE\u001f551')).toBe(true);
    expect(index.size).toBe(2);
  });

  it('keeps every key through many growths', () => {
    const index = new UpsertIndex(1);
    const n = 100_000;
    for (let i = 0; i < n; i++) index.set(`key-${i}`, (i % 9) + 1, `v${i}`, i % 30);
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
    index.set('big', Number.MAX_SAFE_INTEGER, 'x', 0);
    expect(index.get('big')!.version).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('drops the rows of the days asked for, keeps the others findable', () => {
    const index = new UpsertIndex();
    for (let i = 0; i < 3_000; i++) index.set(`k${i}`, 1, `v${i}`, 20_000 + (i % 3));
    index.dropDays((day) => day === 20_001);
    expect(index.size).toBe(2_000);
    const found = (i: number) => index.get(`k${i}`)?.sameValue(`v${i}`) === true;
    expect([0, 2, 3, 2_999].every(found)).toBe(true);
    expect([1, 4, 2_998].some(found)).toBe(false);
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
    const count = await f.query.send(
      new QueryCommand({ QueryString: 'SELECT count(*) FROM "Upsert"."readings"' }),
    );
    expect(count.Rows?.[0]?.Data?.[0]?.ScalarValue).toBe('2');

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

describe('upsert keys kept for the days written to most recently', () => {
  const fixtures: Fixture[] = [];
  afterEach(async () => {
    for (const f of fixtures.splice(0).reverse()) await f.close();
  });

  it('loads a day again from the stored rows once it was forgotten, and still applies the rules', async () => {
    const f = await startFixture({ indexDays: 2 });
    fixtures.push(f);
    await createTable(f.write, 'Days', 'readings', {
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    const dayMs = 86_400_000;
    const now = Date.now();
    const write = (records: ReturnType<typeof doubleRecord>[]) =>
      f.write.send(
        new WriteRecordsCommand({ DatabaseName: 'Days', TableName: 'readings', Records: records }),
      );
    // four days, one row each: the first day is forgotten when the fourth is written (2 days kept)
    for (const [i, ago] of [4, 3, 2, 0].entries()) {
      await write([doubleRecord(`dev${i}`, 'co2', String(500 + i), now - ago * dayMs - 60_000)]);
    }
    const first = doubleRecord('dev0', 'co2', '500', now - 4 * dayMs - 60_000);
    // same version, another value: refused with the stored version, found by loading the day again
    await expect(write([{ ...first, MeasureValue: '501' }])).rejects.toMatchObject({
      name: 'RejectedRecordsException',
      RejectedRecords: [{ RecordIndex: 0, ExistingVersion: 1 }],
    });
    // the same value: an accepted no-op
    expect((await write([first])).RecordsIngested?.Total).toBe(1);
    // a higher version: replaces the stored row
    await write([{ ...first, MeasureValue: '502', Version: 2 }]);
    const out = await f.query.send(
      new QueryCommand({
        QueryString: 'SELECT deviceId, measure_value::double FROM "Days"."readings" ORDER BY deviceId',
      }),
    );
    expect(out.Rows?.map((r) => r.Data?.map((d) => d.ScalarValue))).toEqual([
      ['dev0', '502.0'],
      ['dev1', '501.0'],
      ['dev2', '502.0'],
      ['dev3', '503.0'],
    ]);
  });
});
