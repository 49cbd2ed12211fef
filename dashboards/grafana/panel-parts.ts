import type { UnitRegistry } from '#core/units';

/** Canonical (stored) unit of each measure of the units registry (co2 -> ppm, ...). */
export function measureUnitsOf(units: UnitRegistry): Readonly<Record<string, string>> {
  return Object.fromEntries(units.measureNames().map((name) => [name, units.measure(name)!.canonicalUnit]));
}

/**
 * Daily points are at most 25 hours apart (a day that ends daylight saving time); a longer gap is a missing
 * day, which Grafana then draws as a break in the line (`insertNulls`) instead of joining the days around it.
 */
const missingDayMs = 26 * 3_600_000;

/** True for the zone names of UTC, which Grafana's dashboard model spells `utc`. */
export const isUtc = (zone: string) => zone === 'UTC' || zone === 'Etc/UTC';

/** Grafana's dashboard zone: its own `utc` for UTC, an IANA name otherwise. */
export const grafanaTimezone = (zone: string) => (isUtc(zone) ? 'utc' : zone);

/** Text matched literally inside a Grafana `/regexp/` matcher. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The legend and tooltip of every time-series panel. */
export const legendAndTooltip = {
  legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
  tooltip: { mode: 'multi', sort: 'none' },
};

/** How daily panels draw: lines through one point a day, broken where a day is missing. */
export const dailyLines = {
  drawStyle: 'line',
  lineWidth: 2,
  showPoints: 'always',
  pointSize: 5,
  spanNulls: false,
  insertNulls: missingDayMs,
};

/** A dashboard as the JSON file Grafana's provisioning loads. */
export const dashboardJson = (dashboard: unknown) => `${JSON.stringify(dashboard, null, 2)}\n`;
