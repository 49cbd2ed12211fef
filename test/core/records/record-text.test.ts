import { describe, expect, it } from 'vitest';
import { msTimeText, valueText } from '#core/records/record-text';

describe('record texts', () => {
  it('valueText is String(value), also for values seen before, -0, NaN and after the cache is forgotten', () => {
    const values = [0, -0, 1, -1, 24.2, 0.1 + 0.2, 1e21, 1e-7, -123.456, Number.NaN, 2 ** 53 + 2, 5e-324];
    for (let round = 0; round < 2; round++) for (const v of values) expect(valueText(v)).toBe(String(v));
    for (let i = 0; i < 70_000; i++) expect(valueText(i / 8)).toBe(String(i / 8));
    expect(valueText(24.2)).toBe('24.2');
  });

  it('msTimeText is String(timeMs) around the millions boundary and outside the fast range', () => {
    const times = [
      0,
      5,
      999_999,
      1_000_000,
      1_000_001,
      1_650_401_460_000,
      1_650_401_999_999,
      1_650_402_000_000,
      1_650_402_000_001,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 1,
      -1_650_401_460_000,
      1.5e6 + 0.5,
      Number.NaN,
    ];
    for (let round = 0; round < 2; round++) for (const t of times) expect(msTimeText(t)).toBe(String(t));
  });
});
