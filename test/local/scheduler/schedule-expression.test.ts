import { describe, expect, it } from 'vitest';
import { parseScheduleExpression, startScheduler } from '#local/scheduler/schedule-expression';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, tz: string, after: string) =>
  new Date(parseScheduleExpression(expression, tz).nextRunAfter(at(after)) ?? 0).toISOString();

describe('EventBridge schedule expressions', () => {
  it('run the default rollup schedule at 00:15 in the rollup zone', () => {
    expect(next('cron(15 0 * * ? *)', 'UTC', '2026-11-27T16:00:00Z')).toBe('2026-11-28T00:15:00.000Z');
    expect(next('cron(15 0 * * ? *)', 'Asia/Tokyo', '2026-11-27T16:00:00Z')).toBe('2026-11-28T15:15:00.000Z');
  });

  it('number days of the week 1-7 from Sunday, as EventBridge does', () => {
    // 2026-11-27 is a Friday; 2 = Monday
    expect(next('cron(0 8 ? * 2 *)', 'UTC', '2026-11-27T16:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
    expect(next('cron(0 8 ? * MON *)', 'UTC', '2026-11-27T16:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
  });

  it('accept EventBridge increments and rates', () => {
    expect(next('cron(0/15 * * * ? *)', 'UTC', '2026-11-27T16:01:00Z')).toBe('2026-11-27T16:15:00.000Z');
    expect(next('rate(5 minutes)', 'UTC', '2026-11-27T16:01:00Z')).toBe('2026-11-27T16:05:00.000Z');
  });

  it('follow daylight saving in the zone', () => {
    // Berlin switches to CEST on 2026-03-29: 00:15 local is 23:15 UTC before, 22:15 UTC after
    expect(next('cron(15 0 * * ? *)', 'Europe/Berlin', '2026-03-28T12:00:00Z')).toBe(
      '2026-03-28T23:15:00.000Z',
    );
    expect(next('cron(15 0 * * ? *)', 'Europe/Berlin', '2026-03-29T12:00:00Z')).toBe(
      '2026-03-29T22:15:00.000Z',
    );
  });

  it('refuse malformed expressions with a message that shows the expected form', () => {
    expect(() => parseScheduleExpression('every day', 'UTC')).toThrow(/must be cron\(min hour/);
    expect(() => parseScheduleExpression('cron(15 0 * * *)', 'UTC')).toThrow(/must have 6 fields/);
    expect(() => parseScheduleExpression('cron(15 0 1 * MON *)', 'UTC')).toThrow(/must be "\?"/);
    expect(() => parseScheduleExpression('cron(99 0 * * ? *)', 'UTC')).toThrow(/not a valid cron expression/);
  });
});

describe('startScheduler', () => {
  it('runs the task at each scheduled time with that time', async () => {
    const runs: number[] = [];
    const base = Date.now();
    const schedule = { nextRunAfter: (after: number) => (after < base + 40 ? base + 40 : undefined) };
    const scheduler = startScheduler(schedule, async (t) => void runs.push(t));
    await expect.poll(() => runs.length, { timeout: 5_000, interval: 10 }).toBeGreaterThan(0);
    await scheduler.stop();
    expect(runs).toEqual([base + 40]);
  });
});
