import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResult } from '../../src/sql/result-format';
import { rowsJsonQuery } from '../../src/sql/result-json-sql';
import type { RowsText } from '../../src/sql/rows-text';

/** A double as a SQL expression that DuckDB reads back to exactly the same value. */
function doubleSql(x: number): string {
  if (Number.isNaN(x)) return "CAST('nan' AS DOUBLE)";
  if (x === Number.POSITIVE_INFINITY) return "CAST('inf' AS DOUBLE)";
  if (x === Number.NEGATIVE_INFINITY) return "CAST('-inf' AS DOUBLE)";
  if (Object.is(x, -0)) return "CAST('-0.0' AS DOUBLE)";
  return `CAST('${x}' AS DOUBLE)`; // JavaScript's shortest round-trip digits
}

/** Deterministic doubles spread over every exponent: random bit patterns (xorshift32, fixed seed). */
function randomDoubles(count: number): number[] {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    out.push(view.getFloat64(0));
    // and a decimal in the plain range, as measurements are
    out.push(Number(((next() / 2 ** 32) * 10 ** ((next() % 12) - 3)).toPrecision((next() % 17) + 1)));
  }
  return out;
}

const nextUp = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + (x >= 0 ? 1n : -1n));
  return view.getFloat64(0);
};
const nextDown = (x: number) => -nextUp(-x);

const boundaryDoubles = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  1e-300,
  1e300,
  1e21,
  1e22,
  2 ** 53,
  2 ** 53 + 2,
  0.001,
  nextDown(0.001),
  nextUp(0.001),
  -0.001,
  nextDown(-0.001),
  1e7,
  nextDown(1e7),
  nextUp(1e7),
  -1e7,
  nextUp(-1e7),
  9999999.999999998,
  0.1 + 0.2,
  1 / 3,
  600,
  24.5,
  34.840635191284385,
  123456.789,
  1e-7,
  -1.5e-7,
];

/** Both ways of writing the rows of `sql`: result-format.ts from the values, and DuckDB's projection. */
async function bothWays(
  connection: DuckDBConnection,
  sql: string,
): Promise<{ js: RowsText; duck: RowsText }> {
  const plain = await connection.run(sql);
  const js = formatResult(plain.columnNames(), plain.columnTypes(), plain).rows;
  const query = rowsJsonQuery(sql, plain.columnTypes());
  if (query === undefined) throw new Error(`DuckDB was expected to write the rows of ${sql}`);
  const duck = query.read(await connection.run(query.sql));
  return { js, duck };
}

/** The same rows, the same bytes on the wire (so pages are cut at the same rows), the same parsed datums. */
function expectSameRows({ js, duck }: { js: RowsText; duck: RowsText }, sameBytes = true): void {
  expect(duck.count).toBe(js.count);
  expect(duck.toRows()).toEqual(js.toRows());
  for (let i = 0; i < js.count; i++) expect(duck.byteLength(i)).toBe(js.byteLength(i));
  if (sameBytes) expect(duck.slice(0, duck.count).toString()).toBe(js.slice(0, js.count).toString());
}

describe('rows written as JSON text by DuckDB (result-json-sql.ts) against result-format.ts', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('writes doubles as Java does: every boundary of plain notation, -0, NaN, infinities, extremes, random bits', async () => {
    const values = [...boundaryDoubles, ...randomDoubles(3000)];
    const sql = `SELECT i, d, TRY_CAST(d AS FLOAT) AS f FROM (VALUES ${values.map((x, i) => `(${i}, ${doubleSql(x)})`).join(', ')}, (${values.length}, NULL)) AS t(i, d) ORDER BY i`;
    const both = await bothWays(connection, sql);
    expectSameRows(both);
    // the datums themselves, not only agreement: a few written out
    const rows = both.duck.toRows();
    const text = (i: number) => rows[i]?.Data?.[1]?.ScalarValue;
    expect(boundaryDoubles.slice(0, 5).map((_, i) => text(i))).toEqual([
      '0.0',
      '-0.0',
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
    expect(text(boundaryDoubles.indexOf(0.001))).toBe('0.001');
    expect(text(boundaryDoubles.indexOf(1e7))).toBe('1.0E7');
    expect(text(boundaryDoubles.indexOf(nextDown(0.001)))).toBe('9.999999999999998E-4');
    expect(rows[values.length]?.Data?.[1]).toEqual({ NullValue: true });
  });

  it('writes integers of every width at their limits, booleans, and NULLs in each', async () => {
    const sql = `SELECT * FROM (VALUES
      (1, CAST(-128 AS TINYINT), CAST(-32768 AS SMALLINT), CAST(-2147483648 AS INTEGER), CAST(-9223372036854775808 AS BIGINT), CAST(-170141183460469231731687303715884105728 AS HUGEINT), CAST(0 AS UTINYINT), CAST(0 AS UBIGINT), true),
      (2, CAST(127 AS TINYINT), CAST(32767 AS SMALLINT), CAST(2147483647 AS INTEGER), CAST(9223372036854775807 AS BIGINT), CAST(170141183460469231731687303715884105727 AS HUGEINT), CAST(255 AS UTINYINT), CAST(18446744073709551615 AS UBIGINT), false),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    ) AS t(i, a, b, c, d, e, f, g, h) ORDER BY i`;
    expectSameRows(await bothWays(connection, sql));
  });

  it('writes timestamps, dates and their edges (before the epoch, years outside 1000-9999, NULL)', async () => {
    // TIMESTAMP_NS holds the years 1677 to 2262; TIMESTAMP and DATE hold far more
    const timestamps = [
      '1970-01-01 00:00:00',
      '1969-12-31 23:59:59.999999999',
      '2021-05-06 06:35:38.123456789',
      '1677-09-22 00:00:00.000000001',
      '2262-04-10 23:59:59.999999999',
    ];
    const wide = [
      '0999-12-31 23:59:59.999999',
      '1000-01-01 00:00:00',
      '9999-12-31 23:59:59.999999',
      '0001-01-01 00:00:00',
      '294247-01-10 04:00:54.775806',
      'infinity',
      '-infinity',
    ];
    const rows = [
      ...timestamps.map(
        (t, i) =>
          `(${i}, TIMESTAMP_NS '${t}', CAST(TIMESTAMP_NS '${t}' AS TIMESTAMP), CAST(TIMESTAMP_NS '${t}' AS DATE))`,
      ),
      ...wide.map((t, i) => `(${10 + i}, NULL, TIMESTAMP '${t}', CAST(TIMESTAMP '${t}' AS DATE))`),
    ];
    const sql = `SELECT * FROM (VALUES ${rows.join(', ')}, (99, NULL, NULL, NULL)) AS t(i, ns, us, d) ORDER BY i`;
    const both = await bothWays(connection, sql);
    expectSameRows(both);
    expect(both.duck.toRows()[2]?.Data?.slice(1)).toEqual([
      { ScalarValue: '2021-05-06 06:35:38.123456789' },
      { ScalarValue: '2021-05-06 06:35:38.123456000' },
      { ScalarValue: '2021-05-06' },
    ]);
  });

  it('escapes strings as JSON: quotes, backslashes, every control character, unicode, long strings, NULL', async () => {
    const controls = Array.from({ length: 32 }, (_, c) => `chr(${c})`);
    const strings = [
      "''",
      `'say "hi"'`,
      "'back\\slash'",
      ...controls.map((c) => `'a' || ${c} || 'b'`),
      'chr(127)',
      "'café'",
      "'🌡️ sensor'",
      'chr(8232) || chr(8233) || chr(65279)',
      "'</script>/'",
      "repeat('long ', 400)",
      'NULL',
    ];
    const sql = `SELECT * FROM (VALUES ${strings.map((s, i) => `(${i}, ${s})`).join(', ')}) AS t(i, s) ORDER BY i`;
    const both = await bothWays(connection, sql);
    // DuckDB writes the other control characters as \u001F where JSON.stringify writes \u001f: the same
    // string once parsed, and the same number of bytes
    expectSameRows(both, false);
    expect(both.duck.toRows()[3 + 10]?.Data?.[1]).toEqual({ ScalarValue: 'a\nb' });
  });

  it('keeps the query order across blocks, with rows left to JS anywhere in them', async () => {
    // 5,000 rows (three blocks), descending; every 7th holds a double only JS writes, the first and last too
    const sql = `SELECT i, CASE WHEN i % 7 = 0 OR i = 4999 THEN i * 1e9 ELSE i / 8 END AS d, 'row ' || i AS s
      FROM range(5000) AS t(i) ORDER BY i DESC`;
    const both = await bothWays(connection, sql);
    expectSameRows(both);
    const rows = both.duck.toRows();
    expect(rows[0]?.Data?.[0]).toEqual({ ScalarValue: '4999' });
    expect(rows[0]?.Data?.[1]).toEqual({ ScalarValue: '4.999E12' });
    expect(rows[4999]?.Data?.[0]).toEqual({ ScalarValue: '0' });
    expect(rows.map((r) => Number(r.Data?.[0]?.ScalarValue))).toEqual(
      Array.from({ length: 5000 }, (_, k) => 4999 - k),
    );
  });

  it('keeps the order of a large sorted result that DuckDB sorts on all its threads', async () => {
    await connection.run(
      "CREATE TABLE big AS SELECT i, 'device_' || (i % 997) AS s, i / 3 AS d FROM range(200000) AS t(i)",
    );
    const both = await bothWays(connection, 'SELECT s, d, i FROM big ORDER BY hash(i), i');
    expect(both.duck.count).toBe(200_000);
    expect(both.duck.slice(0, both.duck.count).equals(both.js.slice(0, both.js.count))).toBe(true);
  });

  it('answers an empty result', async () => {
    const both = await bothWays(connection, 'SELECT 1.5::DOUBLE AS x WHERE false');
    expect(both.duck.count).toBe(0);
    expectSameRows(both);
  });

  it('leaves results with arrays, rows, intervals or times to result-format.ts', async () => {
    for (const sql of [
      'SELECT [1, 2] AS a',
      "SELECT {'x': 1} AS r",
      'SELECT INTERVAL 1 DAY AS i',
      "SELECT TIME '01:02:03' AS t",
      'SELECT 1.5 AS decimal_literal',
    ]) {
      const plain = await connection.run(sql);
      expect(rowsJsonQuery(sql, plain.columnTypes()), sql).toBeUndefined();
    }
  });
});
