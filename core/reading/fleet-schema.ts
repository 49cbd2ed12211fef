import { ConfigError } from '../config/errors';
import { configEnvNames, defaults } from '../config/pipeline-config';
import { tagValueProblem } from '../line-protocol/escape';
import type { UnitRegistry } from '../units/unit-registry';
import { unitsConfigEnvNames } from '../units/units-config';

/**
 * The fleet's one schema: the names the raw table's columns may have. Measures are the unit registry's
 * (built-in plus `UNITS_CONFIG` / `UNITS_CONFIG_FILE`), dimensions are `deviceId` plus the configured
 * `DIMENSIONS`. The ingest refuses any other name with a 400 and the writer dead-letters it, so one device
 * can neither widen the table (Timestream columns cannot be dropped) nor claim a name, in another letter
 * case or as the other kind, that makes other devices' valid readings fail.
 */
export interface FleetSchema {
  readonly units: UnitRegistry;
  /** The configured dimension names besides deviceId, in configured order. */
  readonly dimensionNames: readonly string[];
  /** True when `name` is a configured dimension (exact spelling). */
  isDimension(name: string): boolean;
  /** Why `name`, not a registered measure, is refused as one: what it is instead and how to add it. */
  unknownMeasureMessage(name: string): string;
  /** Why `name`, not a configured dimension, is refused as one: what it is instead and how to add it. */
  unknownDimensionMessage(name: string): string;
  /**
   * Why the store cannot keep a dimension value that Timestream would (STORAGE=influxdb: a line break, a
   * trailing backslash), or undefined; absent when the store keeps every valid value.
   */
  readonly storeValueProblem?: (value: string) => string | undefined;
}

/** What {@link createFleetSchema} builds the schema from. */
export type FleetSchemaOptions = {
  readonly units: UnitRegistry;
  /** The configuration's `dimensions` (DIMENSIONS), deviceId excluded. @default the configuration's default */
  readonly dimensions?: readonly string[];
  /** The configuration's `storage` (STORAGE): InfluxDB refuses some dimension values. @default 'timestream' */
  readonly storage?: 'timestream' | 'influxdb';
};

const deviceId = 'deviceId';

/**
 * Builds the fleet schema once, at start (ingest and writer alike, so that the two cannot disagree). Fails
 * with a {@link ConfigError} when a configured dimension is also a measure of the registry, in any letter
 * case (`readPipelineConfig` checks the built-in measures already; this adds `UNITS_CONFIG`'s).
 *
 * @example
 * const schema = createFleetSchema({ units: unitRegistryFromEnv(env), dimensions: config.dimensions });
 * schema.isDimension('room'); // true
 */
export function createFleetSchema(options: FleetSchemaOptions): FleetSchema {
  const { units } = options;
  const dimensionNames = Object.freeze([...(options.dimensions ?? defaults.dimensions)]);
  const measuresByLower = new Map(units.measureNames().map((m) => [m.toLowerCase(), m]));
  const dimensionsByLower = new Map(dimensionNames.map((d) => [d.toLowerCase(), d]));
  const problems: string[] = [];
  for (const d of dimensionNames) {
    const measure = measuresByLower.get(d.toLowerCase());
    if (measure !== undefined) {
      problems.push(
        `${configEnvNames.dimensions}: "${d}" is also the measure "${measure}" of the unit registry: a name is ` +
          `either a dimension or a measure; remove it from ${configEnvNames.dimensions} or from ${unitsConfigEnvNames.json}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const dimensions = new Set(dimensionNames);
  // Named in messages, so kept short: a 400 answer lists up to 100 issues.
  const listed =
    dimensionNames.length === 0
      ? 'none'
      : dimensionNames.length <= 12
        ? dimensionNames.join(', ')
        : `${dimensionNames.slice(0, 12).join(', ')}, ... (${dimensionNames.length} in all)`;
  const measureHint =
    `register it in ${unitsConfigEnvNames.json} (or ${unitsConfigEnvNames.file}) on the ingest and the writer, ` +
    `e.g. {"measures": {"<name>": {"canonicalUnit": "<unit>"}}}`;

  return {
    units,
    dimensionNames,
    ...(options.storage === 'influxdb'
      ? {
          storeValueProblem: (value: string) => {
            const problem = tagValueProblem(value);
            return problem === undefined ? undefined : `${problem} (STORAGE=influxdb)`;
          },
        }
      : {}),
    isDimension: (name) => dimensions.has(name),
    unknownMeasureMessage(name) {
      const lower = name.toLowerCase();
      const measure = measuresByLower.get(lower);
      if (measure !== undefined) {
        return `unknown measure "${name}": names are case-sensitive, send it as "${measure}"`;
      }
      const dimension = lower === deviceId.toLowerCase() ? deviceId : dimensionsByLower.get(lower);
      if (dimension !== undefined) {
        return `"${name}" is a dimension, not a measure: send it in "dimensions" as "${dimension}"`;
      }
      return `unknown measure "${name}": ${measureHint.replace('<name>', name)}`;
    },
    unknownDimensionMessage(name) {
      const lower = name.toLowerCase();
      if (lower === deviceId.toLowerCase()) {
        return `"${name}" cannot be a dimension: deviceId is set from the reading's "deviceId" field`;
      }
      const dimension = dimensionsByLower.get(lower);
      if (dimension !== undefined) {
        return `unknown dimension "${name}": names are case-sensitive, send it as "${dimension}"`;
      }
      const measure = measuresByLower.get(lower);
      if (measure !== undefined) {
        return `"${name}" is a measure, not a dimension: send it in "measures" as "${measure}"`;
      }
      return (
        `unknown dimension "${name}" (configured: ${listed}): add it to ${configEnvNames.dimensions} ` +
        'on the ingest and the writer'
      );
    },
  };
}
