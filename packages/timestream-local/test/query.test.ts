import {
  CancelQueryCommand,
  QueryCommand,
  type QueryCommandOutput,
  ValidationException,
} from '@aws-sdk/client-timestream-query';
import { type _Record, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTable,
  doubleRecord,
  type Fixture,
  multiRecord,
  startFixture,
} from './local-timestream-fixture';

let f: Fixture;
// the seed article's sample rows (2022-04-20, JST = UTC+9), written in the single-measure layout
const seed: Array<[string, string, number, number, number]> = [
  ['device_1', '2022-04-20T05:51:00+09:00', 652, 24.1, 40.4],
  ['device_2', '2022-04-20T05:52:00+09:00', 731, 22.8, 38.9],
  ['device_1', '2022-04-20T05:54:00+09:00', 663, 24.0, 40.5],
  ['device_1', '2022-04-21T10:00:00+09:00', 700, 23.0, 41.0],
];
const seedNowMs = Date.parse('2022-04-21T12:00:00+09:00');
let clockOffsetMs = 0;
const seedClock = () => BigInt(seedNowMs + clockOffsetMs) * 1_000_000n;

beforeAll(async () => {
  f = await startFixture({ clock: seedClock });
  await createTable(f.write, 'RoomCondition', 'conditions', {
    MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
  });
  const records: _Record[] = seed.flatMap(([device, at, co2, temperature, humidity]) => {
    const t = Date.parse(at);
    return [
      { ...doubleRecord(device, 'co2', String(co2), t), Dimensions: [{ Name: 'deviceId', Value: device }] },
      doubleRecord(device, 'temperature', String(temperature), t),
      doubleRecord(device, 'humidity', String(humidity), t),
    ];
  });
  await f.write.send(
    new WriteRecordsCommand({ DatabaseName: 'RoomCondition', TableName: 'conditions', Records: records }),
  );
});
afterAll(async () => {
  await f.close();
});

const cell = (out: QueryCommandOutput, row: number, col: number) => out.Rows?.[row]?.Data?.[col]?.ScalarValue;

describe('Query', () => {
  it("answers the seed article's first query", async () => {
    const out = await f.query.send(
      new QueryCommand({
        QueryString: `SELECT time, measure_name, measure_value::double as co2 FROM "RoomCondition"."conditions" WHERE measure_name = 'co2' ORDER BY time`,
      }),
    );
    expect(out.QueryId).toBeTruthy();
    expect(out.NextToken).toBeUndefined();
    expect(out.ColumnInfo?.map((c) => [c.Name, c.Type?.ScalarType])).toEqual([
      ['time', 'TIMESTAMP'],
      ['measure_name', 'VARCHAR'],
      ['co2', 'DOUBLE'],
    ]);
    expect(out.Rows?.map((r) => r.Data?.map((d) => d.ScalarValue))).toEqual([
      ['2022-04-19 20:51:00.000000000', 'co2', '652.0'],
      ['2022-04-19 20:52:00.000000000', 'co2', '731.0'],
      ['2022-04-19 20:54:00.000000000', 'co2', '663.0'],
      ['2022-04-21 01:00:00.000000000', 'co2', '700.0'],
    ]);
    expect(out.QueryStatus?.ProgressPercentage).toBe(100);
  });

  it("answers the seed article's daily aggregate with the right numbers", async () => {
    const out = await f.query.send(
      new QueryCommand({
        QueryString: `SELECT BIN(time, 1d) as binned_time, avg(measure_value::double) as avg_co2, max(measure_value::double) as max_co2, min(measure_value::double) as min_co2 FROM "RoomCondition"."conditions" WHERE measure_name = 'co2' GROUP BY BIN(time, 1d) ORDER BY binned_time`,
      }),
    );
    expect(out.Rows).toHaveLength(2);
    expect(cell(out, 0, 0)).toBe('2022-04-19 00:00:00.000000000');
    expect(Number(cell(out, 0, 1))).toBeCloseTo((652 + 731 + 663) / 3, 9);
    expect(Number(cell(out, 0, 2))).toBe(731);
    expect(Number(cell(out, 0, 3))).toBe(652);
    expect(cell(out, 1, 0)).toBe('2022-04-21 00:00:00.000000000');
    expect(Number(cell(out, 1, 1))).toBe(700);
  });

  it('shows the value a higher Version wrote', async () => {
    await createTable(f.write, 'RoomCondition', 'versions');
    const t = Date.parse('2022-04-21T11:00:00+09:00');
    const send = (Records: _Record[]) =>
      f.write.send(
        new WriteRecordsCommand({ DatabaseName: 'RoomCondition', TableName: 'versions', Records }),
      );
    await send([doubleRecord('d', 'co2', '500', t)]);
    await send([{ ...doubleRecord('d', 'co2', '510', t), Version: 3 }]);
    const out = await f.query.send(
      new QueryCommand({ QueryString: `SELECT measure_value::double AS v FROM "RoomCondition"."versions"` }),
    );
    expect(out.Rows?.map((r) => r.Data?.[0]?.ScalarValue)).toEqual(['510.0']);
  });

  it('pages with MaxRows: every row exactly once, the last page without NextToken', async () => {
    await createTable(f.write, 'RoomCondition', 'paged');
    const base = Date.parse('2022-04-21T06:00:00+09:00');
    const records = Array.from({ length: 57 }, (_, i) =>
      multiRecord(`dev${i % 5}`, base + i * 1000, 400 + i),
    );
    await f.write.send(
      new WriteRecordsCommand({ DatabaseName: 'RoomCondition', TableName: 'paged', Records: records }),
    );
    const QueryString = `SELECT co2 FROM "RoomCondition"."paged" ORDER BY time`;
    const seen: number[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const out = await f.query.send(new QueryCommand({ QueryString, MaxRows: 10, NextToken }));
      expect(out.Rows?.length ?? 0).toBeLessThanOrEqual(10);
      for (const r of out.Rows ?? []) seen.push(Number(r.Data?.[0]?.ScalarValue));
      NextToken = out.NextToken;
      pages++;
    } while (NextToken);
    expect(pages).toBe(6);
    expect(seen).toEqual(Array.from({ length: 57 }, (_, i) => 400 + i));
  });

  it('refuses a NextToken used with another query string, bad MaxRows and bad SQL', async () => {
    const first = await f.query.send(
      new QueryCommand({ QueryString: `SELECT * FROM "RoomCondition"."conditions"`, MaxRows: 1 }),
    );
    expect(first.NextToken).toBeDefined();
    const other = f.query.send(
      new QueryCommand({
        QueryString: `SELECT time FROM "RoomCondition"."conditions"`,
        NextToken: first.NextToken,
      }),
    );
    await expect(other).rejects.toBeInstanceOf(ValidationException);
    await expect(other).rejects.toThrow('Invalid pagination token');
    await expect(
      f.query.send(new QueryCommand({ QueryString: 'SELECT 1', MaxRows: 1001 })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(f.query.send(new QueryCommand({ QueryString: 'SELEKT nonsense' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('cancels a query: its remaining pages are gone', async () => {
    const QueryString = `SELECT * FROM "RoomCondition"."conditions"`;
    const first = await f.query.send(new QueryCommand({ QueryString, MaxRows: 1 }));
    const cancelled = await f.query.send(new CancelQueryCommand({ QueryId: first.QueryId }));
    expect(cancelled.CancellationMessage).toMatch(/cancelled/);
    await expect(
      f.query.send(new QueryCommand({ QueryString, NextToken: first.NextToken })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(f.query.send(new CancelQueryCommand({ QueryId: 'no-such-query' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('does not return rows past both retentions', async () => {
    await createTable(f.write, 'RoomCondition', 'short', {
      RetentionProperties: { MemoryStoreRetentionPeriodInHours: 1, MagneticStoreRetentionPeriodInDays: 1 },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    });
    const now = seedNowMs;
    await f.write.send(
      new WriteRecordsCommand({
        DatabaseName: 'RoomCondition',
        TableName: 'short',
        Records: [
          doubleRecord('d', 'co2', '1', now - 3_600_000 * 20),
          doubleRecord('d', 'co2', '2', now - 60_000),
        ],
      }),
    );
    const count = async () =>
      cell(
        await f.query.send(new QueryCommand({ QueryString: `SELECT count(*) FROM "RoomCondition"."short"` })),
        0,
        0,
      );
    expect(await count()).toBe('2');
    clockOffsetMs = 23 * 3_600_000; // 23 h later: the older row (43 h old) is past both retentions (1 h, 1 day)
    try {
      expect(await count()).toBe('1');
    } finally {
      clockOffsetMs = 0;
    }
  });
});
