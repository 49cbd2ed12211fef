import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "Comparison functions and operators" pages: greatest()/least() (NULL when
// any value is NULL) and the ALL/ANY/SOME examples in their subquery form, with the documented results.
const ts = queryLanguageService();

describe('comparison functions and operators', () => {
  it.each([
    ['SELECT greatest(1, 5, 3)', '5', 'integer'],
    ['SELECT least(1, 5, 3)', '1', 'integer'],
    ['SELECT greatest(1, NULL, 3)', null, 'integer'],
    ['SELECT least(1, NULL, 3)', null, 'integer'],
    ['SELECT 11.7 = ANY (SELECT 12.0 UNION ALL SELECT 13.5 UNION ALL SELECT 11.7)', 'true', 'boolean'],
    ['SELECT 17 < ALL (SELECT 19 UNION ALL SELECT 20 UNION ALL SELECT 15)', 'false', 'boolean'],
    ['SELECT 50 >= SOME (SELECT 53 UNION ALL SELECT 77 UNION ALL SELECT 27)', 'true', 'boolean'],
    ['SELECT 3 BETWEEN 1 AND 5', 'true', 'boolean'],
    ['SELECT NULL IS DISTINCT FROM 1', 'true', 'boolean'],
    ['SELECT 1 IS NOT DISTINCT FROM 1', 'true', 'boolean'],
    ["SELECT 'timestream' LIKE 'time%'", 'true', 'boolean'],
    ['SELECT 1 <> 2', 'true', 'boolean'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });
});
