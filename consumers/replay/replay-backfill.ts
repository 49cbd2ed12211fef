import type { DayReport } from '../rollup/daily-rollup';
import type { DailyRollup } from '../rollup/daily-rollup-port';
import { zoneDate, zoneDays } from '../rollup/zone-days';
import type { ReplayState } from './replay-state';
import { replayStream, type StreamReplayDeps } from './stream-replay';

export interface ReplayBackfillResult {
  readonly state: ReplayState;
  /** The rollup of the zone days the replayed readings fall in (empty when nothing was stored). */
  readonly rollup: readonly DayReport[];
}

/**
 * A backfill: replays the stream (see {@link replayStream}), then re-runs the daily rollup for every zone
 * day from the earliest to the latest reading it stored, so that the aggregate table matches again (on either
 * store: the rollup port of STORAGE).
 */
export async function replayAndRollUp(
  replay: StreamReplayDeps,
  initial: ReplayState,
  rollup:
    | { readonly rollup: DailyRollup; readonly timeZone: string; readonly onDay?: (r: DayReport) => void }
    | undefined,
): Promise<ReplayBackfillResult> {
  const state = await replayStream(replay, initial);
  if (!rollup || state.minTimeMs === undefined || state.maxTimeMs === undefined) return { state, rollup: [] };
  const { timeZone } = rollup;
  const days = zoneDays(timeZone, zoneDate(timeZone, state.minTimeMs), zoneDate(timeZone, state.maxTimeMs));
  const reports = await rollup.rollup.run(days, {
    deadline: Number.POSITIVE_INFINITY,
    ...(rollup.onDay ? { onDay: rollup.onDay } : {}),
  });
  return { state, rollup: reports };
}
