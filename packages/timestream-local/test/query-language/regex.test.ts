import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "Regular expression functions" page (Java pattern syntax): each example
// with its documented result and output type; group references as Java (and Trino) write them.
const ts = queryLanguageService();

describe('regular expression functions', () => {
  it.each([
    ["SELECT regexp_extract_all('example expect complex', 'ex\\w')", ['exa', 'exp'], 'array(varchar)'],
    ["SELECT regexp_extract_all('example expect complex', '(ex)(\\w)', 2)", ['a', 'p'], 'array(varchar)'],
    ["SELECT regexp_extract('example expect', 'ex\\w')", 'exa', 'varchar'],
    ["SELECT regexp_extract('example expect', '(ex)(\\w)', 2)", 'a', 'varchar'],
    ["SELECT regexp_like('example', 'ex')", 'true', 'boolean'],
    ["SELECT regexp_like('example', '^ex$')", 'false', 'boolean'],
    ["SELECT regexp_replace('example expect', 'expect')", 'example ', 'varchar'],
    ["SELECT regexp_replace('example expect', 'expect', 'surprise')", 'example surprise', 'varchar'],
    ["SELECT regexp_replace('example', '(\\w)', x -> upper(x[1]))", 'EXAMPLE', 'varchar'],
    ["SELECT regexp_split('example', 'x')", ['e', 'ample'], 'array(varchar)'],
  ])('%s = %j (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${name} is the group reference syntax under test
  it('replaces every match, with $n and ${name} group references and \\$ for a dollar sign', async () => {
    expect(await ts.value("SELECT regexp_replace('1a 2b 14m', '(\\d+)([ab]) ', '3c$2 ')")).toEqual([
      '3ca 3cb 14m',
      'varchar',
    ]);
    expect(await ts.value("SELECT regexp_replace('2022-07', '(\\d+)-(\\d+)', '$2-$1')")).toEqual([
      '07-2022',
      'varchar',
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${m} is the group reference syntax under test
    expect(await ts.value("SELECT regexp_replace('2022-07', '(?<y>\\d+)-(?<m>\\d+)', '${m}/${y}')")).toEqual([
      '07/2022',
      'varchar',
    ]);
    expect(await ts.value("SELECT regexp_replace('5', '(\\d)', '\\$$1')")).toEqual(['$5', 'varchar']);
  });

  it('answers NULL where nothing matches, as Trino', async () => {
    expect(await ts.value("SELECT regexp_extract('example', 'z+')")).toEqual([null, 'varchar']);
    expect(await ts.value("SELECT regexp_extract_all('example', 'z+')")).toEqual([[], 'array(varchar)']);
  });

  it("answers NULL for a group that took no part in the match, '' for one that matched nothing, as Trino", async () => {
    expect(await ts.value("SELECT regexp_extract('abc', 'a(x)?bc', 1)")).toEqual([null, 'varchar']);
    expect(await ts.value("SELECT regexp_extract('b', '(a)|b', 1)")).toEqual([null, 'varchar']);
    expect(await ts.value("SELECT regexp_extract('abc', 'a(x*)bc', 1)")).toEqual(['', 'varchar']);
    expect(await ts.value("SELECT regexp_extract(NULL, 'a')")).toEqual([null, 'varchar']);
    expect(await ts.value("SELECT regexp_extract_all('1a 2 3b', '\\d([ab])?', 1)")).toEqual([
      ['a', null, 'b'],
      'array(varchar)',
    ]);
    expect(await ts.value("SELECT regexp_extract_all('a1 b', '[ab](\\d*)', 1)")).toEqual([
      ['1', ''],
      'array(varchar)',
    ]);
    expect(
      await ts.value("SELECT regexp_replace('1a 2', '(\\d)([ab])?', x -> coalesce(x[2], 'none'))"),
    ).toEqual(['a none', 'varchar']);
    // more than 9 groups (DuckDB's regexp_extract stops at 9)
    expect(
      await ts.value("SELECT regexp_extract('abcdefghijkl', '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)', 11)"),
    ).toEqual(['k', 'varchar']);
  });

  it("refuses a group the pattern does not have, with Trino's messages", async () => {
    expect(await ts.refusal("SELECT regexp_extract('abc', '(a)(b)', 3)")).toMatch(
      /Pattern has 2 groups. Cannot access group 3/,
    );
    expect(await ts.refusal("SELECT regexp_extract_all('abc', '(a)(b)', 3)")).toMatch(
      /Pattern has 2 groups. Cannot access group 3/,
    );
    expect(await ts.refusal("SELECT regexp_extract('abc', '(a)(b)', -1)")).toMatch(
      /Group cannot be negative/,
    );
    expect(await ts.refusal("SELECT regexp_extract_all('abc', '(a)(b)', -1)")).toMatch(
      /Group cannot be negative/,
    );
  });

  it('refuses what RE2 would read differently from Java, or not at all', async () => {
    expect(await ts.refusal("SELECT regexp_like('b', '[a-z&&[^b]]')")).toMatch(/intersections/);
    expect(await ts.refusal("SELECT regexp_like('aa', '(a)\\1')")).toBeTruthy();
    expect(await ts.refusal("SELECT regexp_replace('a', 'a', '$x')")).toMatch(/illegal group reference/);
  });
});
