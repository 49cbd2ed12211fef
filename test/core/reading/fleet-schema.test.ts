import { describe, expect, it } from 'vitest';
import { ConfigError, readPipelineConfig } from '#core/config';
import { createFleetSchema, parseRequestBody } from '#core/reading';
import { createUnitRegistry, parseUnitsConfig } from '#core/units';
import { testNowMs } from '../../helpers/readings';

const registry = (json: string) => createUnitRegistry(parseUnitsConfig(json));

describe('createFleetSchema', () => {
  it('refuses, at start, a configured dimension that UNITS_CONFIG also makes a measure (in any letter case)', () => {
    // Prepare
    const units = registry('{"measures": {"Wing": {"canonicalUnit": "index"}}}');
    const { dimensions } = readPipelineConfig({ DIMENSIONS: 'room,wing' });
    // Act
    let error: unknown;
    try {
      createFleetSchema({ units, dimensions });
    } catch (e) {
      error = e;
    }
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'DIMENSIONS: "wing" is also the measure "Wing" of the unit registry: a name is either a dimension or a ' +
        'measure; remove it from DIMENSIONS or from UNITS_CONFIG',
    ]);
  });

  it('names the measures in the seed body by their own path when unknown', () => {
    const schema = createFleetSchema({ units: createUnitRegistry() });
    const r = parseRequestBody('{"co2": 550, "co2_raw": 3}', {
      schema,
      receivedAtMs: testNowMs,
      deviceId: 'device_1',
    });
    expect(r.ok ? [] : r.issues).toEqual([
      {
        path: 'co2_raw',
        code: 'unknown_measure',
        message: expect.stringContaining('register it in UNITS_CONFIG'),
      },
    ]);
  });

  it('keeps messages short with a long DIMENSIONS list', () => {
    const names = Array.from({ length: 120 }, (_, i) => `dimension_name_number_${i}`);
    const schema = createFleetSchema({ units: createUnitRegistry(), dimensions: names });
    const message = schema.unknownDimensionMessage('wing');
    expect(message).toContain('... (120 in all)');
    expect(message.length).toBeLessThan(600);
  });
});
