import type { _Record, WriteRecordsCommandInput } from '@aws-sdk/client-timestream-write';
import { describe, expect, it } from 'vitest';
import { InvalidRecordVersionError } from '#core/records';
import { chunkWriteRequests, toTimestreamRecords } from '#test/helpers/record-oracle';
import { readingFactory } from '../../helpers/readings';

const reading = readingFactory({
  measures: {
    co2: { value: 652, unit: 'ppm' },
    temperature: { value: 24.2, unit: 'degC', original: { value: 75.56, unit: 'degF' } },
  },
});

describe('toTimestreamRecords', () => {
  it('multi: one MULTI record per reading named "reading", each measure a DOUBLE column', () => {
    const mapped = toTimestreamRecords([reading], { layout: 'multi', version: 1650401465123 });
    expect(mapped).toEqual([
      {
        readingIndex: 0,
        record: {
          Dimensions: [
            { Name: 'deviceId', Value: 'device_1' },
            { Name: 'prefecture', Value: 'Tokyo' },
          ],
          MeasureName: 'reading',
          MeasureValueType: 'MULTI',
          MeasureValues: [
            { Name: 'co2', Value: '652', Type: 'DOUBLE' },
            { Name: 'temperature', Value: '24.2', Type: 'DOUBLE' },
          ],
          Time: '1650401460000',
          TimeUnit: 'MILLISECONDS',
          Version: 1650401465123,
        },
      },
    ]);
  });

  it("single: the seed's layout, one DOUBLE record per measure", () => {
    const mapped = toTimestreamRecords([reading], { layout: 'single', version: 7 });
    expect(mapped.map((m) => m.record)).toEqual([
      {
        Dimensions: [
          { Name: 'deviceId', Value: 'device_1' },
          { Name: 'prefecture', Value: 'Tokyo' },
        ],
        MeasureName: 'co2',
        MeasureValueType: 'DOUBLE',
        MeasureValue: '652',
        Time: '1650401460000',
        TimeUnit: 'MILLISECONDS',
        Version: 7,
      },
      {
        Dimensions: [
          { Name: 'deviceId', Value: 'device_1' },
          { Name: 'prefecture', Value: 'Tokyo' },
        ],
        MeasureName: 'temperature',
        MeasureValueType: 'DOUBLE',
        MeasureValue: '24.2',
        Time: '1650401460000',
        TimeUnit: 'MILLISECONDS',
        Version: 7,
      },
    ]);
    expect(mapped.map((m) => m.readingIndex)).toEqual([0, 0]);
  });

  it('writes numbers as their shortest exact text and nanosecond times in NANOSECONDS', () => {
    const r = readingFactory({
      timeSubMsNanos: 5,
      measures: {
        a: { value: 0.1, unit: '' },
        b: { value: -0, unit: '' },
        c: { value: 1013.25014435, unit: 'hPa' },
      },
    });
    const [m] = toTimestreamRecords([r], { layout: 'multi', version: 1 });
    expect(m!.record.MeasureValues!.map((v) => v.Value)).toEqual(['0.1', '0', '1013.25014435']);
    expect(m!.record.Time).toBe('1650401460000000005');
    expect(m!.record.TimeUnit).toBe('NANOSECONDS');
  });

  it('takes a version per reading (the Kinesis arrival time) and refuses one Timestream would refuse', () => {
    const arrival = [1650401465000, 1650401466000];
    const mapped = toTimestreamRecords([reading, reading], {
      layout: 'multi',
      version: (_r, i) => arrival[i]!,
    });
    expect(mapped.map((m) => m.record.Version)).toEqual(arrival);
    expect(() => toTimestreamRecords([reading], { layout: 'multi', version: 0 })).toThrow(
      InvalidRecordVersionError,
    );
    expect(() => toTimestreamRecords([reading], { layout: 'multi', version: () => 1.5 })).toThrow(
      /record version 1.5 for reading 0 is not allowed/,
    );
  });

  it('produces records and requests the AWS SDK accepts as its own types', () => {
    const chunk = chunkWriteRequests(toTimestreamRecords([reading], { layout: 'multi', version: 1 }))[0]!;
    const sdkRecords: _Record[] = chunk.records;
    const input: WriteRecordsCommandInput = {
      DatabaseName: 'RoomCondition',
      TableName: 'conditions',
      CommonAttributes: chunk.commonAttributes,
      Records: sdkRecords,
    };
    expect(input.Records).toHaveLength(1);
  });
});
