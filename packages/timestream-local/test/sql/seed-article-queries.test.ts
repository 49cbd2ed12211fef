import { beforeAll, describe, expect, it } from 'vitest';
import { createQueryEngine, type QueryEngine } from '../../src/sql';
import { FixtureStore, nsOf, type SingleMeasureRow } from './storage-fixture';

// the seed article's table: deviceId dimension, co2 / temperature / humidity doubles, every 6 h over 3 days
const seedRows: SingleMeasureRow[] = [];
for (let i = 0; i < 12; i++) {
  for (const device of ['1', '2']) {
    const time = new Date(Date.UTC(2022, 3, 20, 0, 51) + i * 6 * 3600_000).toISOString();
    const base = device === '1' ? 600 : 700;
    seedRows.push({
      time,
      dimensions: { deviceId: device },
      measureName: 'co2',
      type: 'double',
      value: base + ((i * 37) % 90),
    });
    seedRows.push({
      time,
      dimensions: { deviceId: device },
      measureName: 'temperature',
      type: 'double',
      value: 22 + (i % 5) * 0.5,
    });
    seedRows.push({
      time,
      dimensions: { deviceId: device },
      measureName: 'humidity',
      type: 'double',
      value: 40.5 + (i % 3),
    });
  }
}

describe('the seed article queries', () => {
  let engine: QueryEngine;
  beforeAll(async () => {
    const store = await FixtureStore.create();
    await store.addTable({
      database: 'RoomCondition',
      table: 'conditions',
      dimensions: ['deviceId'],
      rows: seedRows,
    });
    engine = createQueryEngine({
      connection: store.connection,
      catalog: store,
      now: () => nsOf('2022-04-24T00:00:00Z'),
    });
  });

  it('lists co2 readings in time order with typed columns', async () => {
    // Act
    const result = await engine.execute(
      `SELECT time, measure_name, measure_value::double as co2 FROM "RoomCondition"."conditions" WHERE measure_name = 'co2' ORDER BY time`,
    );
    // Assess
    expect(result.columnInfo).toEqual([
      { Name: 'time', Type: { ScalarType: 'TIMESTAMP' } },
      { Name: 'measure_name', Type: { ScalarType: 'VARCHAR' } },
      { Name: 'co2', Type: { ScalarType: 'DOUBLE' } },
    ]);
    const co2 = seedRows.filter((r) => r.measureName === 'co2');
    expect(result.rows).toHaveLength(co2.length);
    expect(result.rows[0]?.Data?.[0]).toEqual({ ScalarValue: '2022-04-20 00:51:00.000000000' });
    const times = result.rows.map((r) => r.Data?.[0]?.ScalarValue ?? '');
    expect([...times].sort()).toEqual(times);
    const expectedValues = co2.map((r) => `${r.value}.0`).sort();
    expect(result.rows.map((r) => r.Data?.[2]?.ScalarValue).sort()).toEqual(expectedValues);
    expect(result.bytesScanned).toBeGreaterThan(0);
  });

  it('computes the daily co2 aggregate per BIN(time, 1d)', async () => {
    // Act
    const result = await engine.execute(
      `SELECT BIN(time, 1d) as binned_time, avg(measure_value::double) as avg_co2, max(measure_value::double) as max_co2, min(measure_value::double) as min_co2 FROM "RoomCondition"."conditions" WHERE measure_name = 'co2' GROUP BY BIN(time, 1d) ORDER BY binned_time`,
    );
    // Assess
    expect(result.columnInfo.map((c) => [c.Name, c.Type?.ScalarType])).toEqual([
      ['binned_time', 'TIMESTAMP'],
      ['avg_co2', 'DOUBLE'],
      ['max_co2', 'DOUBLE'],
      ['min_co2', 'DOUBLE'],
    ]);
    const byDay = new Map<string, number[]>();
    for (const r of seedRows.filter((x) => x.measureName === 'co2')) {
      const day = `${r.time.slice(0, 10)} 00:00:00.000000000`;
      byDay.set(day, [...(byDay.get(day) ?? []), r.value as number]);
    }
    const expected = [...byDay]
      .sort()
      .map(([day, v]) => [day, v.reduce((a, b) => a + b, 0) / v.length, Math.max(...v), Math.min(...v)]);
    expect(
      result.rows.map((r) => r.Data?.map((d, i) => (i === 0 ? d.ScalarValue : Number(d.ScalarValue)))),
    ).toEqual(expected);
  });
});
