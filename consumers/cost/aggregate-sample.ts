import type { MeteredRecord } from '#core/cost';
import { toAggregateRecord } from '../rollup/daily-aggregates';

const day = { date: '2026-01-15', startMs: Date.UTC(2026, 0, 15), endMs: Date.UTC(2026, 0, 16) };

/**
 * One aggregate record as the rollup writes it (its own `toAggregateRecord`), for the estimate to meter:
 * plausible values, since a DOUBLE or BIGINT is metered as 8 bytes whatever its text.
 */
export function aggregateRecordOf(deviceId: string, measure: string): MeteredRecord {
  return toAggregateRecord(
    {
      deviceId,
      measure,
      day,
      avg: 551.25,
      min: 412,
      max: 1210,
      sum: 793_800,
      count: 1440,
      first: 430,
      last: 455,
      firstTime: day.startMs,
      lastTime: day.endMs - 60_000,
    },
    Date.UTC(2026, 0, 16, 0, 15),
  );
}
