import { describe, expect, it } from 'vitest';
import { formatDouble, formatTimestampNs } from '../../src/sql';

describe('formatDouble (Java Double.toString, as Timestream prints doubles)', () => {
  it.each([
    [24.5, '24.5'],
    [600, '600.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [9999999, '9999999.0'],
    [10_000_000, '1.0E7'],
    [-1.5e-7, '-1.5E-7'],
    [34.840635191284385, '34.840635191284385'],
    [0, '0.0'],
    [-0, '-0.0'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('%d -> %s', (value, expected) => {
    expect(formatDouble(value)).toBe(expected);
  });
});

describe('formatTimestampNs', () => {
  it('prints UTC with nine fractional digits', () => {
    expect(formatTimestampNs(1_620_282_938_000_000_000n)).toBe('2021-05-06 06:35:38.000000000');
    expect(formatTimestampNs(1_700_000_000_123_456_789n)).toBe('2023-11-14 22:13:20.123456789');
  });

  it('handles times before the epoch and beyond year 9999', () => {
    expect(formatTimestampNs(-1n)).toBe('1969-12-31 23:59:59.999999999');
    expect(formatTimestampNs(253_402_300_800_000_000_000n)).toBe('10000-01-01 00:00:00.000000000');
  });
});
