import type { Context } from 'aws-lambda';
import { lookbackDays } from '#core/time';
import type { DayReport } from './daily-rollup';
import type { DailyRollup } from './daily-rollup-port';

/** The scheduler's event: an EventBridge scheduled event, or EventBridge Scheduler's input `{ time }`. */
export interface RollupEvent {
  readonly time?: string;
}

export interface ScheduledRollupSettings {
  readonly timeZone: string;
  readonly lookbackDays: number;
  /** Time kept back from the Lambda timeout to report. */
  readonly safetyMarginMs?: number;
}

/**
 * The rollup Lambda's logic, on either store: aggregates `[today - lookbackDays, yesterday]` of the zone, as
 * seen at the event's scheduled time. A failure throws, so that the invocation fails and the rollup-failure
 * alarm fires.
 */
export function createScheduledRollup(rollup: DailyRollup, settings: ScheduledRollupSettings) {
  return async (
    event: RollupEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<DayReport[]> => {
    const scheduled = event.time ? Date.parse(event.time) : Number.NaN;
    const now = Number.isFinite(scheduled) ? scheduled : Date.now();
    const days = lookbackDays(settings.timeZone, now, settings.lookbackDays);
    const deadline = Date.now() + context.getRemainingTimeInMillis() - (settings.safetyMarginMs ?? 3_000);
    return rollup.run(days, { deadline });
  };
}
