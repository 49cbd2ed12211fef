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
  const sink = (measurement: string) =>
    new InfluxDbReadingSink({ client: influx.client, database, measurement, concurrency: 2 });
  const writeRaw = async (readings: Parameters<typeof toWriteChunks>[0]) => {
    const chunks = toWriteChunks(readings, { layout: 'multi', version: 1 });
    const outcomes = await sink('conditions').write(
      chunks.map((c) => ({ commonAttributes: c.commonAttributes, records: c.records })),
      { deadline: deadline() },
    );
    expect(new Set(outcomes.flat().map((o) => o.status))).toEqual(new Set(['written']));
  };
  const deps = () => ({
    client: influx.client,
    database,
    rawMeasurement: 'conditions',
    aggregateSink: sink('conditions_daily'),
    measures: ['co2', 'temperature', 'humidity', 'pressure'],
  });

  beforeAll(async () => {
    influx = await startTestInfluxd();
  });
  afterAll(async () => {
    await influx?.close();
  });

  it('writes avg, min, max, sum, count, first and last per device, measure and Asia/Tokyo day, and re-rolls a day in place', async () => {
    // Prepare: readings on 2022-04-20 and 2022-04-21 in Tokyo (days start at 15:00 UTC the day before)
    const at = (iso: string) => Date.parse(iso);
    const co2 = (deviceId: string, time: string, value: number, temperature?: number) =>
      readingFactory({
        deviceId,
        timeMs: at(time),
        dimensions: {},
        measures: {
          co2: { value, unit: 'ppm' },
          ...(temperature !== undefined ? { temperature: { value: temperature, unit: 'degC' } } : {}),
        },
      });
    await writeRaw([
      co2('d1', '2022-04-20T00:30:00+09:00', 400, 20),
      co2('d1', '2022-04-20T12:00:00+09:00', 600),
      co2('d1', '2022-04-20T23:59:59+09:00', 500, 22),
      co2('d2', '2022-04-20T08:00:00+09:00', 700),
      co2('d1', '2022-04-21T00:00:00+09:00', 450), // the next Tokyo day
      co2('d1', '2022-04-19T23:59:59+09:00', 999), // the day before: not in the range
    ]);
    const days = zoneDays('Asia/Tokyo', '2022-04-20', '2022-04-21');

    // Act
    const reports = await runInfluxDailyRollup(deps(), days, { deadline: deadline() });

    // Assess
    expect(reports.map((r) => [r.date, r.groups, r.written, r.problems])).toEqual([
      ['2022-04-20', 3, 3, []],
      ['2022-04-21', 1, 1, []],
    ]);
    const key = (r: Record<string, unknown>) => `${r.time}/${r.deviceId}/${r.measure}`;
    const rows = (await selectRows(influx.client, database, 'SELECT * FROM "conditions_daily"')).sort(
      (a, b) => key(a).localeCompare(key(b)),
    );
    const day20 = at('2022-04-20T00:00:00+09:00');
    expect(rows).toEqual([
      {
        time: day20,
        deviceId: 'd1',
        measure: 'co2',
        avg: 500,
        min: 400,
        max: 600,
        sum: 1500,
        count: 3,
        first: 400,
        last: 500,
      },
      {
        time: day20,
        deviceId: 'd1',
        measure: 'temperature',
        avg: 21,
        min: 20,
        max: 22,
        sum: 42,
        count: 2,
        first: 20,
        last: 22,
      },
      {
        time: day20,
        deviceId: 'd2',
        measure: 'co2',
        avg: 700,
        min: 700,
        max: 700,
        sum: 700,
        count: 1,
        first: 700,
        last: 700,
      },
      {
        time: at('2022-04-21T00:00:00+09:00'),
        deviceId: 'd1',
        measure: 'co2',
        avg: 450,
        min: 450,
        max: 450,
        sum: 450,
        count: 1,
        first: 450,
        last: 450,
      },
    ]);
    const [fields] = await influx.client.query(database, 'SHOW FIELD KEYS FROM "conditions_daily"');
    expect(Object.fromEntries(fields?.series?.[0]?.values.map((v) => [v[0], v[1]]) ?? [])).toMatchObject({
      avg: 'float',
      count: 'integer',
      first: 'float',
    });

    // a late reading, then the day again: its aggregates are replaced, not added
    await writeRaw([co2('d2', '2022-04-20T09:00:00+09:00', 900)]);
    await runInfluxDailyRollup(deps(), days.slice(0, 1), { deadline: deadline() });
    const d2 = await selectRows(
      influx.client,
      database,
      `SELECT "count", "sum", "last" FROM "conditions_daily" WHERE deviceId = 'd2'`,
    );
    expect(d2).toEqual([{ time: day20, count: 2, sum: 1600, last: 900 }]);
  });
});
