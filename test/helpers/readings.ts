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
