import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../../../infra/local/timestream/errors';
import { type ParsedRecord, parseWriteRequest } from '../../../../infra/local/timestream/write-request';

const parsed = (body: Record<string, unknown>) =>
  parseWriteRequest({ DatabaseName: 'Db_x', TableName: 'tbl', ...body }).records;

describe('parseWriteRequest', () => {
  it('gives the same key whatever the dimension order, and equal fingerprints for equal values', () => {
    const [a, b] = parsed({
      Records: [
        {
          Dimensions: [
            { Name: 'b', Value: '2' },
            { Name: 'a', Value: '1' },
          ],
          MeasureName: 'm',
          MeasureValue: '600',
          Time: '1000',
        },
        {
          Dimensions: [
            { Name: 'a', Value: '1' },
            { Name: 'b', Value: '2' },
          ],
          MeasureName: 'm',
          MeasureValue: '600.0',
          Time: '1',
          TimeUnit: 'SECONDS',
        },
      ],
    }) as ParsedRecord[];
    expect(a!.key).toBe(b!.key);
    expect(a!.fingerprint).toBe(b!.fingerprint);
    expect(a!.timeNs).toBe(1_000_000_000n);
  });

  it('merges CommonAttributes, the record winning for scalar fields', () => {
    const [r] = parsed({
      CommonAttributes: {
        Dimensions: [{ Name: 'deviceId', Value: 'd' }],
        MeasureValueType: 'BIGINT',
        Time: '5',
        Version: 3,
      },
      Records: [{ MeasureName: 'n', MeasureValue: '42', Time: '6' }],
    }) as ParsedRecord[];
    expect(r).toMatchObject({
      measureName: 'n',
      timeNs: 6_000_000n,
      version: 3n,
      dimensions: [['deviceId', 'd']],
    });
    expect(r!.values).toEqual([{ name: 'n', type: 'BIGINT', value: 42n }]);
  });

  it('turns content problems into per-record rejections and model violations into a ValidationException', () => {
    const out = parsed({
      Records: [
        { MeasureName: 'm', MeasureValue: 'yes', MeasureValueType: 'BOOLEAN', Time: '1' },
        { MeasureName: 'm', MeasureValue: '1', MeasureValueType: 'BIGINT', Time: 'soon' },
        { MeasureName: 'm', MeasureValueType: 'MULTI', MeasureValues: [], Time: '1' },
      ],
    });
    expect(out.map((r) => ('reason' in r ? r.index : -1))).toEqual([0, 1, 2]);
    expect(() =>
      parsed({ Records: [{ MeasureName: 'm', MeasureValue: '1', Time: '1', TimeUnit: 'HOURS' }] }),
    ).toThrow(ValidationException);
    expect(() => parsed({ Records: 'nope' })).toThrow(/records/);
  });
});
