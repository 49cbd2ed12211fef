import { runDailyRollup } from '#consumers/rollup/daily-rollup';
import { lookbackDays } from '#core/time';
import { dailyRollupDeps, startTimestreamStack, type TimestreamStack } from '../../consumers/local-stack';
import { type DeviceReading, writeThroughWriter } from '../../helpers/local-writer';
import { fleetReadings } from '../../helpers/readings';

/** The seeded devices: each with its own co2 level, so that a device change visibly changes the charts. */
const seededDevices = ['room_a', 'room_b', 'room_c'] as const;
const seededDays = 4;
const stepMs = 30 * 60_000;

/** co2 of device d at step i: device d sits around 450 + 200 d ppm, with a daily swing. */
const seededCo2 = (d: number, i: number) => Math.round(450 + 200 * d + 80 * Math.sin(i / 7.6));

/**
 * A local Timestream (multi layout) with readings of three devices every 30 minutes over the last four
 * days (and any `extraReadings`), written through the writer's BatchWriter, and the real daily rollup run
 * over the four days before `nowMs`'s day in `timeZone` (unless `rollup: false`: a fresh stack where the
 * rollup has not run yet).
 */
export async function startSeededStack(
  options: {
    readonly nowMs?: number;
    readonly rollup?: boolean;
    /** The rollup's zone. @default 'UTC' */
    readonly timeZone?: string;
    readonly extraReadings?: readonly DeviceReading[];
  } = {},
): Promise<TimestreamStack & { readings: number }> {
  const nowMs = options.nowMs ?? Date.now();
  const timeZone = options.timeZone ?? 'UTC';
  const stack = await startTimestreamStack({ ROLLUP_TIMEZONE: timeZone });
  try {
    const readings = [
      ...(options.extraReadings ?? []),
      ...fleetReadings(
        seededDevices,
        { fromMs: nowMs - seededDays * 86_400_000, toMs: nowMs - 60_000, stepMs },
        (d, i) => ({
          co2: seededCo2(d, i),
          temperature: 20 + d + 2 * Math.sin(i / 9),
          humidity: 40 + 5 * d + 3 * Math.cos(i / 11),
        }),
      ),
    ];
    await writeThroughWriter(stack, readings, { layout: 'multi' });
    if (options.rollup !== false)
      await runDailyRollup(dailyRollupDeps(stack), lookbackDays(timeZone, nowMs, seededDays), {
        deadline: Date.now() + 60_000,
        version: Date.now(),
      });
    return Object.assign(stack, { readings: readings.length });
  } catch (error) {
    await stack.close();
    throw error;
  }
}
