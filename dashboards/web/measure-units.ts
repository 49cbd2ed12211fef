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
 * The unit to put on a chart axis for a result column, as the Grafana dashboard's field overrides give it: a
 * measure column carries its own unit, a statistic named after its measure (`avg co2`, `fleet_max co2`: the
 * measure is the last word, or `co2_avg`: the measure before the last underscore) the measure's, a count column
 * counts, and any other statistic (`avg`) has the unit of the selected measure.
 */
export function columnUnit(column: string, selectedMeasure: string | undefined, units: MeasureUnits): string {
  if (units[column] !== undefined) return units[column];
  const lastWord = column.slice(column.lastIndexOf(' ') + 1);
  if (lastWord !== column && units[lastWord] !== undefined) return units[lastWord];
  // a field named measure_statistic (`co2_avg`, `pm2_5_count`), as an InfluxDB aggregate may name its fields
  const cut = column.lastIndexOf('_');
  if (cut > 0 && units[column.slice(0, cut)] !== undefined) {
    return column.slice(cut + 1) === 'count' ? 'count' : units[column.slice(0, cut)]!;
  }
  if (countColumns.has(column)) return column === 'devices' ? 'devices' : 'count';
  if (selectedMeasure !== undefined && units[selectedMeasure] !== undefined) return units[selectedMeasure];
  return '';
}
