import { z } from 'zod';
import { ConfigError } from '../config/errors';

const unitName = z
  .string()
  .regex(
    /^[A-Za-z0-9%/._^-]{1,32}$/,
    "must be 1..32 characters of letters, digits, '%', '/', '.', '_', '^', '-'",
  );
const measureName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,59}$/,
    "must start with a letter or '_' and hold only letters, digits, '_'",
  );

const unitSpec = z.union(
  [
    z.strictObject({ library: z.string().min(1) }),
    z.strictObject({
      factor: z
        .number()
        .finite()
        .refine((f) => f !== 0, 'must not be 0'),
      offset: z.number().finite().optional(),
    }),
  ],
  { error: 'must be {"library": "<convert-units unit>"} or {"factor": number, "offset"?: number}' },
);

const measureSpec = z.strictObject({
  canonicalUnit: unitName.optional(),
  library: z.string().min(1).optional(),
  units: z.record(unitName, unitSpec).optional(),
});

/** The schema of `UNITS_CONFIG`: measures to add, or units to add to a known measure. */
const unitsConfigSchema = z.strictObject({ measures: z.record(measureName, measureSpec) });

/**
 * Units configuration: `canonical = value * factor + offset`, or derived from a `convert-units` unit
 * (`library`, which then needs the measure's `library` name for its canonical unit).
 *
 * @example
 * { "measures": {
 *     "radon": { "canonicalUnit": "Bq/m3", "units": { "pCi/L": { "factor": 37 } } },
 *     "temperature": { "units": { "degR": { "library": "R" } } } } }
 */
export type UnitsConfig = z.infer<typeof unitsConfigSchema>;

/** Environment variables that extend the built-in units (read once at start-up). */
export const unitsConfigEnvNames = { json: 'UNITS_CONFIG', file: 'UNITS_CONFIG_FILE' } as const;

/**
 * Reads the extra units from `UNITS_CONFIG` (JSON text) or `UNITS_CONFIG_FILE` (path to a JSON file, read
 * with `readFile`: the domain does no I/O itself). Returns `undefined` when neither is set. Fails with a
 * {@link ConfigError} naming the variable and every problem, so a bad units file stops the service at start
 * instead of mis-converting readings.
 */
export function readUnitsConfig(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): UnitsConfig | undefined {
  const json = env[unitsConfigEnvNames.json];
  const file = env[unitsConfigEnvNames.file];
  if (json && file) {
    throw new ConfigError([
      `${unitsConfigEnvNames.json} and ${unitsConfigEnvNames.file} are both set: set only one of them`,
    ]);
  }
  let source: string;
  let text: string;
  if (json) {
    source = unitsConfigEnvNames.json;
    text = json;
  } else if (file) {
    source = `${unitsConfigEnvNames.file}=${JSON.stringify(file)}`;
    try {
      text = readFile(file);
    } catch (cause) {
      throw new ConfigError([`${source}: cannot read the file (${(cause as Error).message})`]);
    }
  } else {
    return undefined;
  }
  return parseUnitsConfig(text, source);
}

/** Parses and validates units configuration JSON text; `source` names it in error messages. */
export function parseUnitsConfig(text: string, source: string = unitsConfigEnvNames.json): UnitsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${source}: not valid JSON (${(cause as Error).message})`]);
  }
  const parsed = unitsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${source}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
