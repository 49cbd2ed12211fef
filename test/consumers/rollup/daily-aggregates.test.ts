import { describe, expect, it } from 'vitest';
import { dailyAggregateQueries, maxQueryChars, rawTableShape } from '#consumers/rollup/daily-aggregates';
import { zoneDays } from '#consumers/rollup/zone-days';

const day = zoneDays('UTC', '2026-11-30', '2026-11-30')[0]!;
const describeRow = (Column: string, Type = 'double', attribute = 'MULTI') => ({
  Column,
  Type,
  'Timestream attribute type': attribute,
});

describe('rawTableShape', () => {
  it('keeps the numeric MULTI columns named exactly as a known measure, and notes the single layout', () => {
    const shape = rawTableShape(
      [
        describeRow('deviceId', 'varchar', 'DIMENSION'),
        describeRow('co2'),
        describeRow('CO2_'),
        describeRow('Temperature'),
        describeRow('x0_1'),
        describeRow('battery_level', 'bigint'),
        describeRow('measure_value::double', 'double', 'MEASURE_VALUE'),
      ],
      ['battery_level', 'co2', 'temperature'],
    );
    expect(shape).toEqual({ singleMeasure: true, multiMeasureColumns: ['co2', 'battery_level'] });
  });
});

describe('dailyAggregateQueries', () => {
  it('splits into queries under the limit, every known measure in exactly one, whatever the registry holds', () => {
    // Prepare: 20,000 measures of 60 characters, both layouts in the table
    const measures = Array.from({ length: 20_000 }, (_, i) => `m_${String(i).padStart(58, '0')}`);
    const shape = { singleMeasure: true, multiMeasureColumns: measures.slice(0, 5_000) };
    // Act
    const queries = dailyAggregateQueries('RoomCondition', 'conditions', shape, measures, day);
    // Assess
    expect(queries.length).toBeGreaterThan(10);
    for (const q of queries) expect(q.length).toBeLessThanOrEqual(maxQueryChars);
    const all = queries.join('\n');
    const inLists = [...all.matchAll(/measure_name IN \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(', '));
    expect(inLists).toEqual(measures.map((m) => `'${m}'`));
    const columns = [...all.matchAll(/SELECT "deviceId", '([^']+)' AS measure/g)].map((m) => m[1]);
    expect(columns).toEqual(shape.multiMeasureColumns);
  });

  it('makes one query when it fits, and none when there is nothing to aggregate', () => {
    const small = dailyAggregateQueries(
      'RoomCondition',
      'conditions',
      { singleMeasure: false, multiMeasureColumns: ['co2', 'temperature'] },
      ['co2', 'temperature'],
      day,
    );
    expect(small).toHaveLength(1);
    expect(small[0]).toContain(' UNION ALL ');
    expect(
      dailyAggregateQueries(
        'RoomCondition',
        'conditions',
        { singleMeasure: false, multiMeasureColumns: [] },
        [],
        day,
      ),
    ).toEqual([]);
  });
});
