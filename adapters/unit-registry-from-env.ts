import { readFileSync } from 'node:fs';
import { createUnitRegistry, readUnitsConfig, type UnitRegistry } from '#core/units';

/**
 * The unit registry the ingest and the writer use: the built-in measures plus `UNITS_CONFIG` (JSON) or
 * `UNITS_CONFIG_FILE` (a JSON file). Read once at start; a bad value stops the program with its reason.
 */
export function unitRegistryFromEnv(env: Readonly<Record<string, string | undefined>>): UnitRegistry {
  return createUnitRegistry(readUnitsConfig(env, (path) => readFileSync(path, 'utf8')));
}
