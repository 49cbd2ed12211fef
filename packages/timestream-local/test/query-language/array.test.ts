import { ValidationException } from '@aws-sdk/client-timestream-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../local-timestream-fixture';
import { run, single } from './paged-query-fixture';

// The examples of the Timestream Developer Guide's "Array functions" page, with the results it documents,
// plus the array syntax the guide uses (ARRAY[...], subscripts, ||, TRY, typeof), through the Query API.
let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const ints = (...xs: number[]) => xs.map(String);

describe('Array functions page', () => {
  it.each([
    ['SELECT array_distinct(ARRAY[1,2,2,3])', 'array(INTEGER)', ints(1, 2, 3)],
    ['SELECT array_intersect(ARRAY[1,2,3], ARRAY[3,4,5])', 'array(INTEGER)', ints(3)],
    ['SELECT array_union(ARRAY[1,2,3], ARRAY[3,4,5])', 'array(INTEGER)', ints(1, 2, 3, 4, 5)],
    ['SELECT array_except(ARRAY[1,2,3], ARRAY[3,4,5])', 'array(INTEGER)', ints(1, 2)],
    ["SELECT array_join(ARRAY[1,2,3], ';', '')", 'VARCHAR', '1;2;3'],
    ['SELECT array_max(ARRAY[1,2,3])', 'INTEGER', '3'],
    ['SELECT array_min(ARRAY[1,2,3])', 'INTEGER', '1'],
    ['SELECT array_position(ARRAY[3,4,5,9], 5)', 'BIGINT', '3'],
    ['SELECT array_remove(ARRAY[3,4,5,9], 4)', 'array(INTEGER)', ints(3, 5, 9)],
    ['SELECT array_sort(ARRAY[6,8,2,9,3])', 'array(INTEGER)', ints(2, 3, 6, 8, 9)],
    ['SELECT arrays_overlap(ARRAY[6,8,2,9,3], ARRAY[6,8])', 'BOOLEAN', 'true'],
    ['SELECT cardinality(ARRAY[6,8,2,9,3])', 'BIGINT', '5'],
    [
      'SELECT concat(ARRAY[6,8,2,9,3], ARRAY[11,32], ARRAY[6,8,2,0,14])',
      'array(INTEGER)',
      ints(6, 8, 2, 9, 3, 11, 32, 6, 8, 2, 0, 14),
    ],
    ['SELECT element_at(ARRAY[6,8,2,9,3], 1)', 'INTEGER', '6'],
    ['SELECT repeat(1, 3)', 'array(INTEGER)', ints(1, 1, 1)],
    ['SELECT reverse(ARRAY[6,8,2,9,3])', 'array(INTEGER)', ints(3, 9, 2, 8, 6)],
    ['SELECT sequence(3, 8)', 'array(BIGINT)', ints(3, 4, 5, 6, 7, 8)],
    ['SELECT sequence(3, 15, 2)', 'array(BIGINT)', ints(3, 5, 7, 9, 11, 13, 15)],
    [
      "SELECT sequence('2023-04-02 19:26:12.941000000', '2023-04-06 19:26:12.941000000', 1d)",
      'array(TIMESTAMP)',
      [2, 3, 4, 5, 6].map((d) => `2023-04-0${d} 19:26:12.941000000`),
    ],
    [
      "SELECT sequence('2023-04-02 19:26:12.941000000', '2023-04-10 19:26:12.941000000', 2d)",
      'array(TIMESTAMP)',
      ['02', '04', '06', '08', '10'].map((d) => `2023-04-${d} 19:26:12.941000000`),
    ],
    ['SELECT slice(ARRAY[6,8,2,9,3], 1, 3)', 'array(INTEGER)', ints(6, 8, 2)],
    [
      'SELECT zip(ARRAY[6,8,2,9,3], ARRAY[15,24])',
      'array(row(field0 INTEGER, field1 INTEGER))',
      [
        ['6', '15'],
        ['8', '24'],
        ['2', null],
        ['9', null],
        ['3', null],
      ],
    ],
  ])('%s', async (sql, type, value) => {
    expect(await single(f, sql)).toEqual({ type, value });
  });

  it('shuffle gives a permutation of the array', async () => {
    const { type, value } = await single(f, 'SELECT shuffle(ARRAY[6,8,2,9,3])');
    expect(type).toBe('array(INTEGER)');
    expect([...(value as string[])].sort()).toEqual(['2', '3', '6', '8', '9']);
  });

  it("follows Trino where DuckDB's list functions differ: NULLs, negative indexes, not found", async () => {
    const { rows } = await run(
      f,
      'SELECT array_max(ARRAY[1, NULL, 3]), array_sort(ARRAY[3, NULL, 1]), array_distinct(ARRAY[2, NULL, 2, NULL]), element_at(ARRAY[6,8,2], -1), element_at(ARRAY[6,8,2], 4), array_position(ARRAY[1,2], 7), contains(ARRAY[1, NULL], 2), contains(ARRAY[1, 2], 2), slice(ARRAY[6,8,2,9,3], -2, 2)',
    );
    expect(rows).toEqual([[null, ['1', '3', null], ['2', null], '2', null, '0', null, 'true', ['9', '3']]]);
  });
});

describe('array syntax', () => {
  it('ARRAY[...] literals, 1-based subscripts, || on arrays, TRY and typeof', async () => {
    const { types, rows } = await run(
      f,
      "SELECT ARRAY['a', 'b'][2], ARRAY[1, 2] || ARRAY[3], TRY(1 / 0), typeof(ARRAY[1.5e0]), typeof(1), ARRAY[] AS empty",
    );
    expect(types.slice(0, 5)).toEqual(['VARCHAR', 'array(INTEGER)', 'INTEGER', 'VARCHAR', 'VARCHAR']);
    expect(rows[0]?.slice(0, 5)).toEqual(['b', ['1', '2', '3'], null, 'array(double)', 'integer']);
    expect(rows[0]?.[5]).toEqual([]);
  });

  it("refuses a subscript that is not positive with Trino's messages rather than counting from the end", async () => {
    await expect(run(f, 'SELECT ARRAY[1, 2][0]')).rejects.toBeInstanceOf(ValidationException);
    await expect(run(f, 'SELECT ARRAY[1, 2][0]')).rejects.toThrow('SQL array indices start at 1');
    await expect(run(f, 'SELECT ARRAY[1, 2][-1]')).rejects.toThrow('Array subscript is negative: -1');
  });

  it('a subscript past the end fails, as in Trino (element_at answers NULL there)', async () => {
    await expect(run(f, 'SELECT ARRAY[1, 2][3]')).rejects.toThrow(
      'Array subscript must be less than or equal to array length: 3 > 2',
    );
    await expect(
      run(f, 'SELECT a[i] FROM (VALUES (ARRAY[1, 2, 3], 3), (ARRAY[4], 2)) AS t(a, i)'),
    ).rejects.toThrow('Array subscript must be less than or equal to array length: 2 > 1');
    await expect(run(f, "SELECT split('a,b', ',')[3]")).rejects.toBeInstanceOf(ValidationException);
    await expect(run(f, 'SELECT (SELECT ARRAY[1, 2])[3]')).rejects.toThrow(
      'Array subscript must be less than or equal to array length: 3 > 2',
    );
    const { types, rows } = await run(
      f,
      'SELECT element_at(ARRAY[1, 2], 3), a[i], ARRAY[ARRAY[1, 2], ARRAY[3]][2][1], (SELECT ARRAY[1, 2])[2], CAST(NULL AS ARRAY(INTEGER))[5], ARRAY[1, NULL][2], TRY(ARRAY[1, 2][3]) FROM (VALUES (ARRAY[7, 8, 9], 3)) AS t(a, i)',
    );
    expect(types).toEqual(Array(7).fill('INTEGER'));
    expect(rows).toEqual([[null, '9', '3', '2', null, null, null]]);
  });

  it('refuses a subscript on a string rather than answering a character', async () => {
    await expect(run(f, "SELECT 'abc'[1]")).rejects.toBeInstanceOf(ValidationException);
  });

  it('array_sort with a comparator lambda: a stable sort by -1, 0, 1; any other answer fails', async () => {
    const { types, rows } = await run(
      f,
      `SELECT array_sort(ARRAY[3, 2, 5, 1, 2], (x, y) -> IF(x < y, 1, IF(x = y, 0, -1))),
        array_sort(ARRAY['bc', 'a', 'abc', 'de'], (x, y) -> IF(length(x) < length(y), -1, IF(length(x) = length(y), 0, 1))),
        array_sort(ARRAY[2, NULL, 1], (x, y) -> CASE WHEN x IS NULL THEN -1 WHEN y IS NULL THEN 1 WHEN x < y THEN -1 WHEN x = y THEN 0 ELSE 1 END),
        array_sort(CAST(ARRAY[] AS ARRAY(INTEGER)), (x, y) -> 0)`,
    );
    expect(types).toEqual(['array(INTEGER)', 'array(VARCHAR)', 'array(INTEGER)', 'array(INTEGER)']);
    // equal lengths keep their order: 'bc' before 'de'
    expect(rows).toEqual([[ints(5, 3, 2, 2, 1), ['a', 'bc', 'de', 'abc'], [null, '1', '2'], []]]);
    await expect(run(f, 'SELECT array_sort(ARRAY[1, 2], (x, y) -> 2)')).rejects.toThrow(
      /comparator .* -1, 0 or 1/,
    );
    await expect(run(f, 'SELECT array_sort(ARRAY[1, 2], (x, y) -> NULL)')).rejects.toThrow(
      /comparator .* -1, 0 or 1/,
    );
  });

  it('filter, transform, reduce and any_match take lambdas', async () => {
    const { rows } = await run(
      f,
      'SELECT filter(ARRAY[5, -6, NULL, 7], x -> x > 0), transform(ARRAY[5, 6], x -> x + 1), reduce(ARRAY[5, 20, 50], 0, (s, x) -> s + x, s -> s), any_match(ARRAY[1, 2], x -> x > 1)',
    );
    expect(rows).toEqual([[['5', '7'], ['6', '7'], '75', 'true']]);
  });

  it("refuses '->' outside a lambda argument (DuckDB would read it as JSON extraction)", async () => {
    await expect(run(f, "SELECT 'a' -> 'b'")).rejects.toThrow(/'->' is only valid in a lambda argument/);
  });

  it('refuses UNNEST of an array whose elements hold arrays or rows, rather than flattening them', async () => {
    await expect(run(f, 'SELECT * FROM UNNEST(ARRAY[ARRAY[1, 2], ARRAY[3]]) AS t(a)')).rejects.toThrow(
      /UNNEST of an array of arrays is not supported/,
    );
    await expect(
      run(
        f,
        'SELECT * FROM UNNEST(ARRAY[CAST(ROW(1, ARRAY[2, 3]) AS ROW(a INTEGER, b ARRAY(INTEGER)))]) AS t(a, b)',
      ),
    ).rejects.toThrow(/UNNEST of an array of rows holding arrays or rows is not supported/);
    await expect(
      run(
        f,
        'SELECT * FROM UNNEST(ARRAY[CAST(ROW(1, ROW(2)) AS ROW(a INTEGER, b ROW(c INTEGER)))]) AS t(a, b)',
      ),
    ).rejects.toThrow(/UNNEST of an array of rows holding arrays or rows is not supported/);
    const { rows } = await run(
      f,
      "SELECT a, b FROM UNNEST(ARRAY[CAST(ROW(1, 'x') AS ROW(a INTEGER, b VARCHAR))]) AS t(a, b)",
    );
    expect(rows).toEqual([['1', 'x']]);
  });

  it('UNNEST of arrays, with an alias, several arrays and WITH ORDINALITY', async () => {
    const { names, rows } = await run(
      f,
      "SELECT n, s, o FROM UNNEST(ARRAY[1, 2, 3], ARRAY['a', 'b']) WITH ORDINALITY AS t(n, s, o) ORDER BY o",
    );
    expect(names).toEqual(['n', 's', 'o']);
    expect(rows).toEqual([
      ['1', 'a', '1'],
      ['2', 'b', '2'],
      ['3', null, '3'],
    ]);
  });
});
