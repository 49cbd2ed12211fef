import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInfluxDailyRollup } from '#consumers/rollup/influxdb-daily-rollup';
import { zoneDays } from '#consumers/rollup/zone-days';
import { InfluxDbReadingSink } from '#consumers/writer/influxdb-reading-sink';
import { toWriteChunks } from '#core';
import { selectRows, startTestInfluxd, type TestInfluxd } from '../../helpers/influxd';
import { readingFactory } from '../../helpers/readings';

const database = 'rollup';
const deadline = () => Date.now() + 30_000;

describe('the rollup on InfluxDB, against a real influxd', () => {
  let influx: TestInfluxd;
  const sink = (measurement: string, db = database, concurrency = 2) =>
    new InfluxDbReadingSink({ client: influx.client, database: db, measurement, concurrency });
  const writeRaw = async (readings: Parameters<typeof toWriteChunks>[0]) => {
    const chunks = toWriteChunks(readings, { layout: 'multi', version: 1 });
    const outcomes = await sink('conditions').write(
      chunks.map((c) => ({ commonAttributes: c.commonAttributes, records: c.records })),
      { deadline: deadline() },
    );
    expect(new Set(outcomes.flat().map((o) => o.status))).toEqual(new Set(['written']));
  };
  /** The rollup over `db`'s "conditions", into its "conditions_daily". */
  const deps = (
    db = database,
    measures = ['co2', 'temperature', 'humidity', 'pressure'],
    concurrency = 2,
  ) => ({
    client: influx.client,
    database: db,
    rawMeasurement: 'conditions',
    aggregateSink: sink('conditions_daily', db, concurrency),
    measures,
  });

  beforeAll(async () => {
    influx = await startTestInfluxd();
  });
  afterAll(async () => {
    await influx?.close();
  });

  it('writes one point per device and Asia/Tokyo day with avg, min, max, sum, count, first and last of each measure as <measure>_<statistic>, and re-rolls a day in place', async () => {
    // Prepare: readings on 2022-04-20 and 2022-04-21 in Tokyo (days start at 15:00 UTC the day before); d1
    // reports from two rooms (a dimension): the aggregate is per device, over both, as on Timestream
    const at = (iso: string) => Date.parse(iso);
    const co2 = (deviceId: string, time: string, value: number, temperature?: number, room = 'a') =>
      readingFactory({
        deviceId,
        timeMs: at(time),
        dimensions: { room },
        measures: {
          co2: { value, unit: 'ppm' },
          ...(temperature !== undefined ? { temperature: { value: temperature, unit: 'degC' } } : {}),
        },
      });
    await writeRaw([
      co2('d1', '2022-04-20T00:30:00+09:00', 400, 20),
      co2('d1', '2022-04-20T12:00:00+09:00', 600, undefined, 'b'),
      co2('d1', '2022-04-20T23:59:59+09:00', 500, 22),
      co2('d2', '2022-04-20T08:00:00+09:00', 700),
      co2('d1', '2022-04-21T00:00:00+09:00', 450), // the next Tokyo day
      co2('d1', '2022-04-19T23:59:59+09:00', 999), // the day before: not in the range
    ]);
    const days = zoneDays('Asia/Tokyo', '2022-04-20', '2022-04-21');

    // Act
    const reports = await runInfluxDailyRollup(deps(), days, { deadline: deadline() });

    // Assess: reports count (device, measure) aggregates; the measurement holds one point per device and day
    expect(reports.map((r) => [r.date, r.groups, r.written, r.problems])).toEqual([
      ['2022-04-20', 3, 3, []],
      ['2022-04-21', 1, 1, []],
    ]);
    const stats = (
      m: string,
      avg: number,
      min: number,
      max: number,
      sum: number,
      count: number,
      first: number,
      last: number,
    ) => ({
      [`${m}_avg`]: avg,
      [`${m}_min`]: min,
      [`${m}_max`]: max,
      [`${m}_sum`]: sum,
      [`${m}_count`]: count,
      [`${m}_first`]: first,
      [`${m}_last`]: last,
    });
    const none = (m: string) =>
      stats(m, ...(Array(7).fill(null) as [number, number, number, number, number, number, number]));
    const key = (r: Record<string, unknown>) => `${r.time}/${r.deviceId}`;
    const rows = (
      await selectRows(influx.client, database, 'SELECT * FROM "conditions_daily" GROUP BY *')
    ).sort((a, b) => key(a).localeCompare(key(b)));
    const day20 = at('2022-04-20T00:00:00+09:00');
    expect(rows).toEqual([
      {
        time: day20,
        deviceId: 'd1',
        ...stats('co2', 500, 400, 600, 1500, 3, 400, 500),
        ...stats('temperature', 21, 20, 22, 42, 2, 20, 22),
      },
      {
        time: day20,
        deviceId: 'd2',
        ...stats('co2', 700, 700, 700, 700, 1, 700, 700),
        ...none('temperature'),
      },
      {
        time: at('2022-04-21T00:00:00+09:00'),
        deviceId: 'd1',
        ...stats('co2', 450, 450, 450, 450, 1, 450, 450),
        ...none('temperature'),
      },
    ]);
    const [series] = await influx.client.query(database, 'SHOW SERIES FROM "conditions_daily"');
    expect(series?.series?.[0]?.values.map((v) => v[0]).sort()).toEqual([
      'conditions_daily,deviceId=d1',
      'conditions_daily,deviceId=d2',
    ]);
    const [fields] = await influx.client.query(database, 'SHOW FIELD KEYS FROM "conditions_daily"');
    expect(Object.fromEntries(fields?.series?.[0]?.values.map((v) => [v[0], v[1]]) ?? [])).toEqual({
      ...Object.fromEntries(
        Object.keys(none('co2')).map((f) => [f, f.endsWith('_count') ? 'integer' : 'float']),
      ),
      ...Object.fromEntries(
        Object.keys(none('temperature')).map((f) => [f, f.endsWith('_count') ? 'integer' : 'float']),
      ),
    });

    // a late reading, then the day again: its aggregates are replaced, not added
    await writeRaw([co2('d2', '2022-04-20T09:00:00+09:00', 900)]);
    await runInfluxDailyRollup(deps(), days.slice(0, 1), { deadline: deadline() });
    const d2 = await selectRows(
      influx.client,
      database,
      `SELECT "co2_count", "co2_sum", "co2_last" FROM "conditions_daily" WHERE deviceId = 'd2'`,
    );
    expect(d2).toEqual([{ time: day20, co2_count: 2, co2_sum: 1600, co2_last: 900 }]);
  });

  it('keeps measures whose names end like a statistic apart: the last _ separates measure and statistic', async () => {
    // Prepare: measures "x" and "x_avg" (both allowed names), one reading each, straight as the writer stores them
    const db = 'rollup_names';
    await influx.client.createDatabase(db);
    const day = Date.parse('2022-04-20T00:00:00Z');
    await influx.client.write(db, `conditions,deviceId=d1 x=1.0,x_avg=5.0 ${day + 60_000}`, 'ms');

    // Act
    const reports = await runInfluxDailyRollup(
      deps(db, ['x', 'x_avg'], 1),
      zoneDays('UTC', '2022-04-20', '2022-04-20'),
      { deadline: deadline() },
    );

    // Assess
    expect(reports.map((r) => r.written)).toEqual([2]);
    const [row] = await selectRows(
      influx.client,
      db,
      'SELECT "x_avg", "x_count", "x_avg_avg", "x_avg_count" FROM "conditions_daily"',
    );
    expect(row).toEqual({ time: day, x_avg: 1, x_count: 1, x_avg_avg: 5, x_avg_count: 1 });
  });

  it('reports every aggregate of a point InfluxDB refuses, writes the other devices, and fails the run', async () => {
    // Prepare: temperature_count is a string field in the aggregate shard, so d1's point (co2 and temperature)
    // is refused, d2's (co2 only) is not
    const db = 'rollup_refused';
    await influx.client.createDatabase(db);
    const day = Date.parse('2022-04-20T00:00:00Z');
    await influx.client.write(
      db,
      [
        `conditions,deviceId=d1 co2=400.0,temperature=20.0 ${day + 60_000}`,
        `conditions,deviceId=d2 co2=500.0 ${day + 60_000}`,
        `conditions_daily,deviceId=old temperature_count="n/a" ${day}`,
      ].join('\n'),
      'ms',
    );
    const days = zoneDays('UTC', '2022-04-20', '2022-04-20');
    const seen: { groups: number; written: number; problems: readonly string[] }[] = [];

    // Act
    const error = await runInfluxDailyRollup(deps(db, ['co2', 'temperature'], 1), days, {
      deadline: deadline(),
      onDay: (report) => seen.push(report),
    }).catch((e: unknown) => e as Error);

    // Assess
    expect(error).toMatchObject({
      name: 'RollupIncompleteError',
      message: expect.stringContaining('2022-04-20'),
    });
    expect(seen.map((r) => [r.groups, r.written])).toEqual([[3, 1]]);
    expect(seen[0]!.problems.map((p) => p.split(':')[0])).toEqual([
      'd1/co2/2022-04-20',
      'd1/temperature/2022-04-20',
    ]);
    expect(seen[0]!.problems[0]).toContain('temperature_count');
    expect(
      await selectRows(influx.client, db, `SELECT "co2_sum" FROM "conditions_daily" WHERE deviceId = 'd2'`),
    ).toEqual([{ time: day, co2_sum: 500 }]);
  });
});
