// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Grafana variable syntax, not templates
import { grafanaUnit } from './grafana-units';
import { dailyLines, escapeRegExp, grafanaTimezone, legendAndTooltip } from './panel-parts';

/** A Grafana field override: the properties given to the fields its matcher takes. */
export interface FieldOverride {
  readonly matcher: { readonly id: string; readonly options: unknown };
  readonly properties: readonly { readonly id: string; readonly value: unknown }[];
}

/** The data source plugin a dashboard is written for, as its `__requires` entry names it. */
export interface DataSourcePlugin {
  /** Plugin id, also the data source type of every query and the `datasource` variable's filter. */
  readonly id: string;
  readonly name: string;
  readonly version: string;
}

/** A textbox variable: a name the queries use (database, table, measurement), defaulting to the configuration's. */
export interface TextboxVariable {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  /** The configuration variable the default comes from (`RAW_TABLE`). */
  readonly description: string;
}

/** A picker (query variable) filled on dashboard load from the data source. */
export interface PickerVariable {
  readonly name: string;
  readonly label: string;
  /** The query whose answer lists the choices, in the data source's language. */
  readonly query: string;
  /** The regex Grafana applies to the answer's values (a capture group keeps the group); none when absent. */
  readonly regex?: string;
  readonly description: string;
}

/** A panel's query (the fields of its one target, besides the data source and `refId`) and what it reads. */
export interface PanelQuery<Query> {
  readonly description: string;
  readonly query: Query;
}

/**
 * What a data source makes of the "IoT room conditions" dashboard: its plugin, names, variables and one query
 * per panel, in its own query model. Ids, titles, grid positions, field configurations and options are the
 * layout's, the same for every data source.
 */
export interface RoomConditionsLayout<Query extends object> {
  readonly plugin: DataSourcePlugin;
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** ROLLUP_TIMEZONE (IANA): the dashboard's zone, so that a daily point sits at midnight of its day. */
  readonly timezone: string;
  /** The name variables (textboxes), then the device and measure pickers. */
  readonly textboxes: readonly TextboxVariable[];
  readonly pickers: readonly PickerVariable[];
  /** What the raw readings are stored in (`raw table`), named in the title of the last row. */
  readonly rawSource: string;
  /** A unit override per measure, for the fields named by their measure (`co2`, `avg co2`). */
  readonly unitOverrides: readonly FieldOverride[];
  /**
   * Whether the selected measure's panels (daily statistics, summary, fleet extremes) name their fields after
   * it (`avg co2`), so that the unit overrides give them its unit; without, they carry no unit override.
   */
  readonly selectedMeasureFieldsNamed: boolean;
  readonly panels: {
    /** Daily average, minimum and maximum of the selected device and measure. */
    readonly dailyStatistics: PanelQuery<Query>;
    /** Every statistic of the selected device and measure, newest first (a table with a `count` column). */
    readonly dailySummary: PanelQuery<Query>;
    /** Distinct devices per day, as the field `devices`. */
    readonly devicesPerDay: PanelQuery<Query>;
    /**
     * Fleet average of every measure, one series per measure. `overrides` follow the unit overrides;
     * `transformations` turn the answer into those series where it does not come as one.
     */
    readonly fleetAverage: PanelQuery<Query> & {
      readonly overrides?: readonly FieldOverride[];
      readonly transformations?: readonly unknown[];
    };
    /** Fleet mean, lowest minimum and highest maximum of the selected measure. */
    readonly fleetExtremes: { readonly query: Query };
    /** The selected device's raw readings of the selected measure, averaged per interval. */
    readonly rawReadings: PanelQuery<Query>;
  };
}

/** The count of readings: no unit, no decimals; last in a panel's overrides, so a measure named `count` cannot win. */
const countOverride = {
  matcher: { id: 'byName', options: 'count' },
  properties: [
    { id: 'unit', value: 'none' },
    { id: 'decimals', value: 0 },
  ],
};

const row = (id: number, title: string, y: number) => ({
  id,
  type: 'row',
  title,
  collapsed: false,
  gridPos: { h: 1, w: 24, x: 0, y },
  panels: [],
});

const textbox = ({ name, label, value, description }: TextboxVariable) => ({
  name,
  label,
  type: 'textbox',
  query: value,
  current: { text: value, value },
  options: [{ selected: true, text: value, value }],
  hide: 0,
  description,
});

/**
 * Builds the "IoT room conditions" dashboard for one data source: three rows (the selected device and
 * measure's daily aggregates, the fleet, the last 24 hours of raw readings) with the same panels, ids and
 * places for every data source, each panel running the query the data source gives it.
 *
 * @example
 * buildRoomConditionsLayout({ plugin: { id: 'influxdb', name: 'InfluxDB', version: '1.0.0' }, ..., panels: {
 *   dailyStatistics: { description: '...', query: { rawQuery: true, query: 'SELECT ...', resultFormat: 'time_series' } },
 *   ...
 * } });
 */
export function buildRoomConditionsLayout<Query extends object>(layout: RoomConditionsLayout<Query>) {
  const datasource = { type: layout.plugin.id, uid: '${datasource}' };
  const targets = (query: Query) => [{ datasource, refId: 'A', ...query }];
  const picker = ({ name, label, query, regex, description }: PickerVariable) => ({
    name,
    label,
    type: 'query',
    datasource,
    definition: query,
    query,
    ...(regex !== undefined ? { regex } : {}),
    description,
    // on dashboard load only: the choices do not follow the range, and a refresh should not re-run the query
    refresh: 1,
    sort: 1,
    multi: false,
    includeAll: false,
    hide: 0,
    current: {},
    options: [],
  });
  const overrides = layout.unitOverrides;
  const selectedOverrides = layout.selectedMeasureFieldsNamed ? overrides : [];
  /** The daily lines of the selected measure (statistics, fleet extremes), on an axis named after it. */
  const selectedMeasureLines = {
    defaults: { custom: { ...dailyLines, axisLabel: '${measure}' } },
    overrides: selectedOverrides,
  };
  const { dailyStatistics, dailySummary, devicesPerDay, fleetAverage, fleetExtremes, rawReadings } =
    layout.panels;

  return {
    __inputs: [],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.4.0' },
      { type: 'datasource', ...layout.plugin },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
      { type: 'panel', id: 'table', name: 'Table', version: '' },
    ],
    uid: layout.uid,
    title: layout.title,
    description: layout.description,
    tags: layout.tags,
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    // each refresh runs every panel query once (Timestream bills each query): 5 minutes keeps the raw panel current
    refresh: '5m',
    timezone: grafanaTimezone(layout.timezone),
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
          query: layout.plugin.id,
          current: {},
          hide: 0,
          refresh: 1,
          regex: '',
          options: [],
        },
        ...layout.textboxes.map(textbox),
        ...layout.pickers.map(picker),
      ],
    },
    panels: [
      row(1, 'Device ${device}: ${measure} (daily aggregates)', 0),
      {
        id: 2,
        type: 'timeseries',
        title: 'Daily average, minimum and maximum',
        description: dailyStatistics.description,
        datasource,
        gridPos: { h: 9, w: 16, x: 0, y: 1 },
        targets: targets(dailyStatistics.query),
        fieldConfig: selectedMeasureLines,
        options: legendAndTooltip,
      },
      {
        id: 3,
        type: 'table',
        title: 'Daily summary',
        description: dailySummary.description,
        datasource,
        gridPos: { h: 9, w: 8, x: 16, y: 1 },
        targets: targets(dailySummary.query),
        fieldConfig: {
          defaults: { decimals: 2 },
          overrides: [...selectedOverrides, countOverride],
        },
        options: { showHeader: true },
      },
      row(4, 'Fleet', 10),
      {
        id: 5,
        type: 'timeseries',
        title: 'Devices reporting per day',
        description: devicesPerDay.description,
        datasource,
        gridPos: { h: 8, w: 8, x: 0, y: 11 },
        targets: targets(devicesPerDay.query),
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
        description: fleetAverage.description,
        datasource,
        gridPos: { h: 8, w: 8, x: 8, y: 11 },
        targets: targets(fleetAverage.query),
        // one axis per unit: Grafana's time series gives every distinct unit its own scale and axis
        fieldConfig: {
          defaults: { custom: { ...dailyLines, axisPlacement: 'auto' } },
          overrides: fleetAverage.overrides ? [...overrides, ...fleetAverage.overrides] : overrides,
        },
        options: legendAndTooltip,
        ...(fleetAverage.transformations ? { transformations: fleetAverage.transformations } : {}),
      },
      {
        id: 7,
        type: 'timeseries',
        title: 'Fleet ${measure}: daily mean and extremes',
        description:
          'Fleet-wide weighted mean, lowest daily minimum and highest daily maximum of the selected measure.',
        datasource,
        gridPos: { h: 8, w: 8, x: 16, y: 11 },
        targets: targets(fleetExtremes.query),
        fieldConfig: selectedMeasureLines,
        options: legendAndTooltip,
      },
      row(8, `Last 24 hours (${layout.rawSource})`, 19),
      {
        id: 9,
        type: 'timeseries',
        title: '${device}: ${measure}, last 24 hours',
        description: rawReadings.description,
        datasource,
        gridPos: { h: 9, w: 24, x: 0, y: 20 },
        targets: targets(rawReadings.query),
        fieldConfig: {
          defaults: { custom: { drawStyle: 'line', lineWidth: 2, showPoints: 'auto', spanNulls: false } },
          overrides,
        },
        options: legendAndTooltip,
        // the last 24 hours up to each refresh, in bins of at least a minute (devices report about once a minute)
        timeFrom: '24h',
        hideTimeOverride: false,
        interval: '1m',
        maxDataPoints: 1440,
      },
    ],
  };
}

/**
 * A unit override per measure (sorted by name): the measure's Grafana unit on the fields its `byRegexp` matcher
 * takes, `matcher` writing the `/regexp/` for the measure name, already escaped for a regular expression.
 */
export function unitOverridesBy(
  measureUnits: Readonly<Record<string, string>>,
  matcher: (escapedMeasure: string) => string,
) {
  return Object.entries(measureUnits)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([measure, unit]) => ({
      matcher: { id: 'byRegexp', options: matcher(escapeRegExp(measure)) },
      properties: [{ id: 'unit', value: grafanaUnit(unit) }],
    }));
}
