import type { RecordLayout } from '../config';
import { createFleetSchema, encodeReadings, parseRequestBody, type Reading } from '../reading';
import { toWriteChunks } from '../records';
import { createUnitRegistry, type UnitRegistry } from '../units';
import { CostInputError } from './errors';
import { meteredRequestBytes, meteredWriteUnits, storedBytes } from './metering';

/** What one device sends, for the sizes the bill depends on. */
export interface SampleShape {
  /** Measure names of each reading (registered measures, e.g. co2, temperature, humidity). */
  readonly measures: readonly string[];
  /** Dimensions besides deviceId (names from DIMENSIONS). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly readingsPerPost: number;
  /** Number of devices: device ids are `device-` and the index, zero-padded to the fleet's width. */
  readonly devices: number;
  /** The unit registry the ingest validates with (UNITS_CONFIG). @default the built-in measures */
  readonly units?: UnitRegistry;
  /** The dimension names the ingest accepts (DIMENSIONS). @default the configuration's default */
  readonly dimensionNames?: readonly string[];
}

/** Sizes measured by running the pipeline's own code on sample readings. */
export interface MeasuredTraffic {
  /** Bytes of one POST body (a JSON array of canonical readings with epoch-ms times). */
  readonly requestBodyBytes: number;
  /** Bytes of the Kinesis record the ingest puts for one POST (`encodeReadings`, plus the partition key). */
  readonly kinesisRecordBytes: number;
}

/** Timestream sizes of the records the writer builds for one invocation's readings. */
export interface MeasuredWrites {
  readonly readings: number;
  readonly requests: number;
  readonly records: number;
  /** Metered write units (1 KiB per request, rounded up) for these readings. */
  readonly writeUnits: number;
  /** Metered bytes of the requests (before rounding). */
  readonly meteredBytes: number;
  /** Bytes the stores keep for these readings. */
  readonly storedBytes: number;
}

/** A plausible value per measure (the value's text length changes the stream's bytes, not Timestream's). */
const sampleValues: Readonly<Record<string, number>> = {
  co2: 550,
  temperature: 24.2,
  humidity: 48.2,
  pressure: 1013.2,
};

/** A fixed instant for the samples (times do not change any size: they are epoch ms of 13 digits). */
const sampleTimeMs = Date.UTC(2026, 0, 15, 9, 30);

function deviceName(index: number, devices: number): string {
  const width = Math.max(1, String(Math.max(0, devices - 1)).length);
  return `device-${String(index).padStart(width, '0')}`;
}

/** The body one device POSTs: `readingsPerPost` canonical readings of consecutive minutes. */
function sampleRequestBody(shape: SampleShape, deviceIndex = 0): string {
  const deviceId = deviceName(deviceIndex, shape.devices);
  const readings = [];
  for (let i = 0; i < shape.readingsPerPost; i++) {
    const measures: Record<string, number> = {};
    for (const m of shape.measures) measures[m] = sampleValues[m] ?? 12.5;
    const reading: Record<string, unknown> = { deviceId, time: sampleTimeMs + i * 60_000, measures };
    if (Object.keys(shape.dimensions).length > 0) reading.dimensions = shape.dimensions;
    readings.push(reading);
  }
  return JSON.stringify(readings);
}

/**
 * The readings of one POST as the ingest validates them (`parseRequestBody` with the fleet schema of the
 * default configuration): a measure or dimension the pipeline would refuse is an error here too.
 */
function parseSample(shape: SampleShape, deviceIndex: number): Reading[] {
  const schema = createFleetSchema({
    units: shape.units ?? createUnitRegistry(),
    ...(shape.dimensionNames === undefined ? {} : { dimensions: shape.dimensionNames }),
  });
  const body = sampleRequestBody(shape, deviceIndex);
  const parsed = parseRequestBody(body, {
    schema,
    deviceId: deviceName(deviceIndex, shape.devices),
    receivedAtMs: sampleTimeMs + shape.readingsPerPost * 60_000,
    maxReadings: shape.readingsPerPost,
  });
  if (!parsed.ok) {
    throw new CostInputError(parsed.issues.slice(0, 5).map((i) => `sample reading ${i.path}: ${i.message}`));
  }
  return parsed.readings;
}

/** Bytes of a POST and of the Kinesis record it becomes, from the ingest's own parse and encode. */
export function measureTraffic(shape: SampleShape): MeasuredTraffic {
  const readings = parseSample(shape, 0);
  const data = new TextEncoder().encode(encodeReadings(readings)).length;
  return {
    requestBodyBytes: new TextEncoder().encode(sampleRequestBody(shape, 0)).length,
    kinesisRecordBytes: data + readings[0]!.deviceId.length,
  };
}

/**
 * Metered writes of one writer invocation: `kinesisRecords` records, each one POST of another device,
 * through the writer's `toWriteChunks` in `layout`, each chunk metered as Timestream meters a request.
 */
export function measureWrites(
  shape: SampleShape,
  layout: RecordLayout,
  kinesisRecords: number,
): MeasuredWrites {
  const readings: Reading[] = [];
  const versions: number[] = [];
  for (let r = 0; r < kinesisRecords; r++) {
    for (const reading of parseSample(shape, r % shape.devices)) {
      readings.push(reading);
      versions.push(sampleTimeMs + 3_600_000 + r);
    }
  }
  const chunks = toWriteChunks(readings, { layout, version: (_reading, i) => versions[i]! });
  let writeUnits = 0;
  let meteredBytes = 0;
  let stored = 0;
  let records = 0;
  for (const chunk of chunks) {
    writeUnits += meteredWriteUnits(chunk);
    meteredBytes += meteredRequestBytes(chunk);
    stored += storedBytes(chunk);
    records += chunk.records.length;
  }
  return {
    readings: readings.length,
    requests: chunks.length,
    records,
    writeUnits,
    meteredBytes,
    storedBytes: stored,
  };
}
