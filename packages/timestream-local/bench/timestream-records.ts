import type { _Record } from '@aws-sdk/client-timestream-write';

/**
 * The MULTI record the Timestream benchmarks write: one device dimension, co2/temperature/humidity as DOUBLE
 * values derived from `i`, time in ms.
 */
export function benchMultiRecord(device: number, timeMs: number, i: number): _Record {
  return {
    Dimensions: [{ Name: 'deviceId', Value: `device_${device}` }],
    MeasureName: 'reading',
    MeasureValueType: 'MULTI',
    MeasureValues: [
      { Name: 'co2', Value: String(400 + (i % 800)), Type: 'DOUBLE' },
      { Name: 'temperature', Value: String(20 + (i % 100) / 10), Type: 'DOUBLE' },
      { Name: 'humidity', Value: String(30 + (i % 400) / 10), Type: 'DOUBLE' },
    ],
    Time: String(timeMs),
  };
}
