/**
 * `npm run grafana:influxdb-dashboard -- --out <dir>`: writes the Grafana dashboard for the InfluxDB data source
 * (InfluxQL) for the current configuration (ROLLUP_TIMEZONE, INFLUXDB_DATABASE / TIMESTREAM_DATABASE, RAW_TABLE,
 * AGGREGATE_TABLE, UNITS_CONFIG / UNITS_CONFIG_FILE) to `<dir>/iot-room-conditions.json`. `--shipped` rewrites
 * the repository's dashboards/grafana/influxdb/iot-room-conditions.json for the default configuration.
 */
import { defaults } from '#core/config';
import { createUnitRegistry } from '#core/units';
import { runDashboardCommand } from './dashboard-command';
import {
  buildInfluxDbDashboard,
  influxDbDashboardFile,
  influxDbDashboardOptions,
} from './influxdb-dashboard';

runDashboardCommand({
  name: 'grafana:influxdb-dashboard',
  description: 'Write the Grafana dashboard (InfluxDB data source, InfluxQL) for the pipeline configuration',
  shippedHelp: "rewrite the repository's dashboard (default configuration)",
  shipped: () => [
    {
      file: influxDbDashboardFile,
      dashboard: buildInfluxDbDashboard(influxDbDashboardOptions(defaults, createUnitRegistry())),
      note: '',
    },
  ],
  forConfig: (config, units) => {
    const options = influxDbDashboardOptions(config, units);
    return {
      dashboard: buildInfluxDbDashboard(options),
      summary:
        `time zone ${options.timezone}, measurements "${options.rawMeasurement}" / ` +
        `"${options.aggregateMeasurement}", ${Object.keys(options.measureUnits).length} measures with units`,
    };
  },
});
