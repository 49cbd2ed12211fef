import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// The Timestream Developer Guide's "Bitwise functions" page: its examples with the documented results and
// bigint output type (two's complement); the shifts as Trino's reference defines them.
const ts = queryLanguageService();

describe('bitwise functions', () => {
  it.each([
    ['SELECT bit_count(19, 8)', '3'],
    ['SELECT bit_count(-1, 8)', '8'],
    ['SELECT bit_count(-1, 64)', '64'],
    ['SELECT bitwise_and(12, 7)', '4'],
    ['SELECT bitwise_not(12)', '-13'],
    ['SELECT bitwise_or(12, 7)', '15'],
    ['SELECT bitwise_xor(12, 7)', '11'],
    ['SELECT bitwise_left_shift(1, 3)', '8'],
    ['SELECT bitwise_right_shift(8, 3)', '1'],
    ['SELECT bitwise_right_shift_arithmetic(-8, 1)', '-4'],
  ])('%s = %s (bigint)', async (sql, result) => {
    expect(await ts.value(sql)).toEqual([result, 'bigint']);
  });

  it('bit_count of a number the bits cannot hold is the error the guide shows', async () => {
    expect(await ts.refusal('SELECT bit_count(19, 2)')).toBe(
      'Number must be representable with the bits specified. 19 can not be represented with 2 bits',
    );
  });
});
