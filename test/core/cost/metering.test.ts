import { describe, expect, it } from 'vitest';
import { measureWrites, meteredRequestBytes, meteredWriteUnits, storedBytes } from '#core/cost';

// The example of Timestream's developer guide (metering-and-pricing.writes.html): an EC2 instance's CPU
// utilization with four dimensions, "Write size of the time series event = 83 bytes".
const ec2Event = {
  Dimensions: [
    { Name: 'region', Value: 'us-east-1' },
    { Name: 'az', Value: '1d' },
    { Name: 'vpc', Value: 'vpc-1a2b3c4d' },
    { Name: 'hostname', Value: 'host-24Gju' },
  ],
  MeasureName: 'cpu_utilization',
  MeasureValue: '35.0',
  MeasureValueType: 'DOUBLE',
  Time: '1602983435238563000',
};

describe('Timestream write metering', () => {
  it("meters the developer guide's example event at 83 bytes", () => {
    // time 8 + region+us-east-1 15 + az+1d 4 + vpc+vpc-1a2b3c4d 15 + hostname+host-24Gju 18
    // + cpu_utilization 15 + double 8 = 83
    expect(meteredRequestBytes({ records: [ec2Event] })).toBe(83);
  });

  it('rounds each request up to 1 KiB units: 12 such events fit one unit, 13 need two', () => {
    // 12 x 83 = 996 <= 1024 -> 1 unit (the guide's "a batch of 12 time series events (998 bytes)")
    expect(meteredWriteUnits({ records: Array(12).fill(ec2Event) })).toBe(1);
    // 13 x 83 = 1079 -> 2 units
    expect(meteredWriteUnits({ records: Array(13).fill(ec2Event) })).toBe(2);
  });

  it('counts common attributes once per request, and every record in full when stored', () => {
    const common = { Dimensions: ec2Event.Dimensions.slice(0, 3), MeasureName: 'cpu_utilization' };
    const record = { Dimensions: [ec2Event.Dimensions[3]!], MeasureValue: '35.0' };
    // common: 15 + 4 + 15 + 15 = 49; each record: time 8 + hostname+host-24Gju 18 + double 8 = 34
    // 40 records: 49 + 40 x 34 = 1409 bytes -> 2 units (without common attributes: 40 x 83 = 3320 -> 4)
    const request = { commonAttributes: common, records: Array(40).fill(record) };
    expect(meteredRequestBytes(request)).toBe(1409);
    expect(meteredWriteUnits(request)).toBe(2);
    // stored: 40 x 83
    expect(storedBytes(request)).toBe(3320);
  });

  it('meters a MULTI record by its measure names and 8 bytes per DOUBLE or BIGINT value', () => {
    const multi = {
      Dimensions: [{ Name: 'deviceId', Value: 'room-7' }],
      MeasureName: 'reading',
      MeasureValueType: 'MULTI',
      MeasureValues: [
        { Name: 'co2', Value: '550', Type: 'DOUBLE' },
        { Name: 'count', Value: '1440', Type: 'BIGINT' },
        { Name: 'ok', Value: 'true', Type: 'BOOLEAN' },
        { Name: 'note', Value: 'ünit', Type: 'VARCHAR' },
      ],
    };
    // time 8 + deviceId+room-7 14 + reading 7 + co2 3+8 + count 5+8 + ok 2+1 + note 4 + 'ünit' 5 UTF-8 bytes = 65
    expect(meteredRequestBytes({ records: [multi] })).toBe(65);
  });
});

describe('the writer requests of sample readings', () => {
  const shape = {
    measures: ['co2', 'temperature', 'humidity'],
    dimensions: {},
    readingsPerPost: 1,
    devices: 100,
  };

  it('meters a multi-layout invocation of 10 devices as one request', () => {
    // toWriteChunks puts the 10 readings (10 devices) into one request; common: MeasureName 'reading' (7 B);
    // each record: time 8 + deviceId+device-0N 8+9 + co2 3+8 + temperature 11+8 + humidity 8+8 = 71
    // 7 + 10 x 71 = 717 bytes -> 1 unit
    const writes = measureWrites(shape, 'multi', 10);
    expect(writes).toMatchObject({
      readings: 10,
      requests: 1,
      records: 10,
      meteredBytes: 717,
      writeUnits: 1,
    });
    // stored: 10 x (71 + 7)
    expect(writes.storedBytes).toBe(780);
  });

  it('meters a single-layout invocation as one record per measure', () => {
    // 30 DOUBLE records in one request; the measure names differ, so no common measure name; the times are
    // equal (hoisted, but still 8 bytes a record). Each: 8 + 17 + name + 8:
    // co2 36, temperature 44, humidity 41 -> 10 x (36 + 44 + 41) = 1210 bytes -> 2 units
    const writes = measureWrites(shape, 'single', 10);
    expect(writes).toMatchObject({
      readings: 10,
      requests: 1,
      records: 30,
      meteredBytes: 1210,
      writeUnits: 2,
    });
  });
});
