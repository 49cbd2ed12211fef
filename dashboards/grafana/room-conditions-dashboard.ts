// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import type { PipelineConfig, RecordLayout } from '#core/config';
import { multiMeasureName } from '#core/records';
import type { UnitRegistry } from '#core/units';
import { grafanaUnit } from './grafana-units';
import { dailyLines, escapeRegExp, grafanaTimezone, legendAndTooltip, measureUnitsOf } from './panel-parts';

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

const datasource = { type: 'grafana-timestream-datasource', uid: '${datasource}' } as const;
const aggregateFrom = '"${database}"."${aggregate_table}"';
const rawFrom = '"${database}"."${raw_table}"';

/**
 * A field override per measure: the measure's unit on every field whose display name ends with the measure
 * name as its own word (`co2`, `avg co2`, `fleet_avg co2`) or carries it as the `measure` label
 * (`fleet_avg {measure="co2"}`), in Grafana's `/regexp/` matcher syntax. Anchored at the end, so that a field
 * takes one measure's unit even where another measure is named like a statistic (`max co2` is co2's, not max's).
 */
export function measureUnitOverrides(measureUnits: Readonly<Record<string, string>>) {
  return Object.entries(measureUnits)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([measure, unit]) => {
      const name = escapeRegExp(measure);
      return {
        matcher: { id: 'byRegexp', options: `/^(.* )?${name}$|[{ ]measure="${name}"/` },
        properties: [{ id: 'unit', value: grafanaUnit(unit) }],
      };
    });
}

/**
 * The statistics of the selected measure, each named after it (`"avg" AS "avg ${measure}"`): Grafana expands
 * the variable in the SQL, Timestream returns `avg co2`, and the measure's unit override applies to it. A unit
 * cannot come from a template variable, so the field name has to carry the measure.
 */
const ofSelectedMeasure = (expression: string, name: string) => `${expression} AS "${name} \${measure}"`;

/** The count of readings: no unit, no decimals; last in a panel's overrides, so a measure named `count` cannot win. */
const countOverride = {
  matcher: { id: 'byName', options: 'count' },
  properties: [
    { id: 'unit', value: 'none' },
    { id: 'decimals', value: 0 },
  ],
};

const target = (rawQuery: string) => ({ datasource, refId: 'A', queryType: 'raw', rawQuery });

const sql = (...lines: string[]) => lines.join('\n');

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
  const overrides = measureUnitOverrides(options.measureUnits);
  const single = options.layout === 'single';
  const textbox = (name: string, label: string, value: string, description: string) => ({
    name,
    label,
    type: 'textbox',
    query: value,
    current: { text: value, value },
    options: [{ selected: true, text: value, value }],
    hide: 0,
    description,
  });
  const picker = (name: string, label: string, column: string) => {
    const query = sql(
      `SELECT DISTINCT ${column}`,
      `FROM ${aggregateFrom}`,
      `WHERE time >= ago(${pickerWindow})`,
      `  AND measure_name = '${aggregateMeasureName}'`,
      `ORDER BY ${column}`,
    );
    return {
      name,
      label,
      type: 'query',
      datasource,
      definition: query,
      query,
      description: `${label}s with a daily aggregate in the last ${pickerWindow}, whatever the dashboard range`,
      // on dashboard load only: the window does not follow the range, and a refresh should not re-run it
      refresh: 1,
      sort: 1,
      multi: false,
      includeAll: false,
      hide: 0,
      current: {},
      options: [],
    };
  };

  const rawPanel = {
    id: 9,
    type: 'timeseries',
    title: '${device}: ${measure}, last 24 hours',
    description: single
      ? 'Raw readings of the selected device (RECORD_LAYOUT=single: one DOUBLE record per measure, ' +
        'measure_name = the measure), averaged per interval. Moves with the dashboard refresh.'
      : `Raw readings of the selected device (RECORD_LAYOUT=multi: one MULTI record per reading, measure name ` +
        `'${multiMeasureName}', one column per measure), averaged per interval. Moves with the dashboard refresh.`,
    datasource,
    gridPos: { h: 9, w: 24, x: 0, y: 20 },
    targets: [
      target(
        sql(
          `SELECT bin(time, $__interval_ms) AS binned_time, avg(${single ? 'measure_value::double' : '"${measure}"'}) AS "\${measure}"`,
          `FROM ${rawFrom}`,
          'WHERE $__timeFilter',
          `  AND measure_name = '${single ? '${measure}' : multiMeasureName}'`,
          "  AND deviceId = '${device}'",
          'GROUP BY bin(time, $__interval_ms)',
          'ORDER BY binned_time ASC',
        ),
      ),
    ],
    fieldConfig: {
      defaults: {
        custom: { drawStyle: 'line', lineWidth: 2, showPoints: 'auto', spanNulls: false },
      },
      overrides,
    },
    options: legendAndTooltip,
    // the last 24 hours up to each refresh, in bins of at least a minute (devices report about once a minute)
    timeFrom: '24h',
    hideTimeOverride: false,
    interval: '1m',
    maxDataPoints: 1440,
  };

  return {
    __inputs: [],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.4.0' },
      {
        type: 'datasource',
        id: 'grafana-timestream-datasource',
        name: 'Amazon Timestream',
        version: '2.9.0',
      },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
      { type: 'panel', id: 'table', name: 'Table', version: '' },
    ],
    uid: single ? 'iot-room-conditions-single' : 'iot-room-conditions',
    title: single ? 'IoT room conditions (RECORD_LAYOUT=single)' : 'IoT room conditions',
    description:
      `Daily aggregates (${options.aggregateTable}) per device and measure, fleet overview, and the last 24 hours ` +
      `of raw readings (${options.rawTable}, RECORD_LAYOUT=${options.layout}). Generated from the pipeline ` +
      `configuration by dashboards/grafana (npm run grafana:dashboard); time zone = ROLLUP_TIMEZONE.`,
    tags: ['iot', 'timestream', `record-layout-${options.layout}`],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    // each refresh runs every panel query once (Timestream bills each query): 5 minutes keeps the raw panel current
    refresh: '5m',
    timezone: grafanaTimezone(options.timezone),
    time: { from: 'now-30d', to: 'now' },
    timepicker: { refresh_intervals: ['1m', '5m', '15m', '30m', '1h'] },
    links: [],
    annotations: { list: [] },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'grafana-timestream-datasource',
          current: {},
          hide: 0,
          refresh: 1,
          regex: '',
          options: [],
        },
        textbox('database', 'Database', options.database, 'TIMESTREAM_DATABASE'),
        textbox('raw_table', 'Raw table', options.rawTable, 'RAW_TABLE'),
        textbox('aggregate_table', 'Aggregate table', options.aggregateTable, 'AGGREGATE_TABLE'),
        picker('device', 'Device', 'deviceId'),
        picker('measure', 'Measure', 'measure'),
      ],
    },
    panels: [
      {
        id: 1,
        type: 'row',
        title: 'Device ${device}: ${measure} (daily aggregates)',
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y: 0 },
        panels: [],
      },
      {
        id: 2,
        type: 'timeseries',
        title: 'Daily average, minimum and maximum',
        description: `One point per day from the aggregate table (time = the start of the day in ${options.timezone}).`,
        datasource,
        gridPos: { h: 9, w: 16, x: 0, y: 1 },
        targets: [
          target(
            sql(
              `SELECT time, ${['avg', 'min', 'max'].map((c) => ofSelectedMeasure(`"${c}"`, c)).join(', ')}`,
              `FROM ${aggregateFrom}`,
              'WHERE $__timeFilter',
              `  AND measure_name = '${aggregateMeasureName}'`,
              "  AND deviceId = '${device}'",
              "  AND measure = '${measure}'",
              'ORDER BY time ASC',
            ),
          ),
        ],
        fieldConfig: { defaults: { custom: { ...dailyLines, axisLabel: '${measure}' } }, overrides },
        options: legendAndTooltip,
      },
      {
        id: 3,
        type: 'table',
        title: 'Daily summary',
        description: 'The aggregate table rows of the selected device and measure, newest first.',
        datasource,
        gridPos: { h: 9, w: 8, x: 16, y: 1 },
        targets: [
          target(
            sql(
              'SELECT time,',
              `  ${['avg', 'min', 'max', 'sum'].map((c) => ofSelectedMeasure(`"${c}"`, c)).join(', ')},`,
              '  "count",',
              `  ${['first', 'last'].map((c) => ofSelectedMeasure(`"${c}"`, c)).join(', ')}`,
              `FROM ${aggregateFrom}`,
              'WHERE $__timeFilter',
              `  AND measure_name = '${aggregateMeasureName}'`,
              "  AND deviceId = '${device}'",
              "  AND measure = '${measure}'",
              'ORDER BY time DESC',
            ),
          ),
        ],
        fieldConfig: {
          defaults: { decimals: 2 },
          overrides: [...overrides, countOverride],
        },
        options: { showHeader: true },
      },
      {
        id: 4,
        type: 'row',
        title: 'Fleet',
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y: 10 },
        panels: [],
      },
      {
        id: 5,
        type: 'timeseries',
        title: 'Devices reporting per day',
        description: 'Distinct devices with at least one daily aggregate (any measure) per day.',
        datasource,
        gridPos: { h: 8, w: 8, x: 0, y: 11 },
        targets: [
          target(
            sql(
              'SELECT time, count(DISTINCT deviceId) AS devices',
              `FROM ${aggregateFrom}`,
              'WHERE $__timeFilter',
              `  AND measure_name = '${aggregateMeasureName}'`,
              'GROUP BY time',
              'ORDER BY time ASC',
            ),
          ),
        ],
        fieldConfig: {
          defaults: {
            custom: { drawStyle: 'bars', fillOpacity: 60, axisLabel: 'devices', axisSoftMin: 0 },
            unit: 'none',
            decimals: 0,
          },
          overrides: [],
        },
        options: legendAndTooltip,
      },
      {
        id: 6,
        type: 'timeseries',
        title: 'Fleet daily average per measure',
        description:
          'Average of all readings of the fleet per day (sum of sums / sum of counts, so that every reading ' +
          'weighs the same), one series per measure, each on the axis of its unit.',
        datasource,
        gridPos: { h: 8, w: 8, x: 8, y: 11 },
        targets: [
          target(
            sql(
              'SELECT time, measure, sum("sum") / sum("count") AS fleet_avg',
              `FROM ${aggregateFrom}`,
              'WHERE $__timeFilter',
              `  AND measure_name = '${aggregateMeasureName}'`,
              'GROUP BY time, measure',
              'ORDER BY time ASC',
            ),
          ),
        ],
        // one axis per unit: Grafana's time series gives every distinct unit its own scale and axis
        fieldConfig: { defaults: { custom: { ...dailyLines, axisPlacement: 'auto' } }, overrides },
        options: legendAndTooltip,
        transformations: [
          {
            id: 'partitionByValues',
            options: { fields: ['measure'], keepFields: false, naming: { asLabels: true } },
          },
        ],
      },
      {
        id: 7,
        type: 'timeseries',
        title: 'Fleet ${measure}: daily mean and extremes',
        description:
          'Fleet-wide weighted mean, lowest daily minimum and highest daily maximum of the selected measure.',
        datasource,
        gridPos: { h: 8, w: 8, x: 16, y: 11 },
        targets: [
          target(
            sql(
              'SELECT time,',
              `  ${ofSelectedMeasure('sum("sum") / sum("count")', 'fleet_avg')},`,
              `  ${ofSelectedMeasure('min("min")', 'fleet_min')},`,
              `  ${ofSelectedMeasure('max("max")', 'fleet_max')}`,
              `FROM ${aggregateFrom}`,
              'WHERE $__timeFilter',
              `  AND measure_name = '${aggregateMeasureName}'`,
              "  AND measure = '${measure}'",
              'GROUP BY time',
              'ORDER BY time ASC',
            ),
          ),
        ],
        fieldConfig: { defaults: { custom: { ...dailyLines, axisLabel: '${measure}' } }, overrides },
        options: legendAndTooltip,
      },
      {
        id: 8,
        type: 'row',
        title: 'Last 24 hours (raw table)',
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y: 19 },
        panels: [],
      },
      rawPanel,
    ],
  };
}
