import { describe, expect, it } from 'vitest';
import type { Reading } from '#core/reading';
import { InvalidRecordVersionError, type RecordOptions, toWriteChunks } from '#core/records';
import { chunkWriteRequests, toTimestreamRecords } from '#test/helpers/record-oracle';
import { readingFactory } from '../../helpers/readings';

/** The two-step path toWriteChunks must reproduce exactly. */
const twoStep = (readings: readonly Reading[], opts: RecordOptions, max?: number) =>
  chunkWriteRequests(toTimestreamRecords(readings, opts), max);

/** A mixed batch: devices interleaved, shared and differing dimensions, repeated times, ns times, converted values. */
function mixed(n: number): Reading[] {
  const prefectures = ['Tokyo', 'Osaka'];
  return Array.from({ length: n }, (_, i) => {
    const device = i % 7;
    const r = readingFactory({
      deviceId: `device_${device}`,
      timeMs: 1650401460000 + Math.floor(i / 3) * 1000,
      dimensions:
        device === 3
          ? {}
          : device === 4 && i % 2 === 0
            ? { prefecture: 'Tokyo', room: `r${i % 3}` }
            : { prefecture: prefectures[device % 2]! },
      measures:
        i % 5 === 0
          ? { co2: { value: 400 + i, unit: 'ppm' } }
          : {
              co2: { value: 400 + i, unit: 'ppm' },
              temperature: { value: 20 + i / 10, unit: 'degC' },
              humidity: { value: 0.1 + i, unit: 'percent' },
            },
    });
    return i % 11 === 0 ? { ...r, timeSubMsNanos: 1 + i } : r;
  });
}

describe('toWriteChunks', () => {
  const layouts = ['multi', 'single'] as const;

  it.each(layouts)(
    '%s: the same requests as chunkWriteRequests(toTimestreamRecords(...)) on a mixed batch',
    (layout) => {
      const batch = mixed(500);
      const perReading: RecordOptions = { layout, version: (_r, i) => 1_000 + (i % 4) };
      for (const max of [100, 37, 3, 1]) {
        expect(toWriteChunks(batch, perReading, max)).toEqual(twoStep(batch, perReading, max));
        expect(toWriteChunks(batch, { layout, version: 5 }, max)).toEqual(
          twoStep(batch, { layout, version: 5 }, max),
        );
      }
    },
  );

  it.each(layouts)('%s: hoists time, dimensions and version when a request shares them', (layout) => {
    const same = Array.from({ length: 4 }, () => readingFactory());
    const opts: RecordOptions = { layout, version: 7 };
    const chunks = toWriteChunks(same, opts);
    expect(chunks).toEqual(twoStep(same, opts));
    expect(chunks[0]!.commonAttributes).toMatchObject({
      Dimensions: [
        { Name: 'deviceId', Value: 'device_1' },
        { Name: 'prefecture', Value: 'Tokyo' },
      ],
      Time: '1650401460000',
      TimeUnit: 'MILLISECONDS',
      Version: 7,
    });
    expect(chunks[0]!.records[0]).not.toHaveProperty('Dimensions');
    const twoDevices = [readingFactory(), readingFactory({ deviceId: 'device_2', timeMs: 1650401461000 })];
    expect(toWriteChunks(twoDevices, opts)).toEqual(twoStep(twoDevices, opts));
  });

  it('returns nothing for no readings, refuses bad sizes and versions like the two-step path', () => {
    expect(toWriteChunks([], { layout: 'multi', version: 1 })).toEqual([]);
    expect(() => toWriteChunks([], { layout: 'multi', version: 1 }, 101)).toThrow(
      /maxRecords must be 1..100/,
    );
    const batch = [readingFactory(), readingFactory({ timeMs: 1650401461000 })];
    const bad: RecordOptions = { layout: 'multi', version: (_r, i) => (i === 1 ? 0 : 5) };
    expect(() => toWriteChunks(batch, bad)).toThrow(InvalidRecordVersionError);
    expect(() => toWriteChunks(batch, bad)).toThrow(/reading 1 is not allowed/);
  });

  it("follows a device's dimensions as they change between batches (the per-device cache never serves stale ones)", () => {
    const opts: RecordOptions = { layout: 'multi', version: 1 };
    for (const prefecture of ['Tokyo', 'Osaka', 'Tokyo']) {
      const batch = [readingFactory({ dimensions: { prefecture } })];
      const [record] = toTimestreamRecords(batch, opts);
      expect(record!.record.Dimensions).toEqual([
        { Name: 'deviceId', Value: 'device_1' },
        { Name: 'prefecture', Value: prefecture },
      ]);
      expect(toWriteChunks(batch, opts)[0]!.commonAttributes.Dimensions).toEqual(record!.record.Dimensions);
    }
  });
});
