import { createFleetSchema, type Reading, type ReadingInput } from '#core/reading';
import { createUnitRegistry } from '#core/units';

/** A fixed "now" for tests: 2022-04-20T06:00:00+09:00. */
export const testNowMs = Date.parse('2022-04-20T06:00:00+09:00');

/** The built-in unit registry, built once for all tests. */
export const testUnits = createUnitRegistry();

/** The fleet schema of the default configuration (built-in measures, default DIMENSIONS). */
export const testSchema = createFleetSchema({ units: testUnits });

/** A valid canonical reading as a device would send it, with overrides. */
export function canonicalReadingFactory(
  overrides: Partial<ReadingInput> & Record<string, unknown> = {},
): ReadingInput {
  return {
    deviceId: 'device_1',
    time: '2022-04-20T05:51:00+09:00',
    dimensions: { prefecture: 'Tokyo' },
    measures: { co2: 652, temperature: 24.1, humidity: 40.4 },
    ...overrides,
  } as ReadingInput;
}

/** A validated reading (canonical units), with overrides. */
export function readingFactory(overrides: Partial<Reading> = {}): Reading {
  return {
    deviceId: 'device_1',
    timeMs: Date.parse('2022-04-20T05:51:00+09:00'),
    dimensions: { prefecture: 'Tokyo' },
    measures: {
      co2: { value: 652, unit: 'ppm' },
      temperature: { value: 24.1, unit: 'degC' },
      humidity: { value: 40.4, unit: 'percent' },
    },
    ...overrides,
  };
}

/** Base64 Kinesis record data for a JSON value, as the Lambda event carries it. */
export function kinesisData(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

/**
 * Readings of a fleet as devices send them: one per device every `stepMs` from `fromMs` until before `toMs`,
 * device d `d` seconds after the step; `measures(d, i)` gives device d's values at step i.
 *
 * @example
 * fleetReadings(['room_a', 'room_b'], { fromMs: now - 4 * dayMs, toMs: now, stepMs: 1_800_000 }, (d, i) => ({ co2: 450 + 200 * d + i }))
 */
export function fleetReadings(
  devices: readonly string[],
  span: { readonly fromMs: number; readonly toMs: number; readonly stepMs: number },
  measures: (device: number, step: number) => Record<string, number>,
): { deviceId: string; time: number; measures: Record<string, number> }[] {
  const readings = [];
  for (let t = span.fromMs, i = 0; t < span.toMs; t += span.stepMs, i++) {
    for (const [d, deviceId] of devices.entries()) {
      readings.push({ deviceId, time: t + d * 1000, measures: measures(d, i) });
    }
  }
  return readings;
}
