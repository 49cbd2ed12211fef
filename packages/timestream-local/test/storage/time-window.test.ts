import { describe, expect, it } from 'vitest';
import type { TableRecord } from '../../src/storage/metadata-store';
import { timeWindow } from '../../src/storage/time-window';

const table = (memoryHours: number, magneticDays: number): TableRecord => ({
  id: 1,
  database: 'Db',
  name: 'tbl',
  memoryHours,
  magneticDays,
  magneticWrites: { EnableMagneticStoreWrites: true },
  schema: undefined,
  createdMs: 0,
  updatedMs: 0,
});

const now = 1_800_000_000_000_000_000n;

const hourNs = 3_600_000_000_000n;

describe('timeWindow', () => {
  it.each([
    { hours: 6, days: 73_000, longestHours: 73_000 * 24 },
    { hours: 8766, days: 1, longestHours: 8766 },
    { hours: 48, days: 2, longestHours: 48 },
    { hours: 1, days: 1, longestHours: 24 },
  ])(
    'starts the retention at the earlier store start (memory $hours h, magnetic $days d)',
    ({ hours, days, longestHours }) => {
      // Act
      const w = timeWindow(table(hours, days), now);
      // Assess
      expect(w.memoryStart).toBe(now - BigInt(hours) * hourNs);
      expect(w.magneticStart).toBe(now - BigInt(days) * 24n * hourNs);
      expect(w.retentionStart).toBe(now - BigInt(longestHours) * hourNs);
    },
  );
});
