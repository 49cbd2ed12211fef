import {
  type _Record,
  RejectedRecordsException,
  ResourceNotFoundException,
  ValidationException,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTable,
  doubleRecord,
  type Fixture,
  multiRecord,
  startFixture,
} from './local-timestream-fixture';

const db = 'WriteRules';
let f: Fixture;
let tableSeq = 0;

/** A fresh table per test, so that tests do not see each other's rows. */
async function freshTable(extra: Parameters<typeof createTable>[3] = {}): Promise<string> {
  const table = `t_${++tableSeq}`;
  await createTable(f.write, db, table, extra);
  return table;
}

async function write(table: string, Records: _Record[], CommonAttributes?: _Record) {
  return f.write.send(
    new WriteRecordsCommand({ DatabaseName: db, TableName: table, Records, CommonAttributes }),
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<RejectedRecordsException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RejectedRecordsException);
  return error as RejectedRecordsException;
}

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

describe('WriteRecords', () => {
  const now = () => Date.now();

  it('writes a batch and counts it in the memory store', async () => {
    const table = await freshTable();
    const t = now();
    const out = await write(table, [
      doubleRecord('1', 'co2', '600', t),
      doubleRecord('1', 'temperature', '24.5', t),
      doubleRecord('1', 'humidity', '41.7', t),
    ]);
    expect(out.RecordsIngested).toEqual({ Total: 3, MemoryStore: 3, MagneticStore: 0 });
  });

  it('refuses 101 records and 0 records with a ValidationException', async () => {
    const table = await freshTable();
    const t = now();
    const many = Array.from({ length: 101 }, (_, i) => doubleRecord(String(i), 'co2', '1', t));
    await expect(write(table, many)).rejects.toThrow(/Member must have length less than or equal to 100/);
    await expect(write(table, many)).rejects.toBeInstanceOf(ValidationException);
    await expect(write(table, [])).rejects.toBeInstanceOf(ValidationException);
  });

  it('answers ResourceNotFoundException for a missing table or database', async () => {
    await expect(write('no_such_table', [doubleRecord('1', 'co2', '1', now())])).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      f.write.send(
        new WriteRecordsCommand({
          DatabaseName: 'NoSuchDb',
          TableName: 'x_y',
          Records: [doubleRecord('1', 'a', '1', now())],
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('merges CommonAttributes into each record and refuses a dimension named in both', async () => {
    const table = await freshTable();
    const t = now();
    const common: _Record = {
      Dimensions: [{ Name: 'deviceId', Value: 'd1' }],
      MeasureValueType: 'DOUBLE',
      Time: String(t),
      TimeUnit: 'MILLISECONDS',
    };
    const out = await write(
      table,
      [
        { MeasureName: 'co2', MeasureValue: '650' },
        { MeasureName: 'humidity', MeasureValue: '40', Dimensions: [{ Name: 'room', Value: 'r1' }] },
      ],
      common,
    );
    expect(out.RecordsIngested?.Total).toBe(2);
    const clash = write(
      table,
      [{ MeasureName: 'co2', MeasureValue: '650', Dimensions: [{ Name: 'deviceId', Value: 'd2' }] }],
      common,
    );
    await expect(clash).rejects.toBeInstanceOf(ValidationException);
    await expect(clash).rejects.toThrow(/deviceId/);
  });

  it('accepts every value type and every time unit', async () => {
    const table = await freshTable();
    const t = now();
    const dims = [{ Name: 'deviceId', Value: 'types' }];
    const out = await write(table, [
      {
        Dimensions: dims,
        MeasureName: 'd',
        MeasureValueType: 'DOUBLE',
        MeasureValue: '1.5',
        Time: String(t),
      },
      {
        Dimensions: dims,
        MeasureName: 'b',
        MeasureValueType: 'BIGINT',
        MeasureValue: '9007199254740993',
        Time: String(t),
      },
      {
        Dimensions: dims,
        MeasureName: 'v',
        MeasureValueType: 'VARCHAR',
        MeasureValue: 'hello',
        Time: String(t),
      },
      {
        Dimensions: dims,
        MeasureName: 'f',
        MeasureValueType: 'BOOLEAN',
        MeasureValue: 'true',
        Time: String(t),
      },
      {
        Dimensions: dims,
        MeasureName: 'ts',
        MeasureValueType: 'TIMESTAMP',
        MeasureValue: String(t),
        Time: String(t),
      },
      {
        Dimensions: dims,
        MeasureName: 's',
        MeasureValue: '1',
        Time: String(Math.floor(t / 1000)),
        TimeUnit: 'SECONDS',
      },
      { Dimensions: dims, MeasureName: 'us', MeasureValue: '1', Time: `${t}123`, TimeUnit: 'MICROSECONDS' },
      { Dimensions: dims, MeasureName: 'ns', MeasureValue: '1', Time: `${t}123456`, TimeUnit: 'NANOSECONDS' },
      multiRecord('types', t, 700),
    ]);
    expect(out.RecordsIngested?.Total).toBe(9);
  });

  it('applies the upsert rules on (time, dimensions, measure name) with the service texts', async () => {
    const table = await freshTable();
    const t = now();
    const rec = (value: string, Version?: number): _Record => ({
      ...doubleRecord('u', 'co2', value, t),
      Version,
    });

    expect((await write(table, [rec('600')])).RecordsIngested?.Total).toBe(1);
    // identical value: success, nothing changes
    expect((await write(table, [rec('600.0')])).RecordsIngested?.Total).toBe(1);
    // different value, same version
    const same = await rejectionOf(write(table, [rec('601')]));
    expect(same.RejectedRecords).toEqual([
      {
        RecordIndex: 0,
        Reason:
          'A record already exists with the same time, dimensions, measure name, and record version. A higher record version must be specified in order to update the measure value.',
        ExistingVersion: 1,
      },
    ]);
    // higher version replaces value and version
    expect((await write(table, [rec('602', 200)])).RecordsIngested?.Total).toBe(1);
    const lower = await rejectionOf(write(table, [rec('603', 2)]));
    expect(lower.RejectedRecords?.[0]).toEqual({
      RecordIndex: 0,
      Reason:
        'The record version 2 is lower than the existing version 200. A higher version is required to update the measure value.',
      ExistingVersion: 200,
    });
    // the stored value is now 602 at version 200: identical value with lower version succeeds
    expect((await write(table, [rec('602', 5)])).RecordsIngested?.Total).toBe(1);
    // dimensions are part of the key: another device at the same time is a new record
    expect((await write(table, [doubleRecord('other', 'co2', '1', t)])).RecordsIngested?.Total).toBe(1);
  });

  it('refuses Version below 1 with a ValidationException', async () => {
    const table = await freshTable();
    await expect(
      write(table, [{ ...doubleRecord('1', 'co2', '1', now()), Version: 0 }]),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('writes the good records of a call and lists the bad ones by 0-based index', async () => {
    const table = await freshTable();
    const t = now();
    const e = await rejectionOf(
      write(table, [
        doubleRecord('1', 'co2', '600', t),
        doubleRecord('1', 'co2', 'not-a-number', t + 1),
        doubleRecord('1', 'co2', '610', t + 2),
        doubleRecord('1', 'co2', '620', t + 60 * 60 * 1000),
      ]),
    );
    expect(e.RejectedRecords?.map((r) => r.RecordIndex)).toEqual([1, 3]);
    expect(e.RejectedRecords?.[0]?.Reason).toMatch(/not-a-number/);
    expect(e.RejectedRecords?.[1]?.Reason).toMatch(
      /^The record timestamp is outside the time range \[\d{4}-\d\d-\d\dT[\d:.]+Z, \d{4}-\d\d-\d\dT[\d:.]+Z\) of the memory store\.$/,
    );
    // the good ones were stored: writing them again with the same value succeeds, another value is refused
    expect((await write(table, [doubleRecord('1', 'co2', '600', t)])).RecordsIngested?.Total).toBe(1);
    await rejectionOf(write(table, [doubleRecord('1', 'co2', '611', t + 2)]));
  });

  it('rejects records older than the memory store unless magnetic writes are on', async () => {
    const memoryOnly = await freshTable();
    const old = now() - 48 * 3600 * 1000;
    const e = await rejectionOf(write(memoryOnly, [doubleRecord('1', 'co2', '1', old)]));
    expect(e.RejectedRecords?.[0]?.Reason).toMatch(/of the memory store\.$/);

    const magnetic = await freshTable({ MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true } });
    const out = await write(magnetic, [
      doubleRecord('1', 'co2', '1', old),
      doubleRecord('1', 'co2', '2', now()),
    ]);
    expect(out.RecordsIngested).toEqual({ Total: 2, MemoryStore: 1, MagneticStore: 1 });
    // past both retentions (magnetic 30 days): refused
    const ancient = await rejectionOf(
      write(magnetic, [doubleRecord('1', 'co2', '1', now() - 40 * 86400 * 1000)]),
    );
    expect(ancient.RejectedRecords?.[0]?.Reason).toMatch(/outside the time range/);
  });

  it('refuses records more than 15 minutes in the future', async () => {
    const table = await freshTable();
    const ok = await write(table, [doubleRecord('1', 'co2', '1', now() + 10 * 60 * 1000)]);
    expect(ok.RecordsIngested?.Total).toBe(1);
    const e = await rejectionOf(write(table, [doubleRecord('1', 'co2', '1', now() + 16 * 60 * 1000)]));
    expect(e.RejectedRecords?.[0]?.Reason).toMatch(/outside the time range/);
  });

  it('keeps the type of a measure and of each MULTI value', async () => {
    const table = await freshTable();
    const t = now();
    await write(table, [doubleRecord('1', 'co2', '600', t), multiRecord('1', t, 600)]);
    const varchar = await rejectionOf(
      write(table, [{ ...doubleRecord('1', 'co2', 'high', t + 1), MeasureValueType: 'VARCHAR' }]),
    );
    expect(varchar.RejectedRecords?.[0]?.Reason).toBe(
      "Measure 'co2' was written as DOUBLE and cannot be written as VARCHAR.",
    );
    const multi = multiRecord('1', t + 1, 1);
    multi.MeasureValues![0] = { Name: 'co2', Value: '601', Type: 'BIGINT' };
    const column = await rejectionOf(write(table, [multi]));
    expect(column.RejectedRecords?.[0]?.Reason).toBe(
      "Measure value 'co2' was written as DOUBLE and cannot be written as BIGINT.",
    );
    const asSingle = await rejectionOf(write(table, [doubleRecord('1', 'reading', '1', t + 2)]));
    expect(asSingle.RejectedRecords?.[0]?.Reason).toMatch(/'reading' was written as MULTI/);
  });

  it('enforces the size limits and the reserved names', async () => {
    const table = await freshTable();
    const t = now();
    const tooManyDims = Array.from({ length: 129 }, (_, i) => ({ Name: `d${i}`, Value: 'x' }));
    await expect(
      write(table, [{ ...doubleRecord('1', 'co2', '1', t), Dimensions: tooManyDims }]),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      write(table, [
        { ...doubleRecord('1', 'co2', '1', t), Dimensions: [{ Name: 'x'.repeat(61), Value: 'v' }] },
      ]),
    ).rejects.toThrow(/less than or equal to 60/);
    await expect(write(table, [doubleRecord('1', 'm'.repeat(257), '1', t)])).rejects.toThrow(
      /less than or equal to 256/,
    );
    await expect(write(table, [doubleRecord('1', 'co2', '1'.repeat(2049), t)])).rejects.toThrow(
      /less than or equal to 2048/,
    );
    const big = await rejectionOf(
      write(table, [
        { ...doubleRecord('1', 'co2', '1', t), Dimensions: [{ Name: 'a', Value: 'v'.repeat(2040) }] },
      ]),
    );
    expect(big.RejectedRecords?.[0]?.Reason).toMatch(/at most 2048 bytes/);
    const reserved = await rejectionOf(
      write(table, [
        { ...doubleRecord('1', 'co2', '1', t), Dimensions: [{ Name: 'time', Value: 'v' }] },
        doubleRecord('1', 'measure_value::double', '1', t),
        doubleRecord('1', 'measure_name', '1', t),
      ]),
    );
    expect(reserved.RejectedRecords?.map((r) => r.RecordIndex)).toEqual([0, 1, 2]);
    for (const r of reserved.RejectedRecords ?? []) expect(r.Reason).toMatch(/reserved/);
  });

  it('checks the records of one call against each other', async () => {
    const table = await freshTable();
    const t = now();
    const e = await rejectionOf(
      write(table, [doubleRecord('1', 'co2', '600', t), doubleRecord('1', 'co2', '601', t)]),
    );
    expect(e.RejectedRecords).toEqual([expect.objectContaining({ RecordIndex: 1, ExistingVersion: 1 })]);
  });
});
