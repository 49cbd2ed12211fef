import { type _Record, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type Fixture, startFixture } from '../local-timestream-fixture';
import { run } from './paged-query-fixture';

// The Timestream Developer Guide's "Queries with time series functions" sample page (the DevOps scenario):
// its example table ec2_metrics written to "sampleDB".DevOps, and every example query of the page. The queries
// ask for host 'host-Hovjv', which the page's table does not hold: it is written as a copy of frontend01.

const NOW = Date.UTC(2019, 11, 4, 20, 0, 0); // an hour after the page's rows
type Row = [
  second: number,
  host: string,
  az: string,
  cpu: number,
  memory: number,
  bytesIn: number,
  bytesOut: number,
];
// biome-ignore format: the page's table, one line per host and time
const table: Row[] = [
  [0, 'frontend01', 'us-east-1a', 35.1, 55.3, 1500, 6700],
  [0, 'frontend02', 'us-east-1b', 38.5, 58.4, 23000, 12000],
  [0, 'frontend03', 'us-east-1c', 45.0, 65.8, 15000, 836000],
  [5, 'frontend01', 'us-east-1a', 55.2, 75.0, 1245, 68432],
  [8, 'frontend02', 'us-east-1b', 65.6, 85.3, 1245, 68432],
  [20, 'frontend03', 'us-east-1c', 12.1, 32.0, 1400, 345],
  [10, 'frontend01', 'us-east-1a', 15.3, 35.4, 23, 0],
  [16, 'frontend02', 'us-east-1b', 44.0, 64.2, 1450, 200],
  [40, 'frontend03', 'us-east-1c', 66.4, 86.3, 300, 423],
];
const rows = [
  ...table,
  ...table.filter((r) => r[1] === 'frontend01').map((r): Row => [r[0], 'host-Hovjv', ...r.slice(2)] as Row),
];

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ clock: () => BigInt(NOW) * 1_000_000n });
  await createTable(f.write, 'sampleDB', 'DevOps');
  const records: _Record[] = rows.flatMap(([second, hostname, az, cpu, memory, bytesIn, bytesOut]) => {
    const common = {
      Dimensions: [
        { Name: 'region', Value: 'us-east-1' },
        { Name: 'az', Value: az },
        { Name: 'hostname', Value: hostname },
      ],
      Time: String(Date.UTC(2019, 11, 4, 19, 0, second)),
    };
    return [
      { ...common, MeasureName: 'cpu_utilization', MeasureValueType: 'DOUBLE', MeasureValue: String(cpu) },
      {
        ...common,
        MeasureName: 'memory_utilization',
        MeasureValueType: 'DOUBLE',
        MeasureValue: String(memory),
      },
      {
        ...common,
        MeasureName: 'network_bytes_in',
        MeasureValueType: 'BIGINT',
        MeasureValue: String(bytesIn),
      },
      {
        ...common,
        MeasureName: 'network_bytes_out',
        MeasureValueType: 'BIGINT',
        MeasureValue: String(bytesOut),
      },
    ];
  });
  await f.write.send(
    new WriteRecordsCommand({ DatabaseName: 'sampleDB', TableName: 'DevOps', Records: records }),
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

describe('Queries with time series functions (DevOps sample queries)', () => {
  it('average, p90, p95 and p99 CPU utilization of a host over the past 2 hours', async () => {
    const out = await run(
      f,
      `SELECT region, az, hostname, BIN(time, 15s) AS binned_timestamp,
    ROUND(AVG(measure_value::double), 2) AS avg_cpu_utilization,
    ROUND(APPROX_PERCENTILE(measure_value::double, 0.9), 2) AS p90_cpu_utilization,
    ROUND(APPROX_PERCENTILE(measure_value::double, 0.95), 2) AS p95_cpu_utilization,
    ROUND(APPROX_PERCENTILE(measure_value::double, 0.99), 2) AS p99_cpu_utilization
FROM "sampleDB".DevOps
WHERE measure_name = 'cpu_utilization'
    AND hostname = 'host-Hovjv'
    AND time > ago(2h)
GROUP BY region, hostname, az, BIN(time, 15s)
ORDER BY binned_timestamp ASC`,
    );
    expect(out.types).toEqual([
      'VARCHAR',
      'VARCHAR',
      'VARCHAR',
      'TIMESTAMP',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
    ]);
    // 19:00:00 35.1, 19:00:05 55.2, 19:00:10 15.3 in one 15 s bin
    expect(out.rows).toEqual([
      [
        'us-east-1',
        'us-east-1a',
        'host-Hovjv',
        '2019-12-04 19:00:00.000000000',
        '35.2',
        '55.2',
        '55.2',
        '55.2',
      ],
    ]);
  });

  it('hosts 10 % or more above the fleet average', async () => {
    const out = await run(
      f,
      `WITH avg_fleet_utilization AS (
    SELECT COUNT(DISTINCT hostname) AS total_host_count, AVG(measure_value::double) AS fleet_avg_cpu_utilization
    FROM "sampleDB".DevOps
    WHERE measure_name = 'cpu_utilization'
        AND time > ago(2h)
), avg_per_host_cpu AS (
    SELECT region, az, hostname, AVG(measure_value::double) AS avg_cpu_utilization
    FROM "sampleDB".DevOps
    WHERE measure_name = 'cpu_utilization'
        AND time > ago(2h)
    GROUP BY region, az, hostname
)
SELECT region, az, hostname, avg_cpu_utilization, fleet_avg_cpu_utilization
FROM avg_fleet_utilization, avg_per_host_cpu
WHERE avg_cpu_utilization > 1.1 * fleet_avg_cpu_utilization
ORDER BY avg_cpu_utilization DESC`,
    );
    // fleet: 482.8 / 12 = 40.23; frontend02: 148.1 / 3 = 49.37 is the only host above 44.26
    expect(out.rows.map((r) => [r[2], Number(r[3]).toFixed(4), Number(r[4]).toFixed(4)])).toEqual([
      ['frontend02', '49.3667', '40.2333'],
    ]);
  });

  it('average CPU utilization of a host in 30 s bins', async () => {
    const out = await run(
      f,
      `SELECT BIN(time, 30s) AS binned_timestamp, ROUND(AVG(measure_value::double), 2) AS avg_cpu_utilization
FROM "sampleDB".DevOps
WHERE measure_name = 'cpu_utilization'
    AND hostname = 'host-Hovjv'
    AND time > ago(2h)
GROUP BY hostname, BIN(time, 30s)
ORDER BY binned_timestamp ASC`,
    );
    expect(out.rows).toEqual([['2019-12-04 19:00:00.000000000', '35.2']]);
  });

  it.each(['INTERPOLATE_LINEAR', 'INTERPOLATE_LOCF'])(
    '30 s bins with the missing values filled by %s',
    async (fn) => {
      const out = await run(f, interpolated(fn));
      expect(out.names).toEqual(['time', 'interpolated_cpu']);
      expect(out.types).toEqual(['TIMESTAMP', 'DOUBLE']);
      expect(out.rows).toEqual([['2019-12-04 19:00:00.000000000', '35.2']]);
    },
  );
});
