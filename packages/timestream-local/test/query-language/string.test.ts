import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "String functions" page: each function with the output type the guide
// gives and the result its description (and Trino's reference, which the guide follows) defines.
const ts = queryLanguageService();

describe('string functions', () => {
  it.each([
    ['SELECT chr(65)', 'A', 'varchar'],
    ["SELECT codepoint('A')", '65', 'integer'],
    ["SELECT concat('a', 'b', 'c')", 'abc', 'varchar'],
    ["SELECT hamming_distance('abcde', 'abdce')", '2', 'bigint'],
    ["SELECT length('timestream')", '10', 'bigint'],
    ["SELECT levenshtein_distance('kitten', 'sitting')", '3', 'bigint'],
    ["SELECT lower('TimeStream')", 'timestream', 'varchar'],
    ["SELECT lpad('7', 3, '0')", '007', 'varchar'],
    ["SELECT lpad('12345', 3, '0')", '123', 'varchar'],
    ["SELECT ltrim('  a  ')", 'a  ', 'varchar'],
    ["SELECT replace('aXbXc', 'X')", 'abc', 'varchar'],
    ["SELECT replace('aXbXc', 'X', '-')", 'a-b-c', 'varchar'],
    ["SELECT reverse('abc')", 'cba', 'varchar'],
    ["SELECT rpad('7', 3, '0')", '700', 'varchar'],
    ["SELECT rtrim('  a  ')", '  a', 'varchar'],
    ["SELECT split_part('a,b,c', ',', 2)", 'b', 'varchar'],
    ["SELECT strpos('abcabc', 'c')", '3', 'bigint'],
    ["SELECT strpos('abcabc', 'c', 2)", '6', 'bigint'],
    ["SELECT strpos('aaa', 'aa', 2)", '2', 'bigint'],
    ["SELECT strpos('abc', 'x')", '0', 'bigint'],
    ["SELECT strrpos('abcabc', 'c')", '6', 'bigint'],
    ["SELECT strrpos('abcabc', 'c', 2)", '3', 'bigint'],
    ["SELECT position('c' IN 'abcabc')", '3', 'bigint'],
    ["SELECT substr('timestream', 5)", 'stream', 'varchar'],
    ["SELECT substr('timestream', 5, 3)", 'str', 'varchar'],
    ["SELECT trim('  a  ')", 'a', 'varchar'],
    ["SELECT upper('TimeStream')", 'TIMESTREAM', 'varchar'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('split_part past the last field is NULL', async () => {
    expect(await ts.value("SELECT split_part('a,b,c', ',', 4)")).toEqual([null, 'varchar']);
  });

  it.each([
    ["SELECT split('a,b,c', ',')", ['a', 'b', 'c']],
    ["SELECT split('a,b,c,d', ',', 2)", ['a', 'b,c,d']],
    ["SELECT split('a,b', ',', 5)", ['a', 'b']],
  ])('%s = %j (array(varchar))', async (sql, result) => {
    expect(await ts.value(sql)).toEqual([result, 'array(varchar)']);
  });

  it('refuses what the guide rules out instead of answering', async () => {
    expect(await ts.refusal("SELECT hamming_distance('ab', 'abc')")).toMatch(/same length/);
    expect(await ts.refusal("SELECT codepoint('ab')")).toMatch(/single character/);
    expect(await ts.refusal("SELECT split_part('a,b', ',', 0)")).toMatch(/greater than zero/);
  });
});
