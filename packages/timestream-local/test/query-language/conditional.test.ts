import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "Conditional expressions" pages (CASE, IF, COALESCE, NULLIF, TRY): the
// documented example and the behaviour each page describes.
const ts = queryLanguageService();

describe('conditional expressions', () => {
  it("answers the IF page's example: a missing false_value is null", async () => {
    expect(
      await ts.run(
        "SELECT if(true, 'example 1'), if(false, 'example 2'), if(true, 'example 3 true', 'example 3 false'), if(false, 'example 4 true', 'example 4 false')",
      ),
    ).toEqual({
      types: ['varchar', 'varchar', 'varchar', 'varchar'],
      rows: [['example 1', null, 'example 3 true', 'example 4 false']],
    });
  });

  it.each([
    ["SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END", 'two', 'varchar'],
    ["SELECT CASE 3 WHEN 1 THEN 'one' END", null, 'varchar'],
    ["SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' END", 'b', 'varchar'],
    ['SELECT coalesce(NULL, 2, 3)', '2', 'integer'],
    ['SELECT nullif(1, 1)', null, 'integer'],
    ['SELECT nullif(1, 2)', '1', 'integer'],
    ['SELECT try(8 / 0)', null, 'integer'],
    ["SELECT try(CAST('test' AS double))", null, 'double'],
    ["SELECT coalesce(try(CAST('x' AS bigint)), -1)", '-1', 'bigint'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('without TRY the same errors are refused', async () => {
    expect(await ts.refusal("SELECT CAST('test' AS double)")).toMatch(/test/);
    expect(await ts.refusal('SELECT 8 / 0')).toBe('Division by zero');
    expect(await ts.refusal('SELECT 8 % (2 - 2)')).toBe('Division by zero');
  });
});
