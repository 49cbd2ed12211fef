import { ValidationException } from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type Fixture, startFixture } from '../local-timestream-fixture';
import { run, single } from './paged-query-fixture';

// The examples of the Timestream Developer Guide's time-series pages (Timeseries views: CREATE_TIME_SERIES and
// UNNEST; Interpolation, Derivatives, Integral, Correlation, Filter and reduce functions), on a DevOps table as
// the guide's samples use, through the Query API. The guide shows no result for them: the expected values are
// worked out by hand from the points written.

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const T0 = NOW - 20 * 60_000; // 11:40
// host-Hovjv's cpu_utilization: 11:40 50, 11:41 60, 11:42 80, (nothing at 11:43), 11:44 40
const cpu: Array<[number, number]> = [
  [0, 50],
  [1, 60],
  [2, 80],
  [4, 40],
];
const at = (minute: number, second = 0) =>
  new Date(T0 + minute * 60_000 + second * 1000).toISOString().replace('T', ' ').replace('Z', '000000');

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ clock: () => BigInt(NOW) * 1_000_000n });
  await createTable(f.write, 'sampleDB', 'DevOps');
  await f.write.send(
    new WriteRecordsCommand({
      DatabaseName: 'sampleDB',
      TableName: 'DevOps',
      Records: cpu.flatMap(([minute, value]) => [
        {
          Dimensions: [{ Name: 'hostname', Value: 'host-Hovjv' }],
          MeasureName: 'cpu_utilization',
          MeasureValueType: 'DOUBLE',
          MeasureValue: String(value),
          Time: String(T0 + minute * 60_000),
        },
        {
          Dimensions: [{ Name: 'hostname', Value: 'host-Hovjv' }],
          MeasureName: 'request',
          MeasureValueType: 'BIGINT',
          MeasureValue: String(value * 10),
          Time: String(T0 + minute * 60_000),
        },
      ]),
    }),
  );
});
afterAll(async () => {
  await f.close();
});

const binned = `WITH binned_timeseries AS (
SELECT hostname, BIN(time, 30s) AS binned_timestamp, ROUND(AVG(measure_value::double), 2) AS avg_cpu_utilization
FROM "sampleDB".DevOps
WHERE measure_name = 'cpu_utilization'
    AND hostname = 'host-Hovjv'
    AND time > ago(2h)
GROUP BY hostname, BIN(time, 30s)
)`;
const interpolated = (fn: string) => `${binned}, interpolated_timeseries AS (
SELECT hostname,
    ${fn}(
        CREATE_TIME_SERIES(binned_timestamp, avg_cpu_utilization),
            SEQUENCE(min(binned_timestamp), max(binned_timestamp), 15s)) AS interpolated_avg_cpu_utilization
FROM binned_timeseries
GROUP BY hostname
)
SELECT time, ROUND(value, 2) AS interpolated_cpu
FROM interpolated_timeseries
CROSS JOIN UNNEST(interpolated_avg_cpu_utilization)`;

describe('Interpolation functions page', () => {
  it('INTERPOLATE_LINEAR fills the gap every 15 s, UNNEST gives time and value', async () => {
    const { names, types, rows } = await run(f, `${interpolated('INTERPOLATE_LINEAR')} ORDER BY time`);
    expect(names).toEqual(['time', 'interpolated_cpu']);
    expect(types).toEqual(['TIMESTAMP', 'DOUBLE']);
    expect(rows).toHaveLength(17);
    expect(rows.slice(0, 3)).toEqual([
      [at(0), '50.0'],
      [at(0, 15), '52.5'],
      [at(0, 30), '55.0'],
    ]);
    // between 11:42 (80) and 11:44 (40): 11:43 is 60, 11:43:15 is 55
    expect(rows.slice(12)).toEqual([
      [at(3), '60.0'],
      [at(3, 15), '55.0'],
      [at(3, 30), '50.0'],
      [at(3, 45), '45.0'],
      [at(4), '40.0'],
    ]);
  });

  it('INTERPOLATE_LOCF carries the last observation forward', async () => {
    const { rows } = await run(f, `${interpolated('INTERPOLATE_LOCF')} ORDER BY time`);
    expect(rows.slice(12)).toEqual([
      [at(3), '80.0'],
      [at(3, 15), '80.0'],
      [at(3, 30), '80.0'],
      [at(3, 45), '80.0'],
      [at(4), '40.0'],
    ]);
  });

  it('single-timestamp forms give a DOUBLE; INTERPOLATE_FILL fills with a constant', async () => {
    const { types, rows } = await run(
      f,
      `SELECT INTERPOLATE_LINEAR(CREATE_TIME_SERIES(time, measure_value::double), TIMESTAMP '${at(3)}'),
              INTERPOLATE_LOCF(CREATE_TIME_SERIES(time, measure_value::double), TIMESTAMP '${at(3)}'),
              INTERPOLATE_FILL(CREATE_TIME_SERIES(time, measure_value::double), SEQUENCE(TIMESTAMP '${at(2)}', TIMESTAMP '${at(4)}', 1m), 0.0)
       FROM "sampleDB".DevOps WHERE measure_name = 'cpu_utilization' GROUP BY hostname`,
    );
    expect(types).toEqual(['DOUBLE', 'DOUBLE', 'timeseries(DOUBLE)']);
    expect(rows).toEqual([
      [
        '60.0',
        '80.0',
        [
          [at(2), '80.0'],
          [at(3), '0.0'],
          [at(4), '40.0'],
        ],
      ],
    ]);
  });

  it('INTERPOLATE_SPLINE_CUBIC: a natural cubic spline, nothing outside the points', async () => {
    // through (0 s, 0), (1 s, 1), (2 s, 8), (3 s, 27): second derivatives 0, 4.8, 16.8, 0 at the points, so
    // 0.2 at 0.5 s, 3.15 at 1.5 s, 16.45 at 2.5 s (worked by hand)
    const { type, value } = await single(
      f,
      `WITH s AS (SELECT CREATE_TIME_SERIES(t, v) AS ts FROM (VALUES
         (TIMESTAMP '2024-01-01 00:00:00', 0.0), (TIMESTAMP '2024-01-01 00:00:01', 1.0),
         (TIMESTAMP '2024-01-01 00:00:02', 8.0), (TIMESTAMP '2024-01-01 00:00:03', 27.0)) AS x(t, v))
       SELECT INTERPOLATE_SPLINE_CUBIC(ts, SEQUENCE(TIMESTAMP '2024-01-01 00:00:00.5', TIMESTAMP '2024-01-01 00:00:04', 1s)) FROM s`,
    );
    expect(type).toBe('timeseries(DOUBLE)');
    const points = value as [string, string][];
    expect(points.map((p) => p[0])).toEqual(
      ['00.5', '01.5', '02.5'].map((s) => `2024-01-01 00:00:${s}00000000`),
    );
    expect(points.map((p) => Number(p[1]))).toEqual([
      expect.closeTo(0.2, 12),
      expect.closeTo(3.15, 12),
      expect.closeTo(16.45, 12),
    ]);
    // the single-timestamp form on host-Hovjv's points (0 s 50, 60 s 60, 120 s 80, 240 s 40) at 180 s:
    // 71.0869565... by the same algorithm worked outside (1635/23)
    const single180 = await single(
      f,
      `SELECT INTERPOLATE_SPLINE_CUBIC(CREATE_TIME_SERIES(time, measure_value::double), TIMESTAMP '${at(3)}') FROM "sampleDB".DevOps WHERE measure_name = 'cpu_utilization'`,
    );
    expect(single180.type).toBe('DOUBLE');
    expect(Number(single180.value)).toBeCloseTo(1635 / 23, 10);
  });
});

describe('INTERPOLATE_SPLINE_CUBIC against values worked out independently', () => {
  it('five unevenly spaced points', async () => {
    // (0 s, 1), (1 s, 3), (3 s, 2), (4 s, 5), (7 s, 0): the natural spline's second derivatives solved exactly
    // in fractions (0, -1097/250, 708/125, -526/125, 0) and each segment evaluated in the textbook form
    // M[i] (x[i+1] - t)^3 / 6h + M[i+1] (t - x[i])^3 / 6h + ..., an independent formulation
    const { type, value } = await single(
      f,
      `SELECT INTERPOLATE_SPLINE_CUBIC(CREATE_TIME_SERIES(t, v), SEQUENCE(TIMESTAMP '2024-01-01 00:00:00.5', TIMESTAMP '2024-01-01 00:00:07', 1500ms))
       FROM (VALUES (TIMESTAMP '2024-01-01 00:00:00', 1.0), (TIMESTAMP '2024-01-01 00:00:01', 3.0), (TIMESTAMP '2024-01-01 00:00:03', 2.0),
         (TIMESTAMP '2024-01-01 00:00:04', 5.0), (TIMESTAMP '2024-01-01 00:00:07', 0.0)) AS x(t, v)`,
    );
    expect(type).toBe('timeseries(DOUBLE)');
    const points = value as [string, string][];
    expect(points.map((p) => p[0].slice(17, 23))).toEqual(['00.500', '02.000', '03.500', '05.000', '06.500']);
    expect(points.map((p) => Number(p[1]))).toEqual(
      [9097 / 4000, 2181 / 1000, 3409 / 1000, 1276 / 225, 3341 / 1800].map((x) => expect.closeTo(x, 12)),
    );
  });

  it('a series of 2,161 points (6 h every 10 s) completes, with the values of the curve it follows', async () => {
    // y = k^2 at the k-th point: away from both ends a natural spline through a parabola is the parabola itself
    // (the end conditions' effect shrinks by 2 - sqrt(3) per point), so at k + 1/2 it is (k + 1/2)^2
    const { type, value } = await single(
      f,
      `WITH pts AS (
         SELECT t, CAST(date_diff('second', TIMESTAMP '2024-01-01 00:00:00', t) AS DOUBLE) / 10 AS k
         FROM UNNEST(SEQUENCE(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 06:00:00', 10s)) AS u(t))
       SELECT INTERPOLATE_SPLINE_CUBIC(CREATE_TIME_SERIES(t, k * k),
         ARRAY[TIMESTAMP '2024-01-01 02:46:45', TIMESTAMP '2024-01-01 03:00:00', TIMESTAMP '2024-01-01 04:10:05', TIMESTAMP '2024-01-01 06:00:01'])
       FROM pts`,
    );
    expect(type).toBe('timeseries(DOUBLE)');
    const points = value as [string, string][];
    // the last timestamp is after the last point: left out
    expect(points.map((p) => p[0].slice(11, 19))).toEqual(['02:46:45', '03:00:00', '04:10:05']);
    expect(points.map((p) => Number(p[1]))).toEqual(
      [1000.5 ** 2, 1080 ** 2, 1500.5 ** 2].map((x) => expect.closeTo(x, 5)),
    );
    const single3h = await single(
      f,
      `WITH pts AS (
         SELECT t, CAST(date_diff('second', TIMESTAMP '2024-01-01 00:00:00', t) AS DOUBLE) / 10 AS k
         FROM UNNEST(SEQUENCE(TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 06:00:00', 10s)) AS u(t))
       SELECT INTERPOLATE_SPLINE_CUBIC(CREATE_TIME_SERIES(t, k * k), TIMESTAMP '2024-01-01 03:00:02.5') FROM pts`,
    );
    expect(single3h.type).toBe('DOUBLE');
    expect(Number(single3h.value)).toBeCloseTo(1080.25 ** 2, 5);
  });
});

describe('Timeseries views page', () => {
  it('CREATE_TIME_SERIES, then UNNEST with an alias and without', async () => {
    const series = `WITH interpolated_timeseries AS (
    SELECT hostname,
        INTERPOLATE_LINEAR(
            CREATE_TIME_SERIES(time, measure_value::double),
                SEQUENCE(ago(6h), now(), 10s)) AS interpolated_cpu_utilization
    FROM "sampleDB".DevOps
    WHERE measure_name = 'cpu_utilization' AND time >= ago(6h)
    GROUP BY hostname
)`;
    const withAlias = await run(
      f,
      `${series} SELECT hostname, avg(t.cpu_util) FROM interpolated_timeseries CROSS JOIN UNNEST(interpolated_cpu_utilization) AS t (time, cpu_util) GROUP BY hostname`,
    );
    const withoutAlias = await run(
      f,
      `${series} SELECT hostname, avg(value) FROM interpolated_timeseries CROSS JOIN UNNEST(interpolated_cpu_utilization) GROUP BY hostname`,
    );
    // every 10 s from 11:40 to 11:44 (25 points): 7 on 50..60 (sum 385), 6 after on ..80 (430), 12 on ..40 (700)
    expect(withAlias.types).toEqual(['VARCHAR', 'DOUBLE']);
    expect(withAlias.rows).toEqual(withoutAlias.rows);
    expect(Number(withAlias.rows[0]?.[1])).toBeCloseTo(1515 / 25, 9);
  });
});

describe('Derivatives, Integral and Correlation functions pages', () => {
  it('DERIVATIVE_LINEAR and NON_NEGATIVE_DERIVATIVE_LINEAR: the rate of change per interval', async () => {
    const { types, rows } = await run(
      f,
      `SELECT DERIVATIVE_LINEAR(CREATE_TIME_SERIES(time, measure_value::double), 5m) AS result,
              non_negative_derivative_linear(CREATE_TIME_SERIES(time, measure_value::double), 1m) AS rate
       FROM "sampleDB".DevOps WHERE measure_name = 'cpu_utilization' AND hostname = 'host-Hovjv' and time > ago(1h)
       GROUP BY hostname, measure_name`,
    );
    expect(types).toEqual(['timeseries(DOUBLE)', 'timeseries(DOUBLE)']);
    expect(rows).toEqual([
      [
        [
          [at(1), '50.0'],
          [at(2), '100.0'],
          [at(4), '-100.0'],
        ],
        [
          [at(1), '10.0'],
          [at(2), '20.0'],
        ],
      ],
    ]);
  });

  it('INTEGRAL_TRAPEZOIDAL: the area under the series per interval (default 1 s)', async () => {
    const { types, rows } = await run(
      f,
      `SELECT INTEGRAL_TRAPEZOIDAL(CREATE_TIME_SERIES(time, measure_value::bigint), 5m) AS result,
              INTEGRAL_TRAPEZOIDAL(CREATE_TIME_SERIES(time, measure_value::bigint)) AS per_second
       FROM "sampleDB".DevOps WHERE measure_name = 'request' AND hostname = 'host-Hovjv' AND time > ago (1h)
       GROUP BY hostname, measure_name`,
    );
    // (500+600)/2*60 + (600+800)/2*60 + (800+400)/2*120 = 33000+42000+72000 = 147000 request-seconds
    expect(types).toEqual(['DOUBLE', 'DOUBLE']);
    expect(rows).toEqual([['490.0', '147000.0']]);
  });

  it('correlate_pearson and correlate_spearman of two series with the same timestamps', async () => {
    const cte = (name: string, measure: string) => `${name} AS (
    SELECT INTERPOLATE_LINEAR(CREATE_TIME_SERIES(time, ${measure}), SEQUENCE(min(time), max(time), 1m)) AS result
    FROM sample.DevOps WHERE measure_name = 'cpu_utilization' AND hostname = 'host-Hovjv' AND time > ago(1h)
    GROUP BY hostname, measure_name)`;
    const { types, rows } = await run(
      f,
      `WITH ${cte('cte_1', 'measure_value::double')}, ${cte('cte_2', '100 - measure_value::double')}
       SELECT correlate_pearson(cte_1.result, cte_1.result) AS same, correlate_pearson(cte_1.result, cte_2.result) AS opposite,
              correlate_spearman(cte_1.result, cte_2.result) AS ranks
       FROM cte_1, cte_2`.replaceAll('sample.DevOps', '"sampleDB".DevOps'),
    );
    expect(types).toEqual(['DOUBLE', 'DOUBLE', 'DOUBLE']);
    expect(rows.map((r) => r.map(Number))).toEqual([[1, -1, -1]]);
  });
});

describe('Filter and reduce functions page', () => {
  const view = `WITH time_series_view AS (
    SELECT INTERPOLATE_LINEAR(
        CREATE_TIME_SERIES(time, ROUND(measure_value::double,2)),
            SEQUENCE(ago(20m), ago(16m), 30s)) AS cpu_user
    FROM "sampleDB".DevOps
    WHERE hostname = 'host-Hovjv' and measure_name = 'cpu_utilization'
        AND time > ago(30m)
    GROUP BY hostname
)`;

  it('FILTER keeps the points above 70', async () => {
    const { type, value } = await single(
      f,
      `${view} SELECT FILTER(cpu_user, x -> x.value > 70.0) AS cpu_above_threshold from time_series_view`,
    );
    expect(type).toBe('timeseries(DOUBLE)');
    // every 30 s: 50, 55, 60, 70, 80, 70, 60, 50, 40
    expect(value).toEqual([[at(2), '80.0']]);
  });

  it('REDUCE with a DOUBLE state and with a ROW state', async () => {
    const sum = await single(
      f,
      `${view} SELECT REDUCE(cpu_user, DOUBLE '0.0', (s, x) -> x.value * x.value + s, s -> s) from time_series_view`,
    );
    // 50² + 55² + 60² + 70² + 80² + 70² + 60² + 50² + 40²
    expect(sum).toEqual({ type: 'DOUBLE', value: '33025.0' });
    const fraction = await single(
      f,
      `${view} SELECT ROUND(
    REDUCE(cpu_user,
      CAST(ROW(0, 0) AS ROW(count_high BIGINT, count_total BIGINT)),
      (s, x) -> CAST(ROW(s.count_high + IF(x.value > 70.0, 1, 0), s.count_total + 1) AS ROW(count_high BIGINT, count_total BIGINT)),
      s -> IF(s.count_total = 0, NULL, CAST(s.count_high AS DOUBLE) / s.count_total)),
    4) AS fraction_cpu_above_threshold
from time_series_view`,
    );
    expect(fraction).toEqual({ type: 'DOUBLE', value: '0.1111' });
  });

  it('a lambda that is not one is refused naming the function', async () => {
    await expect(run(f, `${view} SELECT FILTER(cpu_user, 1) FROM time_series_view`)).rejects.toBeInstanceOf(
      ValidationException,
    );
  });
});
