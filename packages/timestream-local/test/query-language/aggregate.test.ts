import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../local-timestream-fixture';
import { single } from './paged-query-fixture';

// The examples of the Timestream Developer Guide's "Aggregate functions" page (each over `(VALUES ...) AS t(c)`),
// with the results it documents, through the Query API.
let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

describe('Aggregate functions page', () => {
  it.each([
    ['SELECT arbitrary(t.c) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'INTEGER', '1'],
    ['SELECT array_agg(t.c) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'array(INTEGER)', ['1', '2', '3', '4']],
    ['SELECT avg(t.c) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'DOUBLE', '2.5'],
    ['SELECT bool_and(t.c) FROM (VALUES true, true, false, true) AS t(c)', 'BOOLEAN', 'false'],
    ['SELECT every(t.c) FROM (VALUES true, true, false, true) AS t(c)', 'BOOLEAN', 'false'],
    ['SELECT bool_or(t.c) FROM (VALUES true, true, false, true) AS t(c)', 'BOOLEAN', 'true'],
    ['SELECT count(t.c) FROM (VALUES true, true, false, true) AS t(c)', 'BIGINT', '4'],
    ['SELECT count_if(t.c) FROM (VALUES true, true, false, true) AS t(c)', 'BIGINT', '3'],
    ['SELECT geometric_mean(t.c) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'DOUBLE', '2.213363839400643'],
    [
      "SELECT max_by(t.c1, t.c2) FROM (VALUES (('a', 1)), (('b', 2)), (('c', 3)), (('d', 4))) AS t(c1, c2)",
      'VARCHAR',
      'd',
    ],
    [
      "SELECT min_by(t.c1, t.c2) FROM (VALUES (('a', 1)), (('b', 2)), (('c', 3)), (('d', 4))) AS t(c1, c2)",
      'VARCHAR',
      'a',
    ],
    [
      "SELECT max_by(t.c1, t.c2, 2) FROM (VALUES (('a', 1)), (('b', 2)), (('c', 3)), (('d', 4))) AS t(c1, c2)",
      'array(VARCHAR)',
      ['d', 'c'],
    ],
    [
      "SELECT min_by(t.c1, t.c2, 2) FROM (VALUES (('a', 1)), (('b', 2)), (('c', 3)), (('d', 4))) AS t(c1, c2)",
      'array(VARCHAR)',
      ['a', 'b'],
    ],
    ['SELECT max(t.c, 2) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'array(INTEGER)', ['4', '3']],
    ['SELECT min(t.c, 2) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'array(INTEGER)', ['1', '2']],
    ['SELECT sum(t.c) FROM (VALUES 1, 2, 3, 4) AS t(c)', 'BIGINT', '10'],
  ])('%s', async (sql, type, value) => {
    expect(await single(f, sql)).toEqual({ type, value });
  });

  it('VALUES rows in parentheses, several columns', async () => {
    expect(
      await single(f, 'SELECT max_by(t.c1, t.c2) FROM (VALUES (1, 10), (2, 30), (3, 20)) AS t(c1, c2)'),
    ).toEqual({ type: 'INTEGER', value: '2' });
  });
});
