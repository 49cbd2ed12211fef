/**
 * Grafana's unit ids (`fieldConfig.defaults.unit`, packages/grafana-data/src/valueFormats/categories.ts) for
 * the canonical units of the units registry (core/units). A unit Grafana has no id for is shown as a suffix
 * (`suffix:<unit>`, Grafana's custom-unit syntax), so that every axis and cell still says its unit.
 */
const grafanaUnitIds: Readonly<Record<string, string>> = {
  ppm: 'ppm',
  ppb: 'conppb',
  'ug/m3': 'conμgm3',
  'mg/m3': 'conmgm3',
  degC: 'celsius',
  degF: 'fahrenheit',
  K: 'kelvin',
  percent: 'percent',
  hPa: 'pressurehpa',
  kPa: 'pressurekpa',
  lx: 'lux',
  V: 'volt',
  mV: 'mvolt',
  'm/s': 'velocityms',
  'km/h': 'velocitykmh',
  mph: 'velocitymph',
  knots: 'velocityknot',
  deg: 'degree',
  mm: 'lengthmm',
  'W/m2': 'Wm2',
  index: 'none',
};

/**
 * The Grafana unit id for a registry unit: Grafana's own id where it has one (`degC` -> `celsius`, `hPa` ->
 * `pressurehpa`), else `suffix:<unit>` (e.g. `suffix: dBA`).
 *
 * @example
 * grafanaUnit('ppm'); // 'ppm'
 * grafanaUnit('mm/h'); // 'suffix: mm/h'
 */
export function grafanaUnit(unit: string): string {
  return grafanaUnitIds[unit] ?? `suffix: ${unit}`;
}
