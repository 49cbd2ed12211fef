import { runDailyRollup } from '#consumers/rollup/daily-rollup';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { lookbackDays } from '#core/time';
import { startTimestreamStack, streamRecord, type TimestreamStack } from '../../consumers/local-stack';
import { localBatchWriter } from '../../helpers/local-writer';

/** The seeded devices: each with its own co2 level, so that a device change visibly changes the charts. */
const seededDevices = ['room_a', 'room_b', 'room_c'] as const;
const seededDays = 4;
const stepMs = 30 * 60_000;

/** co2 of device d at step i: device d sits around 450 + 200 d ppm, with a daily swing. */
const seededCo2 = (d: number, i: number) => Math.round(450 + 200 * d + 80 * Math.sin(i / 7.6));

/** A reading as devices send it. */
interface SeedReading {
  readonly deviceId: string;
  readonly time: number;
  readonly measures: Readonly<Record<string, number>>;
}

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
    readonly extraReadings?: readonly SeedReading[];
  } = {},
): Promise<TimestreamStack & { readings: number }> {
  const nowMs = options.nowMs ?? Date.now();
  const timeZone = options.timeZone ?? 'UTC';
  const stack = await startTimestreamStack({ ROLLUP_TIMEZONE: timeZone });
  try {
    const writer = localBatchWriter(stack, { layout: 'multi', dedupeCacheSize: 0 });
    const start = nowMs - seededDays * 86_400_000;
    const readings: SeedReading[] = [...(options.extraReadings ?? [])];
    for (let t = start, i = 0; t < nowMs - 60_000; t += stepMs, i++) {
      for (const [d, deviceId] of seededDevices.entries()) {
        readings.push({
          deviceId,
          time: t + d * 1000,
          measures: {
            co2: seededCo2(d, i),
            temperature: 20 + d + 2 * Math.sin(i / 9),
            humidity: 40 + 5 * d + 3 * Math.cos(i / 11),
          },
        });
      }
    }
    const records = [];
    for (let i = 0; i < readings.length; i += 50) records.push(streamRecord(readings.slice(i, i + 50)));
    const result = await writer.write(records, { deadline: Date.now() + 60_000 });
    if (result.failures.size > 0 || result.summary.written !== readings.length) {
      throw new Error(
        `seeding wrote ${result.summary.written} of ${readings.length} readings (${result.failures.size} failed records)`,
      );
    }
    if (options.rollup !== false)
      await runDailyRollup(
        {
          queryClient: stack.query,
          aggregateSink: new TimestreamReadingSink({
            client: stack.write,
            database: stack.config.database,
            table: stack.config.aggregateTable,
            concurrency: 2,
          }),
          database: stack.config.database,
          rawTable: stack.config.rawTable,
        },
        lookbackDays(timeZone, nowMs, seededDays),
        { deadline: Date.now() + 60_000, version: Date.now() },
      );
    return Object.assign(stack, { readings: readings.length });
  } catch (error) {
    await stack.close();
    throw error;
  }
}
