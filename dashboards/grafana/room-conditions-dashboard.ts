// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import type { PipelineConfig, RecordLayout } from '#core/config';
import { multiMeasureName } from '#core/records';
import type { UnitRegistry } from '#core/units';
import { measureUnitsOf } from './panel-parts';
import { buildRoomConditionsLayout, unitOverridesBy } from './room-conditions-layout';

/** What the dashboard is built from: the pipeline configuration and the canonical unit of every measure. */
export interface RoomConditionsDashboardOptions {
  /** RECORD_LAYOUT: the raw-readings panel's SQL is written for this layout only. */
  readonly layout: RecordLayout;
  /** TIMESTREAM_DATABASE, RAW_TABLE, AGGREGATE_TABLE: the defaults of the name variables. */
  readonly database: string;
  readonly rawTable: string;
  readonly aggregateTable: string;
  /** ROLLUP_TIMEZONE: the dashboard's time zone, so that a daily point sits at midnight of its day. */
  readonly timezone: string;
  /** Canonical (stored) unit of each measure, from the units registry (co2 -> ppm, ...). */
  readonly measureUnits: Readonly<Record<string, string>>;
}

/** The options for the pipeline's configuration and units registry. */
export function roomConditionsDashboardOptions(
  config: Pick<
    PipelineConfig,
    'recordLayout' | 'database' | 'rawTable' | 'aggregateTable' | 'rollupTimezone'
  >,
  units: UnitRegistry,
): RoomConditionsDashboardOptions {
  return {
    layout: config.recordLayout,
    database: config.database,
    rawTable: config.rawTable,
    aggregateTable: config.aggregateTable,
    timezone: config.rollupTimezone,
    measureUnits: measureUnitsOf(units),
  };
}

/** The measure name of the rollup's MULTI records in the aggregate table (consumers/rollup/daily-aggregates.ts). */
const aggregateMeasureName = 'daily';

/**
 * How far back the device and measure pickers look in the aggregate table, whatever the dashboard range: one
 * day more than the default range. The newest daily row is stamped at the start of yesterday (or of the day
 * before, until the rollup has run), so a range such as "Last 24 hours" or "Today" holds none; a fixed window
 * on the small aggregate table (devices x measures x 31 rows) is the cheapest scan that always finds them.
 */
export const pickerWindow = '31d';

const aggregateFrom = '"${database}"."${aggregate_table}"';
const rawFrom = '"${database}"."${raw_table}"';
/** The rollup's daily rows of the aggregate table in the dashboard range. */
const dailyRows = [
  `FROM ${aggregateFrom}`,
  'WHERE $__timeFilter',
  `  AND measure_name = '${aggregateMeasureName}'`,
] as const;

/**
 * A field override per measure: the measure's unit on every field whose display name ends with the measure
 * name as its own word (`co2`, `avg co2`, `fleet_avg co2`) or carries it as the `measure` label
 * (`fleet_avg {measure="co2"}`), in Grafana's `/regexp/` matcher syntax. Anchored at the end, so that a field
 * takes one measure's unit even where another measure is named like a statistic (`max co2` is co2's, not max's).
 */
export function measureUnitOverrides(measureUnits: Readonly<Record<string, string>>) {
  return unitOverridesBy(measureUnits, (name) => `/^(.* )?${name}$|[{ ]measure="${name}"/`);
}

/**
 * The statistics of the selected measure, each named after it (`"avg" AS "avg ${measure}"`): Grafana expands
 * the variable in the SQL, Timestream returns `avg co2`, and the measure's unit override applies to it. A unit
 * cannot come from a template variable, so the field name has to carry the measure.
 */
const ofSelectedMeasure = (expression: string, name: string) => `${expression} AS "${name} \${measure}"`;

/** A raw SQL target of the plugin (the layout adds the data source and `refId`). */
const rawSql = (...lines: string[]) => ({ queryType: 'raw', rawQuery: lines.join('\n') });

/**
 * Builds the "IoT room conditions" Grafana dashboard for the Amazon Timestream data source plugin, for one
 * record layout. Database and table names are written in each query's SQL (`"${database}"."${aggregate_table}"`,
 * as the plugin's documentation does), never in the target's Database/Table fields: the plugin's editor sends
 * those unexpanded to its resource calls. The zone is the rollup's, units come from the units registry.
 *
 * @example
 * const dashboard = buildRoomConditionsDashboard(
 *   roomConditionsDashboardOptions(readPipelineConfig(process.env), createUnitRegistry()),
 * );
 */
export function buildRoomConditionsDashboard(options: RoomConditionsDashboardOptions) {
  const single = options.layout === 'single';
  const picker = (name: string, label: string, column: string) => ({
    name,
    label,
    query: [
      `SELECT DISTINCT ${column}`,
      `FROM ${aggregateFrom}`,
      `WHERE time >= ago(${pickerWindow})`,
      `  AND measure_name = '${aggregateMeasureName}'`,
      `ORDER BY ${column}`,
    ].join('\n'),
    description: `${label}s with a daily aggregate in the last ${pickerWindow}, whatever the dashboard range`,
  });

  return buildRoomConditionsLayout({
    plugin: { id: 'grafana-timestream-datasource', name: 'Amazon Timestream', version: '2.9.0' },
    uid: single ? 'iot-room-conditions-single' : 'iot-room-conditions',
    title: single ? 'IoT room conditions (RECORD_LAYOUT=single)' : 'IoT room conditions',
    description:
      `Daily aggregates (${options.aggregateTable}) per device and measure, fleet overview, and the last 24 hours ` +
      `of raw readings (${options.rawTable}, RECORD_LAYOUT=${options.layout}). Generated from the pipeline ` +
      `configuration by dashboards/grafana (npm run grafana:dashboard); time zone = ROLLUP_TIMEZONE.`,
    tags: ['iot', 'timestream', `record-layout-${options.layout}`],
    timezone: options.timezone,
    textboxes: [
      { name: 'database', label: 'Database', value: options.database, description: 'TIMESTREAM_DATABASE' },
      { name: 'raw_table', label: 'Raw table', value: options.rawTable, description: 'RAW_TABLE' },
      {
        name: 'aggregate_table',
        label: 'Aggregate table',
        value: options.aggregateTable,
        description: 'AGGREGATE_TABLE',
      },
    ],
    pickers: [picker('device', 'Device', 'deviceId'), picker('measure', 'Measure', 'measure')],
    rawSource: 'raw table',
    unitOverrides: measureUnitOverrides(options.measureUnits),
    selectedMeasureFieldsNamed: true,
    panels: {
      dailyStatistics: {
        description: `One point per day from the aggregate table (time = the start of the day in ${options.timezone}).`,
        query: rawSql(
          `SELECT time, ${['avg', 'min', 'max'].map((c) => ofSelectedMeasure(`"${c}"`, c)).join(', ')}`,
          ...dailyRows,
          "  AND deviceId = '${device}'",
          "  AND measure = '${measure}'",
          'ORDER BY time ASC',
        ),
      },
      dailySummary: {
        description: 'The aggregate table rows of the selected device and measure, newest first.',
        query: rawSql(
          'SELECT time,',
          `  ${['avg', 'min', 'max', 'sum'].map((c) => ofSelectedMeasure(`"${c}"`, c)).join(', ')},`,
          '  "count",',
          `  ${['first', 'last'].map((c) => ofSelectedMeasure(`"${c}"`, c)).join(', ')}`,
          ...dailyRows,
          "  AND deviceId = '${device}'",
          "  AND measure = '${measure}'",
          'ORDER BY time DESC',
        ),
      },
      devicesPerDay: {
        description: 'Distinct devices with at least one daily aggregate (any measure) per day.',
        query: rawSql(
          'SELECT time, count(DISTINCT deviceId) AS devices',
          ...dailyRows,
          'GROUP BY time',
          'ORDER BY time ASC',
        ),
      },
      fleetAverage: {
        description:
          'Average of all readings of the fleet per day (sum of sums / sum of counts, so that every reading ' +
          'weighs the same), one series per measure, each on the axis of its unit.',
        query: rawSql(
          'SELECT time, measure, sum("sum") / sum("count") AS fleet_avg',
          ...dailyRows,
          'GROUP BY time, measure',
          'ORDER BY time ASC',
        ),
        // one row per day and measure: a series per measure, named by its `measure` label
        transformations: [
          {
            id: 'partitionByValues',
            options: { fields: ['measure'], keepFields: false, naming: { asLabels: true } },
          },
        ],
      },
      fleetExtremes: {
        query: rawSql(
          'SELECT time,',
          `  ${ofSelectedMeasure('sum("sum") / sum("count")', 'fleet_avg')},`,
          `  ${ofSelectedMeasure('min("min")', 'fleet_min')},`,
          `  ${ofSelectedMeasure('max("max")', 'fleet_max')}`,
          ...dailyRows,
          "  AND measure = '${measure}'",
          'GROUP BY time',
          'ORDER BY time ASC',
        ),
      },
      rawReadings: {
        description: single
          ? 'Raw readings of the selected device (RECORD_LAYOUT=single: one DOUBLE record per measure, ' +
            'measure_name = the measure), averaged per interval. Moves with the dashboard refresh.'
          : `Raw readings of the selected device (RECORD_LAYOUT=multi: one MULTI record per reading, measure name ` +
            `'${multiMeasureName}', one column per measure), averaged per interval. Moves with the dashboard refresh.`,
        query: rawSql(
          `SELECT bin(time, $__interval_ms) AS binned_time, avg(${single ? 'measure_value::double' : '"${measure}"'}) AS "\${measure}"`,
          `FROM ${rawFrom}`,
          'WHERE $__timeFilter',
          `  AND measure_name = '${single ? '${measure}' : multiMeasureName}'`,
          "  AND deviceId = '${device}'",
          'GROUP BY bin(time, $__interval_ms)',
          'ORDER BY binned_time ASC',
        ),
      },
    },
  });
}
