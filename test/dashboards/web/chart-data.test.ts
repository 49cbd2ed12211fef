import { describe, expect, it } from 'vitest';
import { builtInMeasureUnits, PanelShapeError, toTable, toTimeSeries } from '#dashboards/web';

const units = builtInMeasureUnits();
const day = (n: number) => Date.UTC(2026, 10, n);

describe('toTimeSeries', () => {
  it('makes one series per numeric column, x in epoch seconds, with the selected measure unit', () => {
    const data = toTimeSeries(
      {
        columns: [
          { name: 'time', type: 'TIMESTAMP' },
          { name: 'avg', type: 'DOUBLE' },
          { name: 'max', type: 'DOUBLE' },
        ],
        rows: [
          [day(2), 21.5, 23],
          [day(1), 20, null],
        ],
      },
      { measure: 'temperature', units },
    );
    expect(data.x).toEqual([day(1) / 1000, day(2) / 1000]);
    expect(data.series).toEqual([
      { label: 'avg', unit: 'degC', values: [20, 21.5] },
      { label: 'max', unit: 'degC', values: [null, 23] },
    ]);
    expect(data.points).toBe(3);
  });

  it('partitions by a text column (one series per measure, each with its own unit) and leaves gaps as null', () => {
    const data = toTimeSeries(
      {
        columns: [
          { name: 'time', type: 'TIMESTAMP' },
          { name: 'measure', type: 'VARCHAR' },
          { name: 'fleet_avg', type: 'DOUBLE' },
        ],
        rows: [
          [day(1), 'temperature', 21],
          [day(1), 'co2', 600],
          [day(2), 'co2', 640],
        ],
      },
      { measure: 'co2', units },
    );
    expect(data.series).toEqual([
      { label: 'co2', unit: 'ppm', values: [600, 640] },
      { label: 'temperature', unit: 'degC', values: [21, null] },
    ]);
  });

  it("gives a statistic named after a measure (the dashboard's avg co2) that measure's unit", () => {
    const data = toTimeSeries(
      {
        columns: [
          { name: 'time', type: 'TIMESTAMP' },
          { name: 'avg co2', type: 'DOUBLE' },
          { name: 'fleet_max temperature', type: 'DOUBLE' },
        ],
        rows: [[day(1), 612, 23.5]],
      },
      { measure: 'humidity', units },
    );
    expect(data.series).toEqual([
      { label: 'avg co2', unit: 'ppm', values: [612] },
      { label: 'fleet_max temperature', unit: 'degC', values: [23.5] },
    ]);
  });

  it('gives count columns their own unit', () => {
    const data = toTimeSeries(
      {
        columns: [
          { name: 'time', type: 'TIMESTAMP' },
          { name: 'devices', type: 'BIGINT' },
        ],
        rows: [[day(1), 3]],
      },
      { measure: 'co2', units },
    );
    expect(data.series[0]).toMatchObject({ label: 'devices', unit: 'devices' });
  });

  it('keeps the series of an empty result (stable legend) and reports 0 points', () => {
    const data = toTimeSeries(
      {
        columns: [
          { name: 'binned_time', type: 'TIMESTAMP' },
          { name: 'co2', type: 'DOUBLE' },
        ],
        rows: [],
      },
      { units },
    );
    expect(data).toEqual({
      kind: 'timeseries',
      x: [],
      series: [{ label: 'co2', unit: 'ppm', values: [] }],
      points: 0,
    });
  });

  it('leaves out the series without a value when the panel hides empty series, and keeps them otherwise', () => {
    const result = {
      columns: [
        { name: 'time', type: 'TIMESTAMP' },
        { name: 'co2', type: 'DOUBLE' },
        { name: 'pressure', type: 'DOUBLE' },
      ],
      rows: [
        [86_400_000, 600, null],
        [172_800_000, 650, null],
      ],
    };
    const hidden = toTimeSeries(result, { units, hideEmptySeries: true });
    expect(hidden.series.map((s) => s.label)).toEqual(['co2']);
    expect(hidden.points).toBe(2);
    const shown = toTimeSeries(result, { units });
    expect(shown.series.map((s) => s.label)).toEqual(['co2', 'pressure']);
  });

  it('throws PanelShapeError naming the columns when there is no time or no number', () => {
    const noTime = { columns: [{ name: 'deviceId', type: 'VARCHAR' }], rows: [] };
    expect(() => toTimeSeries(noTime, { units })).toThrow(PanelShapeError);
    expect(() => toTimeSeries(noTime, { units })).toThrow(/deviceId:VARCHAR.*TIMESTAMP/);
    const noNumber = { columns: [{ name: 'time', type: 'TIMESTAMP' }], rows: [] };
    expect(() => toTimeSeries(noNumber, { units })).toThrow(/numeric column/);
  });
});

describe('toTable', () => {
  it('keeps rows as returned and puts units on numeric columns only', () => {
    const table = toTable(
      {
        columns: [
          { name: 'time', type: 'TIMESTAMP' },
          { name: 'avg', type: 'DOUBLE' },
          { name: 'last co2', type: 'DOUBLE' },
          { name: 'count', type: 'BIGINT' },
        ],
        rows: [[day(2), 650.5, 640, 48]],
      },
      { measure: 'co2', units },
    );
    expect(table.columns.map((c) => c.unit)).toEqual(['', 'ppm', 'ppm', 'count']);
    expect(table.rows).toEqual([[day(2), 650.5, 640, 48]]);
    expect(table.points).toBe(1);
  });

  it('gives fields named measure_statistic (co2_avg, temperature_count) the unit of their measure, counts a count', () => {
    const table = toTable(
      {
        columns: [
          { name: 'temperature_avg', type: 'DOUBLE' },
          { name: 'temperature_count', type: 'BIGINT' },
          { name: 'fleet_avg', type: 'DOUBLE' },
        ],
        rows: [[21.5, 48, 600]],
      },
      { measure: 'co2', units },
    );
    expect(table.columns.map((c) => c.unit)).toEqual(['degC', 'count', 'ppm']);
  });
});
