import { builtInMeasures } from '#core/units';

/** Canonical (stored) unit of each measure, as the writer converts readings into them. */
export type MeasureUnits = Readonly<Record<string, string>>;

/** The canonical units of the built-in measures (co2 -> ppm, temperature -> degC, ...). */
export function builtInMeasureUnits(): MeasureUnits {
  return Object.fromEntries(
    Object.entries(builtInMeasures.measures).map(([name, measure]) => [name, measure.canonicalUnit]),
  );
}

/** Columns that count things (devices, readings) rather than measure them. */
const countColumns = new Set(['devices', 'count', 'readings']);

/**
 * The unit to put on a chart axis for a result column: a measure column carries its own unit, a count
 * column counts, and a statistic (`avg`, `fleet_min`, ...) has the unit of the selected measure.
 */
export function columnUnit(column: string, selectedMeasure: string | undefined, units: MeasureUnits): string {
  if (units[column] !== undefined) return units[column];
  if (countColumns.has(column)) return column === 'devices' ? 'devices' : 'count';
  if (selectedMeasure !== undefined && units[selectedMeasure] !== undefined) return units[selectedMeasure];
  return '';
}
