import convert from 'convert-units';
import { ConfigError } from '../config/errors';
import { measureNameProblem } from '../reading/field-rules';
import { builtInMeasures } from './measure-definitions';
import type { UnitsConfig } from './units-config';

/** A conversion into a measure's canonical unit: `canonical = value * factor + offset`. */
export type LinearConversion = {
  readonly factor: number;
  readonly offset: number;
  /** Where the figures come from: the canonical unit itself, `convert-units`, or a written definition. */
  readonly source: 'canonical' | 'library' | 'definition';
};

/** One registered measure: its canonical (stored) unit and every unit accepted for it. */
export type MeasureUnits = {
  readonly name: string;
  readonly canonicalUnit: string;
  readonly units: ReadonlyMap<string, LinearConversion>;
};

/** Result of {@link UnitRegistry.toCanonical}: the value in the canonical unit, or why it cannot be given. */
export type Conversion =
  | { readonly ok: true; readonly value: number; readonly unit: string; readonly converted: boolean }
  | {
      readonly ok: false;
      readonly code: 'unknown_unit' | 'unregistered_measure_unit';
      readonly message: string;
    };

/**
 * Converts measure values into their canonical units. Built once at start-up by {@link createUnitRegistry};
 * each conversion is a precomputed linear form, so converting costs a multiply and an add.
 *
 * A measure the registry does not know (e.g. `co2_raw`) is not a column of the fleet's schema: validation
 * refuses it (`unknown_measure`, see core/reading/fleet-schema.ts), so register it in `UNITS_CONFIG`.
 * `toCanonical` itself still answers for such a name: as given with unit `''` without a unit, and
 * `unregistered_measure_unit` with one.
 */
export interface UnitRegistry {
  /** The registered measure, or `undefined`. */
  measure(name: string): MeasureUnits | undefined;
  /** Names of all registered measures, sorted. */
  measureNames(): string[];
  /**
   * Converts `value` given in `unit` (default: the canonical unit) into the measure's canonical unit.
   * Converted values are rounded to {@link convertedSignificantDigits} significant digits; values already in
   * the canonical unit are returned unchanged.
   */
  toCanonical(measure: string, value: number, unit?: string): Conversion;
}

/**
 * Significant digits kept of a converted value, counted on the larger of its two terms (`value * factor` and
 * `offset`). 12 digits is far beyond any sensor's precision and removes the binary floating-point noise of the
 * conversion (75.2 degF -> 24, not 24.000000000000004; 32 degF -> 0, not -3.6e-15), so stored strings stay
 * short and exact tests are possible. Values already in the canonical unit are never rounded.
 */
const convertedSignificantDigits = 12;

/*
 * Converted values per conversion, kept (at most 4,096 each, then forgotten all at once): devices send the
 * same few values over and over, and rounding (toFixed and back) costs far more than a lookup. The result is
 * the same either way. Zero is not kept (0 and -0 would share an entry).
 */
const convertedValues = new WeakMap<LinearConversion, Map<number, number>>();
const maxConvertedValues = 4_096;

/** Converts `value` with `c` and rounds it as {@link convertedSignificantDigits} says. */
export function applyConversion(value: number, c: LinearConversion): number {
  if (value === 0) return convertAndRound(value, c);
  let known = convertedValues.get(c);
  if (known === undefined) {
    known = new Map();
    convertedValues.set(c, known);
  }
  let converted = known.get(value);
  if (converted === undefined) {
    converted = convertAndRound(value, c);
    if (known.size >= maxConvertedValues) known.clear();
    known.set(value, converted);
  }
  return converted;
}

function convertAndRound(value: number, c: LinearConversion): number {
  const product = value * c.factor;
  return roundConverted(product + c.offset, Math.max(Math.abs(product), Math.abs(c.offset)));
}

/**
 * Rounds `value` to {@link convertedSignificantDigits} significant digits of `scale` (default: of `value`
 * itself). Returns +0 for a result that rounds to zero.
 */
export function roundConverted(value: number, scale = Math.abs(value)): number {
  if (value === 0 || scale === 0 || !Number.isFinite(value) || !Number.isFinite(scale)) return value;
  const decimals = convertedSignificantDigits - 1 - Math.floor(Math.log10(scale));
  if (decimals >= 0 && decimals <= 100) return Number(value.toFixed(decimals)) + 0;
  return Number(value.toPrecision(convertedSignificantDigits)) + 0;
}

const identity: LinearConversion = Object.freeze({ factor: 1, offset: 0, source: 'canonical' });

/**
 * Builds the unit registry from the built-in measures plus `extra` (usually from {@link readUnitsConfig}).
 * `extra` may add measures (with `canonicalUnit`) or add units to known measures; it may not change a known
 * measure's canonical unit (stored values would then mix units). Fails with a {@link ConfigError} listing
 * every problem.
 *
 * @example
 * const units = createUnitRegistry(readUnitsConfig(process.env, readFile));
 * units.toCanonical('temperature', 75.2, 'degF'); // { ok: true, value: 24, unit: 'degC', converted: true }
 */
export function createUnitRegistry(extra?: UnitsConfig): UnitRegistry {
  const problems: string[] = [];
  const specs = new Map<string, { canonicalUnit: string; library?: string; units: Map<string, UnitSpec> }>();
  // Timestream and DuckDB compare column names ASCII case-insensitively: co2 and CO2 would be one column.
  const byLowerName = new Map<string, string>();
  const add = (config: UnitsConfig, origin: string) => {
    for (const [name, spec] of Object.entries(config.measures)) {
      const known = specs.get(name);
      if (!known) {
        const twin = byLowerName.get(name.toLowerCase());
        if (twin !== undefined) {
          problems.push(
            `${origin}: measures.${name}: differs from the measure "${twin}" only in letter case, and ` +
              `Timestream compares names that way (one column): use "${twin}" (units can be added to it)`,
          );
          continue;
        }
        const rule = measureNameProblem(name);
        if (rule) {
          problems.push(`${origin}: measures.${name}: ${rule.message}`);
          continue;
        }
      }
      if (known) {
        if (spec.canonicalUnit !== undefined && spec.canonicalUnit !== known.canonicalUnit) {
          problems.push(
            `${origin}: measures.${name}.canonicalUnit "${spec.canonicalUnit}" differs from the existing ` +
              `"${known.canonicalUnit}": a measure's stored unit cannot change; add units to it instead`,
          );
          continue;
        }
        if (spec.library !== undefined && known.library !== undefined && spec.library !== known.library) {
          problems.push(`${origin}: measures.${name}.library cannot change from "${known.library}"`);
          continue;
        }
        if (spec.library !== undefined) known.library = spec.library;
        for (const [u, s] of Object.entries(spec.units ?? {})) known.units.set(u, s);
      } else {
        if (spec.canonicalUnit === undefined) {
          problems.push(`${origin}: measures.${name}: a new measure needs "canonicalUnit"`);
          continue;
        }
        const entry: { canonicalUnit: string; library?: string; units: Map<string, UnitSpec> } = {
          canonicalUnit: spec.canonicalUnit,
          units: new Map(Object.entries(spec.units ?? {})),
        };
        if (spec.library !== undefined) entry.library = spec.library;
        specs.set(name, entry);
        byLowerName.set(name.toLowerCase(), name);
      }
    }
  };
  add(builtInMeasures as unknown as UnitsConfig, 'built-in units');
  if (extra) add(extra, 'UNITS_CONFIG');

  const measures = new Map<string, MeasureUnits>();
  for (const [name, spec] of specs) {
    const units = new Map<string, LinearConversion>([[spec.canonicalUnit, identity]]);
    for (const [unit, unitSpec] of spec.units) {
      if (unit === spec.canonicalUnit) {
        problems.push(`measures.${name}.units.${unit}: is the canonical unit already`);
        continue;
      }
      const linear = toLinear(name, unit, unitSpec, spec.library, problems);
      if (linear) units.set(unit, linear);
    }
    measures.set(name, Object.freeze({ name, canonicalUnit: spec.canonicalUnit, units }));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new LinearUnitRegistry(measures);
}

type UnitSpec = { library: string } | { factor: number; offset?: number | undefined };

/** Derives `value * factor + offset` from convert-units once, and checks the library's conversion is linear. */
function toLinear(
  measure: string,
  unit: string,
  spec: UnitSpec,
  canonicalLibraryUnit: string | undefined,
  problems: string[],
): LinearConversion | undefined {
  if ('factor' in spec)
    return Object.freeze({ factor: spec.factor, offset: spec.offset ?? 0, source: 'definition' });
  if (canonicalLibraryUnit === undefined) {
    problems.push(
      `measures.${measure}.units.${unit}: "library" needs the measure's own "library" unit (the convert-units ` +
        'name of its canonical unit); or give {"factor", "offset"} instead',
    );
    return undefined;
  }
  try {
    const f = (v: number) =>
      convert(v)
        .from(spec.library as convert.Unit)
        .to(canonicalLibraryUnit as convert.Unit);
    const offset = f(0);
    // A wide span keeps the derived factor exact to the last digits the library gives.
    const factor = (f(1e6) - offset) / 1e6;
    const probe = f(1);
    if (Math.abs(probe - (factor + offset)) > 1e-9 * Math.max(1, Math.abs(probe))) {
      problems.push(`measures.${measure}.units.${unit}: convert-units gives no linear conversion`);
      return undefined;
    }
    return Object.freeze({ factor, offset, source: 'library' });
  } catch (cause) {
    problems.push(
      `measures.${measure}.units.${unit}: convert-units cannot convert "${spec.library}" to ` +
        `"${canonicalLibraryUnit}" (${(cause as Error).message})`,
    );
    return undefined;
  }
}

class LinearUnitRegistry implements UnitRegistry {
  constructor(private readonly measures: ReadonlyMap<string, MeasureUnits>) {}

  measure(name: string): MeasureUnits | undefined {
    return this.measures.get(name);
  }

  measureNames(): string[] {
    return [...this.measures.keys()].sort();
  }

  toCanonical(measure: string, value: number, unit?: string): Conversion {
    const m = this.measures.get(measure);
    if (m === undefined) {
      if (unit === undefined) return { ok: true, value, unit: '', converted: false };
      return {
        ok: false,
        code: 'unregistered_measure_unit',
        message:
          `unit "${unit}" given for "${measure}", which has no registered units: send it without a unit ` +
          'to store it as a plain number, or register it in UNITS_CONFIG',
      };
    }
    if (unit === undefined || unit === m.canonicalUnit) {
      return { ok: true, value, unit: m.canonicalUnit, converted: false };
    }
    const c = m.units.get(unit);
    if (c === undefined) {
      return {
        ok: false,
        code: 'unknown_unit',
        message: `unknown unit "${unit}" for ${measure} (expected one of ${[...m.units.keys()].join(', ')})`,
      };
    }
    return {
      ok: true,
      value: applyConversion(value, c),
      unit: m.canonicalUnit,
      converted: true,
    };
  }
}
