import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "Mathematical functions" page: each function with the output type the guide
// gives ("same as input" where it says so) and the result its description defines.
const ts = queryLanguageService();

describe('mathematical functions', () => {
  it.each([
    ['SELECT abs(-3)', '3', 'integer'],
    ['SELECT abs(-1.5E0)', '1.5', 'double'],
    ['SELECT cbrt(27.0E0)', '3.0', 'double'],
    ['SELECT ceiling(1.2E0)', '2.0', 'double'],
    ['SELECT ceil(5)', '5', 'integer'],
    ['SELECT ceil(-1.5E0)', '-1.0', 'double'],
    ['SELECT floor(7)', '7', 'integer'],
    ['SELECT floor(cast(-7 AS bigint))', '-7', 'bigint'],
    ['SELECT sign(cast(-7 AS bigint))', '-1', 'bigint'],
    ['SELECT sign(2.5E0)', '1.0', 'double'],
    ['SELECT cbrt(-8)', '-2.0', 'double'],
    ['SELECT degrees(pi())', '180.0', 'double'],
    ['SELECT e()', '2.718281828459045', 'double'],
    ['SELECT exp(0)', '1.0', 'double'],
    ['SELECT floor(-1.5E0)', '-2.0', 'double'],
    ["SELECT from_base('ff', 16)", '255', 'bigint'],
    ["SELECT from_base('-101', 2)", '-5', 'bigint'],
    ['SELECT ln(1)', '0.0', 'double'],
    ['SELECT log2(8)', '3.0', 'double'],
    ['SELECT log10(1000)', '3.0', 'double'],
    ['SELECT mod(7, 3)', '1', 'integer'],
    ['SELECT pi()', '3.141592653589793', 'double'],
    ['SELECT pow(2, 10)', '1024.0', 'double'],
    ['SELECT power(2, 0.5E0)', '1.4142135623730951', 'double'],
    ['SELECT radians(180)', '3.141592653589793', 'double'],
    ['SELECT round(2.5E0)', '3.0', 'double'],
    ['SELECT round(3.14159E0, 2)', '3.14', 'double'],
    ['SELECT sign(-7)', '-1', 'integer'],
    ['SELECT sqrt(16)', '4.0', 'double'],
    ['SELECT to_base(255, 16)', 'ff', 'varchar'],
    ['SELECT to_base(-5, 2)', '-101', 'varchar'],
    ['SELECT truncate(-2.7E0)', '-2.0', 'double'],
    ['SELECT acos(1)', '0.0', 'double'],
    ['SELECT asin(0)', '0.0', 'double'],
    ['SELECT atan(0)', '0.0', 'double'],
    ['SELECT atan2(1, 1)', '0.7853981633974483', 'double'],
    ['SELECT cos(0)', '1.0', 'double'],
    ['SELECT cosh(0)', '1.0', 'double'],
    ['SELECT sin(0)', '0.0', 'double'],
    ['SELECT tan(0)', '0.0', 'double'],
    ['SELECT tanh(0)', '0.0', 'double'],
    ['SELECT infinity()', 'Infinity', 'double'],
    ['SELECT nan()', 'NaN', 'double'],
    ['SELECT is_finite(infinity())', 'false', 'boolean'],
    ['SELECT is_infinite(infinity())', 'true', 'boolean'],
    ['SELECT is_nan(nan())', 'true', 'boolean'],
    ['SELECT sign(nan())', 'NaN', 'double'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('rand() and random() are doubles in [0, 1); random(n) an integer of n in [0, n)', async () => {
    for (const sql of ['SELECT rand()', 'SELECT random()']) {
      const [value, type] = await ts.value(sql);
      expect(type).toBe('double');
      expect(Number(value)).toBeGreaterThanOrEqual(0);
      expect(Number(value)).toBeLessThan(1);
    }
    const [n, type] = await ts.value('SELECT random(10)');
    expect(type).toBe('integer');
    expect(Number.isInteger(Number(n)) && Number(n) >= 0 && Number(n) < 10).toBe(true);
  });

  it.each([
    ['SELECT 7 / 2', '3', 'integer'],
    ['SELECT -7 / 2', '-3', 'integer'],
    ['SELECT 7 % 3', '1', 'integer'],
    ['SELECT 1 + 6 / 2 * 3', '10', 'integer'],
    ['SELECT 7.0E0 / 2', '3.5', 'double'],
    ['SELECT 2 * 9 / (1 + 2)', '6', 'integer'],
    ['SELECT 2 * 9 / abs(-3) - 1', '5', 'integer'],
  ])('operators: %s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('refuses a digit outside the radix instead of answering', async () => {
    expect(await ts.refusal("SELECT from_base('fg', 16)")).toMatch(/not a valid base-16 number/);
  });
});

describe('division by zero (the mathematical operators page: integer division truncates; Trino for the rest)', () => {
  it('a floating point division by zero is Infinity, -Infinity or NaN, as IEEE 754 and Trino answer', async () => {
    const { types, rows } = await ts.run(
      'SELECT 1e0 / 0, -1.5e0 / 0e0, 0e0 / 0, 7.5e0 % 0, 5.5 / 0, 3 / 0e0, x / n FROM (VALUES (2e0, 0)) AS t(x, n)',
    );
    expect(types).toEqual(Array(7).fill('double'));
    expect(rows).toEqual([['Infinity', '-Infinity', 'NaN', 'NaN', 'Infinity', 'Infinity', 'Infinity']]);
  });

  it('an integer division by zero fails, in a chain and in an expression too; TRY answers NULL', async () => {
    expect(await ts.refusal('SELECT 8 / 0')).toBe('Division by zero');
    expect(await ts.refusal('SELECT 16 / 2 / 0')).toBe('Division by zero');
    expect(await ts.refusal('SELECT 1 + 2 * 3 % 0')).toBe('Division by zero');
    expect(await ts.refusal('SELECT n / n FROM (VALUES 0) AS t(n)')).toBe('Division by zero');
    expect(await ts.value('SELECT TRY(8 / 0)')).toEqual([null, 'integer']);
    expect(await ts.value('SELECT 1 + 16 / 2 / 4 * 3')).toEqual(['7', 'integer']);
    expect(await ts.value('SELECT CAST(NULL AS INTEGER) / 0')).toEqual([null, 'integer']);
  });

  it('keeps the type of the division (a real stays a real) and works on aggregates', async () => {
    expect(await ts.value('SELECT typeof(CAST(1 AS REAL) / 0)')).toEqual(['real', 'varchar']);
    expect(await ts.value('SELECT CAST(1 AS REAL) / 0')).toEqual(['Infinity', 'double']);
    expect(await ts.value('SELECT sum(x) / count(*) FROM (VALUES 1e0, 2e0) AS t(x) WHERE x > 5')).toEqual([
      null,
      'double',
    ]);
    expect(await ts.value('SELECT max(x) / min(x) FROM (VALUES 0e0, 3e0) AS t(x)')).toEqual([
      'Infinity',
      'double',
    ]);
  });

  it('refuses the remainder by zero of a decimal literal, which DuckDB cannot make NaN', async () => {
    expect(await ts.refusal('SELECT 5.5 % 0')).toMatch(/write it as a double/);
  });
});
