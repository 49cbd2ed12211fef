import { RecordLayout } from '../config';

export { RecordLayout };

/**
 * `MeasureName` of the MULTI record in the `multi` layout: every reading is one record named `reading`, its
 * measures are the columns (`SELECT co2, temperature FROM ... WHERE measure_name = 'reading'`). One fixed name
 * keeps the table's measure-name count at 1 and lets a query select all readings without knowing the sensors.
 */
export const multiMeasureName = 'reading';

/** The dimension that carries the device id in every record. */
export const deviceIdDimension = 'deviceId';
