// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import type { PipelineConfig } from '#core/config';
import type { UnitRegistry } from '#core/units';
import { isUtc, measureUnitsOf } from './panel-parts';
import { buildRoomConditionsLayout, unitOverridesBy } from './room-conditions-layout';

/** What the InfluxDB dashboard is built from: the pipeline configuration and the unit of every measure. */
export interface InfluxDbDashboardOptions {
  /** INFLUXDB_DATABASE (or TIMESTREAM_DATABASE): named in the description; the data source holds the database. */
  readonly database: string;
  /** RAW_TABLE, AGGREGATE_TABLE: the measurements' names, the defaults of the name variables. */
  readonly rawMeasurement: string;
  readonly aggregateMeasurement: string;
  /** ROLLUP_TIMEZONE: the dashboard's zone, and the zone the fleet panels group days by (`tz()`). */
  readonly timezone: string;
  /** Canonical (stored) unit of each measure, from the units registry (co2 -> ppm, ...). */
  readonly measureUnits: Readonly<Record<string, string>>;
}

/** The options for the pipeline's configuration and units registry. */
export function influxDbDashboardOptions(
  config: Pick<
    PipelineConfig,
    'database' | 'influxdbDatabase' | 'rawTable' | 'aggregateTable' | 'rollupTimezone'
  >,
  units: UnitRegistry,
): InfluxDbDashboardOptions {
  return {
    database: config.influxdbDatabase || config.database,
    rawMeasurement: config.rawTable,
    aggregateMeasurement: config.aggregateTable,
    timezone: config.rollupTimezone,
    measureUnits: measureUnitsOf(units),
  };
}

/** The shipped dashboard (default configuration), the file Grafana's provisioning loads. */
export const influxDbDashboardFile = new URL('./influxdb/iot-room-conditions.json', import.meta.url);

const aggregateFrom = '"${aggregate_measurement}"';
const rawFrom = '"${raw_measurement}"';
/** Tag filters as Grafana's documentation writes them: the value is regex-escaped by the data source. */
const deviceFilter = '"deviceId" =~ /^$device$/';

/**
 * The aggregate measurement's field of a statistic of the selected measure, `"${measure}_avg"` (the rollup's
 * `<measure>_<statistic>` fields): `${measure}` in braces, since `$measure_avg` would name another variable.
 */
const selected = (statistic: string) => `"\${measure}_${statistic}"`;

/**
 * The measure picker's values: the aggregate measurement's fields that end in `_avg`, the measure being what
 * precedes it (Grafana keeps a variable regex's first capture group). Measure names hold letters, digits and
 * `_`, the statistics no `_`, so `x_avg_avg` is measure `x_avg`, and every measure has exactly one `_avg` field.
 */
const measureFromField = '/^(.+)_avg$/';

/**
 * Hides the series a query returns without a single value (the fleet panel names every measure of the units
 * registry; those the fleet does not report stay out of the legend and the tooltip).
 */
const hideEmptySeries = {
  matcher: { id: 'byValue', options: { reducer: 'allIsNull', op: 'gte', value: 0 } },
  properties: [{ id: 'custom.hideFrom', value: { legend: true, tooltip: true, viz: true } }],
};

/**
 * A field override per measure: the measure's unit on every field whose display name holds the measure name as
 * a word (InfluxQL names series `measurement.field {tag: value}`, so the measure may stand anywhere in it; the
 * Timestream dashboard's matcher anchors it at the end of the column name instead).
 */
function measureUnitOverrides(measureUnits: Readonly<Record<string, string>>) {
  return unitOverridesBy(measureUnits, (name) => `/(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)/`);
}

/** A raw InfluxQL target (the layout adds the data source and `refId`). */
const influxQl = (query: string, extra: { resultFormat?: 'time_series' | 'table'; alias?: string } = {}) => ({
  rawQuery: true,
  query,
  resultFormat: extra.resultFormat ?? 'time_series',
  ...(extra.alias !== undefined ? { alias: extra.alias } : {}),
});

const lines = (...parts: string[]) => parts.join('\n');

/**
 * Builds the "IoT room conditions" dashboard for Grafana's InfluxDB data source in InfluxQL mode, with the
 * panels of the Timestream dashboard: the daily panels read the aggregate measurement (AGGREGATE_TABLE: tag
 * `deviceId`; fields `<measure>_<statistic>`, e.g. `co2_avg`, `co2_min`, `co2_max`, `co2_sum`, `co2_count`,
 * `co2_first`, `co2_last`; one point per device and day at the day's start in ROLLUP_TIMEZONE, so one series per
 * device), the last-24-hours panel reads the raw measurement (RAW_TABLE: tag `deviceId`, one float field per
 * measure). The device picker lists the aggregate measurement's `deviceId` values (SHOW TAG VALUES), the measure
 * picker its `_avg` fields (SHOW FIELD KEYS); the fleet panel per measure names the units registry's measures. The fleet panels group the daily points by day with
 * `GROUP BY time(1d) tz('<ROLLUP_TIMEZONE>')`, whose buckets start at the zone's midnights (daylight saving
 * days included), so each bucket holds exactly one rolled-up day.
 *
 * @example
 * const dashboard = buildInfluxDbDashboard(influxDbDashboardOptions(readPipelineConfig(process.env), createUnitRegistry()));
 */
export function buildInfluxDbDashboard(options: InfluxDbDashboardOptions) {
  const tz = isUtc(options.timezone) ? '' : ` tz('${options.timezone.replace(/'/g, "\\'")}')`;
  const byDay = `GROUP BY time(1d) fill(none)${tz}`;
  const deviceSelection = `WHERE $timeFilter AND ${deviceFilter}`;
  const measures = Object.keys(options.measureUnits).sort();

  return buildRoomConditionsLayout({
    plugin: { id: 'influxdb', name: 'InfluxDB', version: '1.0.0' },
    uid: 'iot-room-conditions-influxdb',
    title: 'IoT room conditions (InfluxDB)',
    description:
      `Daily aggregates (${options.aggregateMeasurement}) per device and measure, fleet overview, and the last 24 ` +
      `hours of raw readings (${options.rawMeasurement}) in InfluxDB database ${options.database} (STORAGE=influxdb). ` +
      'Generated from the pipeline configuration by dashboards/grafana (npm run grafana:influxdb-dashboard); ' +
      'time zone = ROLLUP_TIMEZONE.',
    tags: ['iot', 'influxdb', 'influxql'],
    timezone: options.timezone,
    textboxes: [
      {
        name: 'raw_measurement',
        label: 'Raw measurement',
        value: options.rawMeasurement,
        description: 'RAW_TABLE',
      },
      {
        name: 'aggregate_measurement',
        label: 'Aggregate measurement',
        value: options.aggregateMeasurement,
        description: 'AGGREGATE_TABLE',
      },
    ],
    pickers: [
      {
        name: 'device',
        label: 'Device',
        query: `SHOW TAG VALUES FROM ${aggregateFrom} WITH KEY = "deviceId"`,
        regex: '',
        description: 'Devices with a daily aggregate (the deviceId tag of the aggregate measurement)',
      },
      {
        name: 'measure',
        label: 'Measure',
        query: `SHOW FIELD KEYS FROM ${aggregateFrom}`,
        regex: measureFromField,
        description: "Measures with a daily aggregate (the aggregate measurement's <measure>_avg fields)",
      },
    ],
    rawSource: 'raw measurement',
    unitOverrides: measureUnitOverrides(options.measureUnits),
    // the selected measure's fields are named by their statistic only (`avg`): no unit override takes them
    selectedMeasureFieldsNamed: false,
    panels: {
      dailyStatistics: {
        description: `One point per day from the aggregate measurement (time = the start of the day in ${options.timezone}).`,
        query: influxQl(
          lines(
            `SELECT ${['avg', 'min', 'max'].map((s) => `${selected(s)} AS "${s}"`).join(', ')}`,
            `FROM ${aggregateFrom}`,
            deviceSelection,
          ),
        ),
      },
      dailySummary: {
        description: 'The aggregate points of the selected device and measure, newest first.',
        query: influxQl(
          lines(
            `SELECT ${['avg', 'min', 'max', 'sum', 'count', 'first', 'last'].map((s) => `${selected(s)} AS "${s}"`).join(', ')}`,
            `FROM ${aggregateFrom}`,
            deviceSelection,
            'ORDER BY time DESC',
          ),
          { resultFormat: 'table' },
        ),
      },
      devicesPerDay: {
        description:
          'Devices with a daily aggregate (any measure) per day: the subquery lists the points (one per device ' +
          'and day, any measure: every measure reported has a <measure>_count field) with their deviceId, the ' +
          'outer query counts them per day.',
        query: influxQl(
          lines(
            'SELECT count("deviceId") AS "devices" FROM (',
            `  SELECT "deviceId", /_count$/ FROM ${aggregateFrom} WHERE $timeFilter`,
            `) WHERE $timeFilter ${byDay}`,
          ),
          { alias: 'devices' },
        ),
      },
      fleetAverage: {
        description:
          'Average of all readings of the fleet per day (sum of sums / sum of counts, so that every reading ' +
          'weighs the same), one series per measure of the units registry that has data, each on the axis of its unit.',
        query: influxQl(
          lines(
            `SELECT ${measures.map((m) => `sum("${m}_sum") / sum("${m}_count") AS "${m}"`).join(', ')}`,
            `FROM ${aggregateFrom}`,
            'WHERE $timeFilter',
            byDay,
          ),
          // a series per column, named by its measure, which the unit overrides match
          { alias: '$col' },
        ),
        overrides: [hideEmptySeries],
      },
      fleetExtremes: {
        query: influxQl(
          lines(
            `SELECT sum(${selected('sum')}) / sum(${selected('count')}) AS "fleet_avg", ` +
              `min(${selected('min')}) AS "fleet_min", max(${selected('max')}) AS "fleet_max"`,
            `FROM ${aggregateFrom}`,
            'WHERE $timeFilter',
            byDay,
          ),
        ),
      },
      rawReadings: {
        description:
          'Raw readings of the selected device (one float field per measure), averaged per interval; an interval ' +
          'without readings is a break in the line. Moves with the dashboard refresh.',
        query: influxQl(
          lines(
            'SELECT mean("$measure") AS "$measure"',
            `FROM ${rawFrom}`,
            `WHERE $timeFilter AND ${deviceFilter}`,
            'GROUP BY time($__interval) fill(null)',
          ),
        ),
      },
    },
  });
}
