import { Cron } from 'croner';

/**
 * EventBridge schedule expressions, evaluated locally the way EventBridge Scheduler does, so that the local
 * runtime runs the rollup on the very expression the CDK stack deploys:
 * `cron(minutes hours day-of-month month day-of-week year)` in a time zone (day-of-week 1-7 = SUN-SAT, `?`
 * for "any") and `rate(N minute|minutes|hour|hours|day|days)`.
 */
export interface Schedule {
  /** The first run strictly after `afterMs` (epoch ms), or undefined when there is none. */
  nextRunAfter(afterMs: number): number | undefined;
}

const rateUnits: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

export function parseScheduleExpression(expression: string, timeZone: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const every = Number(rate[1]) * (rateUnits[rate[2] as string] as number);
    if (every <= 0) throw new Error(`${expression}: the rate must be at least 1`);
    // EventBridge counts rates from when the schedule is created; locally from the epoch, which is as good
    return { nextRunAfter: (after) => (Math.floor(after / every) + 1) * every };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) {
    throw new Error(
      `schedule "${expression}" must be cron(min hour day-of-month month day-of-week year) or rate(N unit)`,
    );
  }
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `schedule "${expression}" must have 6 fields: minutes hours day-of-month month day-of-week year`,
    );
  }
  const [, , dom, , dow] = fields;
  if (dom !== '?' && dow !== '?') {
    throw new Error(
      `schedule "${expression}": one of day-of-month or day-of-week must be "?", as EventBridge requires`,
    );
  }
  let job: Cron;
  try {
    job = new Cron(`0 ${fields.join(' ')}`, {
      timezone: timeZone,
      paused: true,
      alternativeWeekdays: true, // EventBridge numbers days 1-7 from Sunday, like Quartz
      sloppyRanges: true, // EventBridge writes "0/15" for "every 15 from 0"
    });
  } catch (error) {
    throw new Error(`schedule "${expression}" is not a valid cron expression: ${(error as Error).message}`);
  }
  return { nextRunAfter: (after) => job.nextRun(new Date(after))?.getTime() };
}

/**
 * Runs `task` at every scheduled time until stopped. Runs never overlap: a run still going at the next time
 * makes that time be skipped, as a scheduler with a single target would retry rather than pile up.
 */
export function startScheduler(
  schedule: Schedule,
  task: (scheduledTimeMs: number) => Promise<void>,
  options: { now?: () => number; onError?: (error: unknown) => void } = {},
) {
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const next = schedule.nextRunAfter(now());
    if (next === undefined) return;
    // long waits are re-armed in steps, so that a suspended machine does not miss the time by much
    timer = setTimeout(
      () => {
        if (now() < next) return arm();
        running ??= task(next)
          .catch((error) => options.onError?.(error))
          .finally(() => {
            running = undefined;
          });
        arm();
      },
      Math.min(Math.max(0, next - now()), 60_000),
    );
    timer.unref?.();
  };
  arm();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
