import { type _Record, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type Fixture, startFixture } from '../local-timestream-fixture';
import { run } from './paged-query-fixture';

// The Timestream Developer Guide's "Queries with aggregate functions" sample page (the IoT scenario): its
// example table iot_trucks written to "sampleDB".IoT an hour before the clock, and every example query of the
// page. The measure names are those the page's queries use ('fuel-reading', 'load', 'speed', 'location').

const NOW = Date.UTC(2019, 11, 4, 20, 0, 0);
const AT = Date.UTC(2019, 11, 4, 19, 0, 0);
const trucks = [
  {
    truck_id: '123456781',
    make: 'GMC',
    model: 'Astro',
    fleet: 'Alpha',
    fuel_capacity: '100',
    load_capacity: '500',
  },
  {
    truck_id: '123456782',
    make: 'Kenworth',
    model: 'W900',
    fleet: 'Alpha',
    fuel_capacity: '150',
    load_capacity: '1000',
  },
];
const readings: Array<[truck: number, measure: string, value: string, type: 'DOUBLE' | 'VARCHAR']> = [
  [0, 'fuel-reading', '65.2', 'DOUBLE'],
  [0, 'load', '400.0', 'DOUBLE'],
  [0, 'speed', '90.2', 'DOUBLE'],
  [0, 'location', '47.6062 N, 122.3321 W', 'VARCHAR'],
  [1, 'fuel-reading', '10.1', 'DOUBLE'],
  [1, 'load', '950.3', 'DOUBLE'],
  [1, 'speed', '50.8', 'DOUBLE'],
  [1, 'location', '40.7128 degrees N, 74.0060 degrees W', 'VARCHAR'],
];

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ clock: () => BigInt(NOW) * 1_000_000n });
  await createTable(f.write, 'sampleDB', 'IoT');
  const records: _Record[] = readings.map(([truck, measure, value, type]) => ({
    Dimensions: Object.entries(trucks[truck] as Record<string, string>).map(([Name, Value]) => ({
      Name,
      Value,
    })),
    MeasureName: measure,
    MeasureValueType: type,
    MeasureValue: value,
    Time: String(AT),
  }));
  await f.write.send(
    new WriteRecordsCommand({ DatabaseName: 'sampleDB', TableName: 'IoT', Records: records }),
  );
});
afterAll(async () => {
  await f.close();
});

describe('Queries with aggregate functions (IoT sample queries)', () => {
  it('the sensor attributes and values monitored for each truck', async () => {
    const out = await run(
      f,
      `SELECT truck_id, fleet, fuel_capacity, model, load_capacity, make, measure_name
FROM "sampleDB".IoT
GROUP BY truck_id, fleet, fuel_capacity, model, load_capacity, make, measure_name`,
    );
    const sorted = [...out.rows].sort((a, b) => `${a[0]} ${a[6]}`.localeCompare(`${b[0]} ${b[6]}`));
    expect(sorted).toHaveLength(8);
    expect(sorted[0]).toEqual(['123456781', 'Alpha', '100', 'Astro', '500', 'GMC', 'fuel-reading']);
  });

  it('the most recent fuel reading of each truck in the past 24 hours', async () => {
    const out = await run(
      f,
      `WITH latest_recorded_time AS (
    SELECT truck_id, max(time) as latest_time
    FROM "sampleDB".IoT
    WHERE measure_name = 'fuel-reading'
    AND time >= ago(24h)
    GROUP BY truck_id
)
SELECT b.truck_id, b.fleet, b.make, b.model, b.time, b.measure_value::double as last_reported_fuel_reading
FROM latest_recorded_time a INNER JOIN "sampleDB".IoT b
ON a.truck_id = b.truck_id AND b.time = a.latest_time
WHERE b.measure_name = 'fuel-reading'
AND b.time > ago(24h)
ORDER BY b.truck_id`,
    );
    expect(out.types).toEqual(['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'TIMESTAMP', 'DOUBLE']);
    expect(out.rows).toEqual([
      ['123456781', 'Alpha', 'GMC', 'Astro', '2019-12-04 19:00:00.000000000', '65.2'],
      ['123456782', 'Alpha', 'Kenworth', 'W900', '2019-12-04 19:00:00.000000000', '10.1'],
    ]);
  });

  it('trucks running on low fuel (less than 10 %) in the past 48 hours', async () => {
    const out = await run(
      f,
      `WITH low_fuel_trucks AS (
    SELECT time, truck_id, fleet, make, model, (measure_value::double/cast(fuel_capacity as double)*100) AS fuel_pct
    FROM "sampleDB".IoT
    WHERE time >= ago(48h)
    AND (measure_value::double/cast(fuel_capacity as double)*100) < 10
    AND measure_name = 'fuel-reading'
),
other_trucks AS (
SELECT time, truck_id, (measure_value::double/cast(fuel_capacity as double)*100) as remaining_fuel
    FROM "sampleDB".IoT
    WHERE time >= ago(48h)
    AND truck_id IN (SELECT truck_id FROM low_fuel_trucks)
    AND (measure_value::double/cast(fuel_capacity as double)*100) >= 10
    AND measure_name = 'fuel-reading'
),
trucks_that_refuelled AS (
    SELECT a.truck_id
    FROM low_fuel_trucks a JOIN other_trucks b
    ON a.truck_id = b.truck_id AND b.time >= a.time
)
SELECT DISTINCT truck_id, fleet, make, model, fuel_pct
FROM low_fuel_trucks
WHERE truck_id NOT IN (
    SELECT truck_id FROM trucks_that_refuelled
)`,
    );
    // 10.1 of 150 is 6.73 %
    expect(out.rows.map((r) => [...r.slice(0, 4), Number(r[4]).toFixed(2)])).toEqual([
      ['123456782', 'Alpha', 'Kenworth', 'W900', '6.73'],
    ]);
  });

  it('average load and max speed of each truck for the past week', async () => {
    const out = await run(
      f,
      `SELECT bin(time, 1d) as binned_time, fleet, truck_id, make, model,
    AVG(CASE WHEN measure_name = 'load' THEN measure_value::double ELSE NULL END) AS avg_load_tons,
    MAX(CASE WHEN measure_name = 'speed' THEN measure_value::double ELSE NULL END) AS max_speed_mph
FROM "sampleDB".IoT
WHERE time >= ago(7d)
AND measure_name IN ('load', 'speed')
GROUP BY fleet, truck_id, make, model, bin(time, 1d)
ORDER BY truck_id`,
    );
    expect(out.rows).toEqual([
      ['2019-12-04 00:00:00.000000000', 'Alpha', '123456781', 'GMC', 'Astro', '400.0', '90.2'],
      ['2019-12-04 00:00:00.000000000', 'Alpha', '123456782', 'Kenworth', 'W900', '950.3', '50.8'],
    ]);
  });

  it('the load efficiency of each truck for the past week', async () => {
    const out = await run(
      f,
      `WITH average_load_per_truck AS (
    SELECT truck_id, avg(measure_value::double) AS avg_load
    FROM "sampleDB".IoT
    WHERE measure_name = 'load'
    AND time >= ago(7d)
    GROUP BY truck_id, fleet, load_capacity, make, model
),
truck_load_efficiency AS (
    SELECT a.truck_id, fleet, load_capacity, make, model, avg_load, measure_value::double, time,
        (measure_value::double*100)/avg_load as load_efficiency -- , approx_percentile(avg_load_pct, DOUBLE '0.9')
    FROM "sampleDB".IoT a JOIN average_load_per_truck b
    ON a.truck_id = b.truck_id
    WHERE a.measure_name = 'load'
)
SELECT truck_id, time, load_efficiency
FROM truck_load_efficiency
ORDER BY truck_id, time`,
    );
    expect(out.rows).toEqual([
      ['123456781', '2019-12-04 19:00:00.000000000', '100.0'],
      ['123456782', '2019-12-04 19:00:00.000000000', '100.0'],
    ]);
  });
});
