import type { KinesisStreamEvent } from 'aws-lambda';
import type { Reading, UnitRegistry } from '#core';

/** How the writer benchmarks shape their readings: `total` readings, `perRecord` per Kinesis record. */
export interface BenchReadingsShape {
  readonly total: number;
  readonly perRecord: number;
  /** Distinct devices; one device per Kinesis record, round robin. */
  readonly devices: number;
}

type DevicePayload = { deviceId: string; time: number; measures: Record<string, number> }[];

/**
 * Canonical readings as a device would send them: one device per Kinesis record, `perRecord` readings of co2,
 * temperature and humidity each, every (device, time) distinct. JSON bodies, one per record.
 */
export function benchPayloads(shape: BenchReadingsShape, devicePrefix: string, startMs: number): string[] {
  const { total, perRecord, devices } = shape;
  const records: string[] = [];
  for (let r = 0; r * perRecord < total; r++) {
    const deviceId = `${devicePrefix}${r % devices}`;
    const readings: DevicePayload = [];
    for (let i = 0; i < perRecord && r * perRecord + i < total; i++) {
      const n = r * perRecord + i;
      readings.push({
        deviceId,
        time: startMs + Math.floor(n / devices) * 10 + i,
        measures: { co2: 400 + (n % 800), temperature: 20 + (n % 100) / 10, humidity: 30 + (n % 400) / 10 },
      });
    }
    records.push(JSON.stringify(readings));
  }
  return records;
}

/** The readings of {@link benchPayloads} as the core types them (canonical units), for baselines. */
export function benchReadings(payloads: readonly string[], units: UnitRegistry): Reading[] {
  return payloads.flatMap((p) =>
    (JSON.parse(p) as DevicePayload).map((r) => ({
      deviceId: r.deviceId,
      timeMs: r.time,
      dimensions: {},
      measures: Object.fromEntries(
        Object.entries(r.measures).map(([k, v]) => [
          k,
          { value: v, unit: units.measure(k)?.canonicalUnit ?? '' },
        ]),
      ),
    })),
  );
}

/**
 * Payloads as the Kinesis events the writer Lambda receives, `batchSize` records per event (the event source
 * mapping's batch size), sequence numbers from `sequenceBase`.
 */
export function kinesisEvents(
  payloads: readonly string[],
  batchSize: number,
  sequenceBase: number,
  startMs: number,
): KinesisStreamEvent[] {
  const data = payloads.map((p) => Buffer.from(p).toString('base64'));
  const events: KinesisStreamEvent[] = [];
  for (let i = 0; i < data.length; i += batchSize) {
    events.push({
      Records: data.slice(i, i + batchSize).map((d, j) => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: 'dev',
          sequenceNumber: String(sequenceBase + i + j),
          data: d,
          approximateArrivalTimestamp: (startMs + i + j) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceBase + i + j}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/writer',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/readings',
      })),
    });
  }
  return events;
}
