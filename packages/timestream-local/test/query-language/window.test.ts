import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../local-timestream-fixture';
import { run } from './paged-query-fixture';

// The ranking and value functions of the Timestream Developer Guide's "Window functions" page, and an aggregate
// used as a window function, over `(VALUES ...) AS t(...)` rows, through the Query API. The page documents
// no example results: they are Trino's. (The page types cume_dist() as bigint; Trino, and so the service,
// returns a double.)
let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const rows = `(VALUES ('a', 1, 10.0), ('a', 2, 20.0), ('a', 3, 20.0), ('a', 4, 40.0), ('b', 1, 5.0), ('b', 2, 7.0)) AS t(g, n, x)`;

describe('Window functions page', () => {
  it('ranking functions', async () => {
    const w = 'OVER (PARTITION BY g ORDER BY x)';
    const out = await run(
      f,
      `SELECT g, n, row_number() ${w}, rank() ${w}, dense_rank() ${w}, percent_rank() ${w}, cume_dist() ${w}, ntile(2) ${w}
       FROM ${rows} ORDER BY g, n`,
    );
    expect(out.types.slice(2)).toEqual(['BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE', 'DOUBLE', 'BIGINT']);
    expect(out.rows).toEqual([
      ['a', '1', '1', '1', '1', '0.0', '0.25', '1'],
      ['a', '2', '2', '2', '2', '0.3333333333333333', '0.75', '1'],
      ['a', '3', '3', '2', '2', '0.3333333333333333', '0.75', '2'],
      ['a', '4', '4', '4', '3', '1.0', '1.0', '2'],
      ['b', '1', '1', '1', '1', '0.0', '0.5', '1'],
      ['b', '2', '2', '2', '2', '1.0', '1.0', '2'],
    ]);
  });

  it('value functions: first_value, last_value, nth_value, lead, lag', async () => {
    const out = await run(
      f,
      `SELECT g, n,
         first_value(n) OVER (PARTITION BY g ORDER BY n),
         last_value(n) OVER (PARTITION BY g ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
         nth_value(n, 2) OVER (PARTITION BY g ORDER BY n),
         lead(n) OVER (PARTITION BY g ORDER BY n),
         lag(n, 1, 0) OVER (PARTITION BY g ORDER BY n)
       FROM ${rows} ORDER BY g, n`,
    );
    expect(out.rows).toEqual([
      ['a', '1', '1', '4', null, '2', '0'],
      ['a', '2', '1', '4', '2', '3', '1'],
      ['a', '3', '1', '4', '2', '4', '2'],
      ['a', '4', '1', '4', '2', null, '3'],
      ['b', '1', '1', '2', null, '2', '0'],
      ['b', '2', '1', '2', '2', null, '1'],
    ]);
  });

  it('an aggregate over a window frame (the default frame: up to the last peer of the row)', async () => {
    const out = await run(
      f,
      `SELECT g, n, sum(x) OVER (PARTITION BY g ORDER BY x), avg(x) OVER (PARTITION BY g ORDER BY n ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
       FROM ${rows} ORDER BY g, n`,
    );
    expect(out.rows.map((r) => [r[0], r[1], Number(r[2]), Number(r[3])])).toEqual([
      ['a', '1', 10, 10],
      ['a', '2', 50, 15],
      ['a', '3', 50, 20],
      ['a', '4', 90, 30],
      ['b', '1', 5, 5],
      ['b', '2', 12, 6],
    ]);
  });
});
