import type { Datum } from '@aws-sdk/client-timestream-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationException } from '../../src/errors';
import { createQueryEngine, type QueryEngine } from '../../src/sql';
import { FixtureStore, nsOf, type SingleMeasureRow } from './storage-fixture';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const ts = (ms: number) => iso(ms).replace('T', ' ').replace('Z', '000000');
const HALF_HOUR = 1_800_000;

// d1 and d2 report temp every 30 min for 5 h; d1 also a bigint count, d2 a varchar state; one boolean
const rows: SingleMeasureRow[] = [];
for (let i = 0; i < 10; i++) {
  const time = iso(T0 + i * HALF_HOUR);
  rows.push({
    time,
    dimensions: { device: 'd1', site: 's1' },
    measureName: 'temp',
    type: 'double',
    value: 20 + i,
  });
  rows.push({
    time,
    dimensions: { device: 'd2', site: 's1' },
    measureName: 'temp',
    type: 'double',
    value: 30 + i * 0.5,
  });
  rows.push({
    time,
    dimensions: { device: 'd1', site: 's1' },
    measureName: 'count',
    type: 'bigint',
    value: i * 10,
  });
  rows.push({
    time,
    dimensions: { device: 'd2', site: 's1' },
    measureName: 'state',
    type: 'varchar',
    value: i % 3 === 0 ? "it's ok" : 'bad',
  });
}
rows.push({
  time: iso(T0),
  dimensions: { device: 'd1', site: 's1' },
  measureName: 'flag',
  type: 'boolean',
  value: true,
});
const temps = (device: string) =>
  rows
    .filter((r) => r.measureName === 'temp' && r.dimensions.device === device)
    .map((r) => r.value as number);

const values = (result: { rows: { Data?: Datum[] }[] }) =>
  result.rows.map((r) => r.Data?.map((d) => (d.NullValue ? null : d.ScalarValue)));
const scalarTypes = (result: { columnInfo: { Name?: string; Type?: { ScalarType?: string } }[] }) =>
  result.columnInfo.map((c) => [c.Name, c.Type?.ScalarType]);

describe('Timestream SQL on DuckDB', () => {
  let engine: QueryEngine;
  let store: FixtureStore;
  const q = (sql: string) => engine.execute(sql);
  const one = async (sql: string) => values(await q(sql))[0];
  const rejects = async (sql: string, message: string | RegExp) => {
    const error = await q(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(message);
  };

  beforeAll(async () => {
    store = await FixtureStore.create();
    await store.addTable({ database: 'db', table: 't', dimensions: ['device', 'site'], rows });
    await store.addTable({
      database: 'db',
      table: 'retained',
      dimensions: ['device'],
      rows: [0, 1, 2, 3].map((i) => ({
        time: iso(T0 + i * 3600_000),
        dimensions: { device: 'd1' },
        measureName: 'temp',
        type: 'double',
        value: i,
      })),
      retentionCutoffNs: nsOf(iso(T0 + 2 * 3600_000)),
    });
    await store.addTable(
      {
        database: 'db',
        table: 'multi',
        dimensions: ['device'],
        multiMeasureColumns: [
          { name: 'co2', type: 'DOUBLE' },
          { name: 'status', type: 'VARCHAR' },
        ],
      },
      [{ name: 'reading', dataType: 'multi', dimensions: ['device'] }],
    );
    store.addDatabase('empty');
    engine = createQueryEngine({
      connection: store.connection,
      catalog: store,
      now: () => nsOf(iso(T0 + 5 * 3600_000)),
    });
  });

  describe('table references and columns', () => {
    it('SELECT * shows dimensions, measure_name, time, then the measure value columns written, never __ts_*', async () => {
      const result = await q('SELECT * FROM "db"."t" ORDER BY time, device, measure_name LIMIT 1');
      expect(scalarTypes(result)).toEqual([
        ['device', 'VARCHAR'],
        ['site', 'VARCHAR'],
        ['measure_name', 'VARCHAR'],
        ['time', 'TIMESTAMP'],
        ['measure_value::double', 'DOUBLE'],
        ['measure_value::bigint', 'BIGINT'],
        ['measure_value::varchar', 'VARCHAR'],
        ['measure_value::boolean', 'BOOLEAN'],
      ]);
      expect(values(result)[0]).toEqual(['d1', 's1', 'count', ts(T0), null, '0', null, null]);
    });

    it('accepts unquoted db.table, aliases and qualified columns', async () => {
      expect(
        await one(
          `SELECT x.device, count(*) FROM db.t x WHERE x.measure_name = 'temp' AND x.device = 'd2' GROUP BY x.device`,
        ),
      ).toEqual(['d2', '10']);
    });

    it('shows MULTI measure columns after measure_name and time', async () => {
      const result = await q('SELECT * FROM "db"."multi"');
      expect(scalarTypes(result)).toEqual([
        ['device', 'VARCHAR'],
        ['measure_name', 'VARCHAR'],
        ['time', 'TIMESTAMP'],
        ['co2', 'DOUBLE'],
        ['status', 'VARCHAR'],
      ]);
    });

    it('hides rows past retention', async () => {
      expect(values(await q('SELECT measure_value::double FROM "db"."retained" ORDER BY time'))).toEqual([
        ['2.0'],
        ['3.0'],
      ]);
    });

    it('names unaliased expressions _col<N> and keeps column names', async () => {
      const result = await q(`SELECT device, count(*), max(time) FROM "db"."t" GROUP BY device ORDER BY 1`);
      expect(result.columnInfo.map((c) => c.Name)).toEqual(['device', '_col1', '_col2']);
    });

    it('reads string literals with doubled quotes, quoted identifiers and comments', async () => {
      const result = await q(`-- state of d2
        SELECT count(*) AS "n" /* block
        comment */ FROM "db"."t" WHERE measure_value::varchar = 'it''s ok'`);
      expect(values(result)).toEqual([['4']]);
    });
  });

  describe('time', () => {
    it('fixes now() once per query, ago() and bare durations subtract from it', async () => {
      expect(await one("SELECT now(), ago(1h), now() - 12h, now() - INTERVAL '30' MINUTE")).toEqual([
        ts(T0 + 5 * 3600_000),
        ts(T0 + 4 * 3600_000),
        ts(T0 - 7 * 3600_000),
        ts(T0 + 4.5 * 3600_000),
      ]);
    });

    it('filters on time with ago(), BETWEEN and from_milliseconds', async () => {
      const recent = await one(
        `SELECT count(*) FROM "db"."t" WHERE measure_name = 'temp' AND time >= ago(2h)`,
      );
      // readings at 3:00, 3:30, 4:00, 4:30 for two devices
      expect(recent).toEqual(['8']);
      const between = await one(
        `SELECT count(*) FROM "db"."t" WHERE time BETWEEN from_milliseconds(${T0}) AND from_milliseconds(${T0 + HALF_HOUR}) AND measure_name = 'temp'`,
      );
      expect(between).toEqual(['4']);
    });

    it('types interval literals as INTERVAL_DAY_TO_SECOND', async () => {
      const result = await q(`SELECT 1d + 12h + 15m + 10s + 60000ms AS i, INTERVAL '12' HOUR AS j`);
      expect(scalarTypes(result)).toEqual([
        ['i', 'INTERVAL_DAY_TO_SECOND'],
        ['j', 'INTERVAL_DAY_TO_SECOND'],
      ]);
      expect(values(result)[0]).toEqual(['1 12:16:10.000000000', '0 12:00:00.000000000']);
    });

    it('bins time on the epoch, as TIMESTAMP, for minutes, hours and nanoseconds', async () => {
      const result = await q(
        `SELECT bin(time, 1h) AS h, count(*) AS n FROM "db"."t" WHERE measure_name = 'temp' AND device = 'd1' GROUP BY bin(time, 1h) ORDER BY h`,
      );
      expect(scalarTypes(result)).toEqual([
        ['h', 'TIMESTAMP'],
        ['n', 'BIGINT'],
      ]);
      expect(values(result)).toEqual([0, 1, 2, 3, 4].map((h) => [ts(T0 + h * 3600_000), '2']));
      expect(
        await one(
          `SELECT bin(from_nanoseconds(1700000000123456789), 50ns), bin(from_milliseconds(${T0 + 7 * 60_000}), 10m)`,
        ),
      ).toEqual(['2023-11-14 22:13:20.123456750', ts(T0)]);
    });

    it('shifts bins by a time-zone offset and picks first/last values with min_by/max_by (rollup style)', async () => {
      const result = await q(`
        SELECT device, bin(time + 9h, 1d) - 9h AS local_day, min_by(measure_value::double, time) AS first, max_by(measure_value::double, time) AS last
        FROM "db"."t"
        WHERE measure_name = 'temp' AND time >= from_iso8601_timestamp('2023-12-31T15:00:00Z') AND time < from_iso8601_timestamp('2024-01-01T15:00:00Z')
        GROUP BY device, bin(time + 9h, 1d) - 9h
        ORDER BY device`);
      // 2024-01-01 in UTC+9 starts at 2023-12-31T15:00Z
      expect(values(result)).toEqual([
        ['d1', ts(T0 - 9 * 3600_000), '20.0', '29.0'],
        ['d2', ts(T0 - 9 * 3600_000), '30.0', '34.5'],
      ]);
    });

    it('truncates with date_trunc and converts with from_/to_ functions', async () => {
      const t = T0 + 40 * 86_400_000 + 3_723_456; // 2024-02-10 01:02:03.456
      expect(
        await one(
          `SELECT date_trunc('day', from_milliseconds(${t})), date_trunc('month', from_milliseconds(${t})), to_milliseconds(from_milliseconds(${t})), to_iso8601(from_milliseconds(${t})), from_iso8601_timestamp('2024-02-10T01:02:03.456Z'), to_unixtime(from_milliseconds(${t})), from_unixtime(${t / 1000})`,
        ),
      ).toEqual([
        ts(T0 + 40 * 86_400_000),
        ts(Date.UTC(2024, 1, 1)),
        String(t),
        '2024-02-10T01:02:03.456000000Z',
        ts(t),
        '1.707526923456E9', // Java's Double.toString, as Timestream prints doubles
        ts(t),
      ]);
    });

    it('extracts date parts (ISO day of week, Monday = 1)', async () => {
      // 2024-02-10 is a Saturday
      const t = `from_milliseconds(${Date.UTC(2024, 1, 10, 13, 45, 7, 89)})`;
      expect(
        await one(
          `SELECT year(${t}), month(${t}), day(${t}), hour(${t}), minute(${t}), second(${t}), millisecond(${t}), day_of_week(${t}), extract(day_of_week FROM ${t}), extract(YEAR FROM ${t})`,
        ),
      ).toEqual(['2024', '2', '10', '13', '45', '7', '89', '6', '6', '2024']);
    });
  });

  describe('aggregates and expressions', () => {
    it('computes avg/min/max/sum/count/stddev/variance/count(DISTINCT)', async () => {
      const d1 = temps('d1');
      const mean = d1.reduce((a, b) => a + b, 0) / d1.length;
      const variance = d1.reduce((a, b) => a + (b - mean) ** 2, 0) / (d1.length - 1);
      const row = await one(
        `SELECT avg(measure_value::double), min(measure_value::double), max(measure_value::double), sum(measure_value::double), count(*), stddev(measure_value::double), variance(measure_value::double), count(DISTINCT device) FROM "db"."t" WHERE measure_name = 'temp' AND device = 'd1'`,
      );
      expect(row?.map(Number)).toEqual([mean, 20, 29, 245, 10, Math.sqrt(variance), variance, 1]);
    });

    it('computes approx_percentile, approx_distinct, max_by and min_by', async () => {
      const row = await one(
        `SELECT approx_percentile(measure_value::double, 0.5), approx_distinct(device), max_by(device, measure_value::double), min_by(time, measure_value::double) FROM "db"."t" WHERE measure_name = 'temp'`,
      );
      const all = [...temps('d1'), ...temps('d2')].sort((a, b) => a - b);
      expect(all).toContain(Number(row?.[0]));
      expect(Number(row?.[0])).toBeGreaterThanOrEqual(all[8] as number);
      expect(Number(row?.[0])).toBeLessThanOrEqual(all[11] as number);
      expect(row?.slice(1)).toEqual(['2', 'd2', ts(T0)]);
    });

    it('evaluates IF, ROUND, CAST, ||, coalesce, abs, floor, ceil and CASE', async () => {
      expect(
        await one(
          `SELECT IF(1 < 2, 'yes', 'no'), IF(1 > 2, 'yes'), ROUND(2.345, 2), ROUND(2.5), CAST('42' AS bigint), CAST(7 AS double), CAST(1.5 AS varchar), 'a' || 'b' || CAST(1 AS varchar), coalesce(NULL, 'x'), abs(-3), floor(2.7), ceil(2.1), CASE WHEN 2 > 1 THEN 'big' ELSE 'small' END, 7 / 2, 7 / 2.0`,
        ),
      ).toEqual([
        'yes',
        null,
        '2.35',
        '3.0',
        '42',
        '7.0',
        '1.5',
        'ab1',
        'x',
        '3',
        '2.0',
        '3.0',
        'big',
        '3',
        '3.5',
      ]);
    });

    it('keeps Trino NULL semantics of concat, greatest and least, and whole units of date_diff', async () => {
      expect(
        await one(
          `SELECT concat('a', NULL), concat('a', 'b', 1), greatest(1, NULL, 3), least(4, 2, 3), date_diff('day', from_milliseconds(${T0}), from_milliseconds(${T0 + 86_400_000 * 2 - 1}))`,
        ),
      ).toEqual([null, 'ab1', null, '2', '1']);
    });

    it('reads IS DISTINCT FROM as a comparison and names an INTERVAL literal _col<N>', async () => {
      const result = await q(
        `SELECT count(*) AS n, INTERVAL '1' DAY FROM "db"."t" WHERE device IS DISTINCT FROM 'd1'`,
      );
      expect(result.columnInfo.map((c) => c.Name)).toEqual(['n', '_col1']);
      expect(values(result)).toEqual([['20', '1 00:00:00.000000000']]);
    });

    it('answers concurrent queries each with its own result', async () => {
      const [a, b] = await Promise.all([
        one('SELECT 7 / 2'),
        one(`SELECT count(*) FROM "db"."t" WHERE device = 'd2'`),
      ]);
      expect([a, b]).toEqual([['3'], ['20']]);
    });

    it('answers the recorded select-consts query with its types and values', async () => {
      const result = await q(
        `SELECT 1 AS t_int32, 'two' AS t_varchar, TIMESTAMP '2020-08-08 01:00:00' AS timestamp, INTERVAL '1' DAY + INTERVAL '21' HOUR AS interval_day_to_second, INTERVAL '31' MONTH AS interval_year_to_month, TIME '01:00:00' AS time, DATE '2020-08-08' AS date`,
      );
      // select-consts.json, as recorded from the service
      expect(scalarTypes(result)).toEqual([
        ['t_int32', 'INTEGER'],
        ['t_varchar', 'VARCHAR'],
        ['timestamp', 'TIMESTAMP'],
        ['interval_day_to_second', 'INTERVAL_DAY_TO_SECOND'],
        ['interval_year_to_month', 'INTERVAL_YEAR_TO_MONTH'],
        ['time', 'TIME'],
        ['date', 'DATE'],
      ]);
      expect(values(result)).toEqual([
        [
          '1',
          'two',
          '2020-08-08 01:00:00.000000000',
          '1 21:00:00.000000000',
          '2-7',
          '01:00:00.000000000',
          '2020-08-08',
        ],
      ]);
    });

    it('formats doubles as Timestream does', async () => {
      expect(
        await one(
          'SELECT CAST(600 AS double), CAST(0.0001 AS double), CAST(12345678.9 AS double), CAST(-24.5 AS double), CAST(0 AS double)',
        ),
      ).toEqual(['600.0', '1.0E-4', '1.23456789E7', '-24.5', '0.0']);
    });

    it('runs WITH, subqueries, joins, GROUP BY ordinal, HAVING, ORDER BY and LIMIT', async () => {
      const result = await q(`
        WITH latest AS (SELECT device, max(time) AS last_time FROM "db"."t" WHERE measure_name = 'temp' GROUP BY 1)
        SELECT l.device, t.measure_value::double AS last_temp
        FROM latest l JOIN "db"."t" t ON t.device = l.device AND t.time = l.last_time
        WHERE t.measure_name = 'temp' AND t.device IN (SELECT device FROM "db"."t" GROUP BY device HAVING count(*) > 10)
        ORDER BY last_temp DESC
        LIMIT 5`);
      expect(values(result)).toEqual([
        ['d2', '34.5'],
        ['d1', '29.0'],
      ]);
    });

    it('runs window functions', async () => {
      const result = await q(`
        SELECT device, measure_value::double AS v,
          ROW_NUMBER() OVER (PARTITION BY device ORDER BY time) AS rn,
          RANK() OVER (ORDER BY measure_value::double DESC) AS r,
          DENSE_RANK() OVER (PARTITION BY device ORDER BY measure_value::double DESC) AS dr,
          LAG(measure_value::double, 1) OVER (PARTITION BY device ORDER BY time) AS prev,
          LEAD(measure_value::double) OVER (PARTITION BY device ORDER BY time) AS next,
          FIRST_VALUE(measure_value::double) OVER (PARTITION BY device ORDER BY time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS first
        FROM "db"."t" WHERE measure_name = 'temp' ORDER BY device, time LIMIT 2`);
      expect(values(result)).toEqual([
        ['d1', '20.0', '1', '20', '10', null, '21.0', '20.0'],
        ['d1', '21.0', '2', '19', '9', '20.0', '22.0', '20.0'],
      ]);
    });

    it('runs UNION, IN, BETWEEN and LIKE', async () => {
      const result = await q(`
        SELECT device FROM "db"."t" WHERE measure_name LIKE 'te%' AND measure_value::double BETWEEN 20 AND 20.5
        UNION
        SELECT device FROM "db"."t" WHERE measure_name IN ('state') AND measure_value::varchar NOT LIKE 'it%'
        ORDER BY 1`);
      expect(values(result)).toEqual([['d1'], ['d2']]);
    });

    it('builds CREATE_TIME_SERIES columns ordered by time', async () => {
      const result = await q(
        `SELECT device, CREATE_TIME_SERIES(time, measure_value::double) AS series FROM "db"."t" WHERE measure_name = 'temp' GROUP BY device ORDER BY device`,
      );
      expect(result.columnInfo[1]).toEqual({
        Name: 'series',
        Type: { TimeSeriesMeasureValueColumnInfo: { Type: { ScalarType: 'DOUBLE' } } },
      });
      const series = result.rows[1]?.Data?.[1]?.TimeSeriesValue ?? [];
      expect(series.map((p) => [p.Time, p.Value?.ScalarValue])).toEqual(
        temps('d2').map((v, i) => [ts(T0 + i * HALF_HOUR), Number.isInteger(v) ? `${v}.0` : `${v}`]),
      );
    });
  });

  describe('errors', () => {
    it('names an unknown table or database with its position', async () => {
      await rejects('SELECT * FROM "db"."nope"', "line 1:15: Table 'db.nope' does not exist");
      await rejects('SELECT *\nFROM nodb.t', "line 2:6: Database 'nodb' does not exist");
    });

    it('names an unresolved column', async () => {
      await rejects(
        'SELECT device,\n  humidity FROM "db"."t"',
        "line 2:3: Column 'humidity' cannot be resolved",
      );
      await rejects(
        'SELECT measure_value::double FROM "db"."multi"',
        "Column 'measure_value::double' cannot be resolved",
      );
    });

    it('refuses unsupported functions by name, never answering with something else', async () => {
      await rejects(
        'SELECT url_extract_host(device) FROM "db"."t"',
        "line 1:8: Function 'url_extract_host' is not supported",
      );
      await rejects(
        'SELECT array_sort(ARRAY[3, 1], a -> 0) FROM "db"."t"',
        "Function 'array_sort' expects a lambda with 2 parameter(s) as argument 2",
      );
    });

    it('reports syntax errors with line and column', async () => {
      await rejects("SELECT 'open FROM x", /^line 1:8: unterminated string literal/);
      await rejects('SELECT (1 FROM "db"."t"', /^line 1:8: mismatched input '\('/);
      await rejects('SELECT device FROM "db"."t" WHERE device = = 1', /mismatched input '='/);
      await rejects('SELECT device::varchar FROM "db"."t"', /line 1:14: '::' casts are not supported/);
      await rejects('SELECT 50ns', /line 1:8: duration '50ns' is finer than a microsecond/);
      await rejects('DELETE FROM "db"."t"', /Statement 'DELETE' is not supported/);
    });
  });

  describe('metadata statements', () => {
    it('SHOW DATABASES and SHOW TABLES [FROM] [LIKE]', async () => {
      const dbs = await q('SHOW DATABASES');
      expect(dbs.columnInfo).toEqual([{ Name: 'Database', Type: { ScalarType: 'VARCHAR' } }]);
      expect(values(dbs)).toEqual([['db'], ['empty']]);
      const tables = await q('SHOW TABLES FROM "db"');
      expect(tables.columnInfo).toEqual([{ Name: 'Table', Type: { ScalarType: 'VARCHAR' } }]);
      expect(values(tables)).toEqual([['multi'], ['retained'], ['t']]);
      expect(values(await q(`SHOW TABLES IN db LIKE 'r%'`))).toEqual([['retained']]);
      await rejects('SHOW TABLES FROM "nodb"', "Database 'nodb' does not exist");
    });

    it('SHOW MEASURES in the recorded shape', async () => {
      const result = await q(`SHOW MEASURES FROM "db"."t" LIKE '%e%'`);
      expect(result.columnInfo).toEqual([
        { Name: 'measure_name', Type: { ScalarType: 'VARCHAR' } },
        { Name: 'data_type', Type: { ScalarType: 'VARCHAR' } },
        {
          Name: 'dimensions',
          Type: {
            ArrayColumnInfo: {
              Type: {
                RowColumnInfo: [
                  { Name: 'dimension_name', Type: { ScalarType: 'VARCHAR' } },
                  { Name: 'data_type', Type: { ScalarType: 'VARCHAR' } },
                ],
              },
            },
          },
        },
      ]);
      expect(result.rows.map((r) => r.Data?.[0]?.ScalarValue)).toEqual(['state', 'temp']);
      expect(result.rows[1]?.Data).toEqual([
        { ScalarValue: 'temp' },
        { ScalarValue: 'double' },
        {
          ArrayValue: [
            { RowValue: { Data: [{ ScalarValue: 'device' }, { ScalarValue: 'varchar' }] } },
            { RowValue: { Data: [{ ScalarValue: 'site' }, { ScalarValue: 'varchar' }] } },
          ],
        },
      ]);
    });

    it('DESCRIBE in the recorded shape', async () => {
      const result = await q('DESCRIBE "db"."t"');
      expect(result.columnInfo.map((c) => c.Name)).toEqual(['Column', 'Type', 'Timestream attribute type']);
      expect(values(result)).toEqual([
        ['device', 'varchar', 'DIMENSION'],
        ['site', 'varchar', 'DIMENSION'],
        ['measure_name', 'varchar', 'MEASURE_NAME'],
        ['time', 'timestamp', 'TIMESTAMP'],
        ['measure_value::double', 'double', 'MEASURE_VALUE'],
        ['measure_value::bigint', 'bigint', 'MEASURE_VALUE'],
        ['measure_value::varchar', 'varchar', 'MEASURE_VALUE'],
        ['measure_value::boolean', 'boolean', 'MEASURE_VALUE'],
      ]);
    });
  });

  describe('bytes scanned', () => {
    it('counts the rows in the WHERE time range times the width of the columns named', async () => {
      const all = await q(`SELECT avg(measure_value::double) FROM "db"."t"`);
      const recent = await q(`SELECT avg(measure_value::double) FROM "db"."t" WHERE time >= ago(1h)`);
      const wide = await q(`SELECT * FROM "db"."t"`);
      // 41 rows x (time 8 + double 8)
      expect(all.bytesScanned).toBe(41 * 16);
      // readings at 4:00 and 4:30: 4 measures x 2 devices... d1 temp+count, d2 temp+state = 8 rows
      expect(recent.bytesScanned).toBe(8 * 16);
      expect(wide.bytesScanned).toBeGreaterThan(all.bytesScanned);
      expect((await q('SHOW DATABASES')).bytesScanned).toBe(0);
    });

    it('makes the same query over a small aggregate table much cheaper than over the raw table', async () => {
      const sql = (table: string) =>
        `SELECT device, avg(measure_value::double) FROM "db"."${table}" GROUP BY device`;
      const raw = await q(sql('t'));
      const small = await q(sql('retained'));
      // 41 raw rows vs 2 rows within retention, each time + device + double = 32 bytes
      expect(raw.bytesScanned).toBe(41 * 32);
      expect(small.bytesScanned).toBe(2 * 32);
    });
  });
});
