import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { type _Record, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it } from 'vitest';
import { createTable, type Fixture, startFixture } from './local-timestream-fixture';

const fixtures: Fixture[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0).reverse()) await f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function fixture(dataDir?: string): Promise<Fixture> {
  const f = await startFixture(dataDir ? { dataDir } : {});
  fixtures.push(f);
  return f;
}

const record = (dims: Record<string, string>, value: string, time: number): _Record => ({
  Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
  MeasureName: 'co2',
  MeasureValueType: 'DOUBLE',
  MeasureValue: value,
  Time: String(time),
});

const send = (f: Fixture, records: _Record[]) =>
  f.write.send(new WriteRecordsCommand({ DatabaseName: 'Ident', TableName: 'readings', Records: records }));

async function count(f: Fixture): Promise<number> {
  const out = await f.query.send(
    new QueryCommand({ QueryString: 'SELECT count(*) FROM "Ident"."readings"' }),
  );
  return Number(out.Rows?.[0]?.Data?.[0]?.ScalarValue);
}

describe('the identity of a written row', () => {
  it('keeps apart dimension values that hold the key separators', async () => {
    const f = await fixture();
    await createTable(f.write, 'Ident', 'readings');
    const t = Date.now() - 60_000;
    await send(f, [record({ a: 'x\u001eb\u001fy' }, '1', t)]);
    await send(f, [record({ a: 'x', b: 'y' }, '2', t)]);
    expect(await count(f)).toBe(2);
  });

  it('treats a lone surrogate as the U+FFFD it is stored as, also after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ident-'));
    dirs.push(dataDir);
    let f = await fixture(dataDir);
    await createTable(f.write, 'Ident', 'readings');
    const t = Date.now() - 60_000;
    await send(f, [record({ deviceId: 'x\ud800' }, '1', t)]);
    // the same key as stored: another value with the same version is a conflict
    await expect(send(f, [record({ deviceId: 'x\ufffd' }, '2', t)])).rejects.toMatchObject({
      name: 'RejectedRecordsException',
    });
    await f.close();
    fixtures.splice(0);
    f = await fixture(dataDir);
    // rebuilt from DuckDB, the index finds the row under the same key: a rewrite is a no-op
    expect((await send(f, [record({ deviceId: 'x\ud800' }, '1', t)])).RecordsIngested?.Total).toBe(1);
    expect(await count(f)).toBe(1);
  });

  it('refuses a name that differs from a column only in letter case, and the table keeps working', async () => {
    const f = await fixture();
    await createTable(f.write, 'Ident', 'readings');
    const t = Date.now() - 60_000;
    await send(f, [record({ Host: 'a' }, '1', t)]);
    await expect(send(f, [record({ host: 'b' }, '2', t)])).rejects.toMatchObject({
      name: 'RejectedRecordsException',
      RejectedRecords: [
        {
          RecordIndex: 0,
          Reason: expect.stringMatching(/^Name 'host' differs from the column 'Host' only in letter case/),
        },
      ],
    });
    // two names of one record, a dimension and a MULTI value
    await expect(
      send(f, [
        {
          Dimensions: [{ Name: 'Site', Value: 'a' }],
          MeasureName: 'reading',
          MeasureValueType: 'MULTI',
          MeasureValues: [{ Name: 'site', Value: '1', Type: 'DOUBLE' }],
          Time: String(t),
        },
      ]),
    ).rejects.toMatchObject({
      RejectedRecords: [{ Reason: expect.stringMatching(/^Name 'site' differs from the column 'Site'/) }],
    });
    // the hidden columns' prefix in another case is reserved too
    await expect(send(f, [record({ __TS_version: 'a' }, '1', t)])).rejects.toMatchObject({
      RejectedRecords: [{ Reason: expect.stringMatching(/is reserved/) }],
    });
    await send(f, [record({ Host: 'c' }, '3', t + 1)]);
    expect(await count(f)).toBe(2);
  });
});

describe('values DuckDB could not store are refused, and the table keeps working across a restart', () => {
  it('refuses NUL in column names, Versions beyond a Long and TIMESTAMP values beyond 64-bit nanoseconds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ident-'));
    dirs.push(dataDir);
    let f = await fixture(dataDir);
    await createTable(f.write, 'Ident', 'readings');
    const t = Date.now() - 60_000;
    await expect(send(f, [record({ 'dev\u0000ice': 'a' }, '1', t)])).rejects.toMatchObject({
      RejectedRecords: [
        { Reason: expect.stringMatching(/^Dimension name 'dev\\u0000ice' contains the NUL/) },
      ],
    });
    await expect(
      send(f, [
        {
          Dimensions: [{ Name: 'deviceId', Value: 'a' }],
          MeasureName: 'reading',
          MeasureValueType: 'MULTI',
          MeasureValues: [{ Name: 'co\u00002', Value: '1', Type: 'DOUBLE' }],
          Time: String(t),
        },
      ]),
    ).rejects.toMatchObject({
      RejectedRecords: [
        { Reason: expect.stringMatching(/^Measure value name 'co\\u00002' contains the NUL/) },
      ],
    });
    await expect(send(f, [{ ...record({ deviceId: 'a' }, '1', t), Version: 1e19 }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/version.*less than or equal to 9223372036854775807/),
    });
    await expect(
      send(f, [
        {
          ...record({ deviceId: 'a' }, '1', t),
          MeasureName: 'seen',
          MeasureValueType: 'TIMESTAMP',
          MeasureValue: '1000000000000000000',
          TimeUnit: 'SECONDS',
        },
      ]),
    ).rejects.toMatchObject({
      RejectedRecords: [{ Reason: expect.stringMatching(/outside the range of 64-bit nanoseconds/) }],
    });
    // a NUL inside a dimension value is fine: DuckDB stores it in VARCHAR values
    await send(f, [record({ deviceId: 'a\u0000b' }, '1', t)]);
    expect(await count(f)).toBe(1);
    await f.close();
    fixtures.splice(0);
    f = await fixture(dataDir);
    expect(await count(f)).toBe(1);
  });
});
