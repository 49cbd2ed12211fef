import { describe, expect, it } from 'vitest';
import type { Reading } from '#core/reading';
import type { TimestreamRecord } from '#core/records';
import { chunkWriteRequests, toTimestreamRecords } from '#test/helpers/record-oracle';
import { readingFactory } from '../../helpers/readings';

/** Merges CommonAttributes into a record the way Timestream does. */
function merged(common: TimestreamRecord, record: TimestreamRecord): TimestreamRecord {
  return { ...common, ...record, Dimensions: [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])] };
}

function readings(n: number, devices: number): Reading[] {
  return Array.from({ length: n }, (_, i) =>
    readingFactory({
      deviceId: `device_${i % devices}`,
      timeMs: 1650401460000 + Math.floor(i / devices) * 60_000,
    }),
  );
}

describe('chunkWriteRequests', () => {
  it('splits into requests of at most 100 records and keeps every record exactly once', () => {
    const mapped = toTimestreamRecords(readings(250, 7), { layout: 'single', version: 3 });
    const chunks = chunkWriteRequests(mapped);
    expect(mapped).toHaveLength(750);
    expect(chunks.map((c) => c.records.length)).toEqual([100, 100, 100, 100, 100, 100, 100, 50]);
    const seen = chunks.flatMap((c) => c.records.map((r) => merged(c.commonAttributes, r)));
    const key = (r: TimestreamRecord) =>
      JSON.stringify([
        r.Dimensions?.map((d) => `${d.Name}=${d.Value}`).sort(),
        r.Time,
        r.MeasureName,
        r.MeasureValue,
        r.Version,
      ]);
    expect(seen.map(key).sort()).toEqual(mapped.map((m) => key(m.record)).sort());
  });

  it('hoists what all records share into CommonAttributes and removes it from the records', () => {
    const one = readingFactory();
    const chunks = chunkWriteRequests(toTimestreamRecords([one], { layout: 'single', version: 9 }));
    expect(chunks).toEqual([
      {
        commonAttributes: {
          Dimensions: [
            { Name: 'deviceId', Value: 'device_1' },
            { Name: 'prefecture', Value: 'Tokyo' },
          ],
          Time: '1650401460000',
          TimeUnit: 'MILLISECONDS',
          MeasureValueType: 'DOUBLE',
          Version: 9,
        },
        records: [
          { MeasureName: 'co2', MeasureValue: '652' },
          { MeasureName: 'temperature', MeasureValue: '24.1' },
          { MeasureName: 'humidity', MeasureValue: '40.4' },
        ],
        readingIndexes: [0, 0, 0],
      },
    ]);
  });

  it('hoists only the dimensions shared by every record, and keeps differing times in the records', () => {
    const a = readingFactory({ deviceId: 'device_1' });
    const b = readingFactory({ deviceId: 'device_2', timeMs: a.timeMs + 1000 });
    const [chunk] = chunkWriteRequests(toTimestreamRecords([a, b], { layout: 'multi', version: 1 }));
    expect(chunk!.commonAttributes).toEqual({
      Dimensions: [{ Name: 'prefecture', Value: 'Tokyo' }],
      MeasureName: 'reading',
      MeasureValueType: 'MULTI',
      Version: 1,
    });
    expect(chunk!.records.map((r) => [r.Dimensions, r.Time, r.TimeUnit])).toEqual([
      [[{ Name: 'deviceId', Value: 'device_1' }], '1650401460000', 'MILLISECONDS'],
      [[{ Name: 'deviceId', Value: 'device_2' }], '1650401461000', 'MILLISECONDS'],
    ]);
  });

  it('groups records by their dimensions so a device shares its requests, and maps records back to readings', () => {
    const batch = readings(6, 2); // device_0, device_1, device_0, ...
    const chunks = chunkWriteRequests(toTimestreamRecords(batch, { layout: 'multi', version: 1 }), 3);
    expect(chunks.map((c) => c.commonAttributes.Dimensions)).toEqual([
      [
        { Name: 'deviceId', Value: 'device_0' },
        { Name: 'prefecture', Value: 'Tokyo' },
      ],
      [
        { Name: 'deviceId', Value: 'device_1' },
        { Name: 'prefecture', Value: 'Tokyo' },
      ],
    ]);
    expect(chunks.map((c) => c.readingIndexes)).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
    for (const c of chunks) {
      c.records.forEach((r, i) => {
        expect(r.Time).toBe(String(batch[c.readingIndexes[i]!]!.timeMs));
      });
    }
  });

  it('returns nothing for no records and refuses a request size Timestream would refuse', () => {
    expect(chunkWriteRequests([])).toEqual([]);
    expect(() => chunkWriteRequests([], 101)).toThrow(/maxRecords must be 1..100/);
    expect(() => chunkWriteRequests([], 0)).toThrow(RangeError);
  });
});
