import { RejectionReason, TimestreamLimits } from '../constants';
import { isoOfNanos, nanosPerDay, nanosPerHour } from '../operations/time-units';
import type { TableRecord } from './metadata-store';

/** The times a table accepts, as of one clock reading. */
export interface TimeWindow {
  /** the memory store holds times from here on */
  readonly memoryStart: bigint;
  /** the magnetic store keeps times from here on */
  readonly magneticStart: bigint;
  /** the earlier of the two starts: rows before it are past both retentions */
  readonly retentionStart: bigint;
  /** times from here on are too far in the future */
  readonly futureEnd: bigint;
  readonly magneticWrites: boolean;
}

/** The times `table` accepts at `now`: the memory store, the magnetic store, the future tolerance. */
export function timeWindow(table: TableRecord, now: bigint): TimeWindow {
  return {
    memoryStart: now - BigInt(table.memoryHours) * nanosPerHour,
    magneticStart: now - BigInt(table.magneticDays) * nanosPerDay,
    // the retentions are whole hours and days (small integers): the longer one, in hours, is exact
    retentionStart: now - BigInt(Math.max(table.memoryHours, table.magneticDays * 24)) * nanosPerHour,
    futureEnd: now + BigInt(TimestreamLimits.futureToleranceMs) * 1_000_000n,
    magneticWrites: table.magneticWrites.EnableMagneticStoreWrites === true,
  };
}

/** Why a record's time is refused (the service's texts), or undefined when the table takes it. */
export function timeProblem(timeNs: bigint, w: TimeWindow): string | undefined {
  if (timeNs >= w.futureEnd || (timeNs < w.memoryStart && !w.magneticWrites)) {
    return RejectionReason.outsideMemoryStore(isoOfNanos(w.memoryStart), isoOfNanos(w.futureEnd));
  }
  if (timeNs < w.memoryStart && timeNs < w.magneticStart) {
    return RejectionReason.outsideRetention(isoOfNanos(w.magneticStart), isoOfNanos(w.futureEnd));
  }
  return undefined;
}
