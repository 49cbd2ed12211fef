import { describe, expect, it } from 'vitest';
import { createFleetSchema, validateReading } from '#core/reading';
import { canonicalReadingFactory, testNowMs, testUnits } from '../../helpers/readings';

describe('dimension values with STORAGE=influxdb', () => {
  const influx = createFleetSchema({ units: testUnits, storage: 'influxdb' });
  const timestream = createFleetSchema({ units: testUnits });

  it('refuses what line protocol cannot carry in a tag, naming the field, and only for InfluxDB', () => {
    for (const room of ['trailing\\', 'two\nlines', 'carriage\rreturn', 'slash\\ space']) {
      const input = canonicalReadingFactory({ dimensions: { room } });
      expect(validateReading(input, { schema: timestream, nowMs: testNowMs }).ok, room).toBe(true);
      const result = validateReading(input, { schema: influx, nowMs: testNowMs });
      expect(result, room).toMatchObject({
        ok: false,
        issues: [
          {
            path: 'dimensions.room',
            code: 'invalid_dimension_value',
            message: expect.stringContaining('(STORAGE=influxdb)'),
          },
        ],
      });
    }
  });

  it('accepts values that only need escaping', () => {
    for (const room of ['a,b=c d', 'back\\slash', '"quoted"', 'Zürich']) {
      const input = canonicalReadingFactory({ dimensions: { room } });
      expect(validateReading(input, { schema: influx, nowMs: testNowMs }).ok, room).toBe(true);
    }
  });
});
