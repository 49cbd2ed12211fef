import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "Conversion functions" page (cast, try_cast: null where cast fails) and
// typeof as the date/time operator pages use it.
const ts = queryLanguageService();

describe('conversion functions', () => {
  it.each([
    ["SELECT cast('42' AS bigint)", '42', 'bigint'],
    ["SELECT cast('42' AS integer)", '42', 'integer'],
    ["SELECT cast('2.5' AS double)", '2.5', 'double'],
    ['SELECT cast(1 AS varchar)', '1', 'varchar'],
    ["SELECT cast('true' AS boolean)", 'true', 'boolean'],
    ["SELECT cast('2022-07-07 17:44:43.771' AS timestamp)", '2022-07-07 17:44:43.771000000', 'timestamp'],
    ["SELECT cast('2022-07-07' AS date)", '2022-07-07', 'date'],
    ["SELECT cast(TIMESTAMP '2022-07-07 17:44:43' AS date)", '2022-07-07', 'date'],
    ["SELECT try_cast('42' AS bigint)", '42', 'bigint'],
    ["SELECT try_cast('forty-two' AS bigint)", null, 'bigint'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('cast of a value that does not convert is refused', async () => {
    expect(await ts.refusal("SELECT cast('forty-two' AS bigint)")).toMatch(/forty-two/);
  });

  it.each([
    ['SELECT typeof(1)', 'integer'],
    ['SELECT typeof(cast(1 AS bigint))', 'bigint'],
    ['SELECT typeof(2.5E0)', 'double'],
    ["SELECT typeof('a')", 'varchar'],
    ['SELECT typeof(true)', 'boolean'],
    ['SELECT typeof(now())', 'timestamp'],
    ['SELECT typeof(current_date)', 'date'],
    ['SELECT typeof(current_time)', 'time'],
    ["SELECT typeof(split('a,b', ','))", 'array(varchar)'],
  ])('%s = %s', async (sql, result) => {
    expect(await ts.value(sql)).toEqual([result, 'varchar']);
  });
});
