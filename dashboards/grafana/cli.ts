/**
 * `npm run grafana:dashboard -- --out <dir>`: writes the Grafana dashboard for the current configuration
 * (RECORD_LAYOUT, ROLLUP_TIMEZONE, TIMESTREAM_DATABASE, RAW_TABLE, AGGREGATE_TABLE, UNITS_CONFIG /
 * UNITS_CONFIG_FILE) to `<dir>/iot-room-conditions.json`, the folder to mount at the path of
 * provisioning/dashboards/iot-telemetry.yaml. `--shipped` rewrites the repository's files for the default
 * configuration (one per record layout).
 */
import { defaults } from '#core/config';
import { createUnitRegistry } from '#core/units';
import { runDashboardCommand } from './dashboard-command';
import { shippedDashboards } from './dashboard-files';
import { buildRoomConditionsDashboard, roomConditionsDashboardOptions } from './room-conditions-dashboard';

runDashboardCommand({
  name: 'grafana:dashboard',
  description: 'Write the Grafana dashboard (Amazon Timestream data source) for the pipeline configuration',
  shippedHelp: "rewrite the repository's dashboards (default configuration, one per record layout)",
  shipped: () =>
    shippedDashboards.map(({ layout, file }) => ({
      file,
      dashboard: buildRoomConditionsDashboard(
        roomConditionsDashboardOptions({ ...defaults, recordLayout: layout }, createUnitRegistry()),
      ),
      note: ` (RECORD_LAYOUT=${layout})`,
    })),
  forConfig: (config, units) => {
    const options = roomConditionsDashboardOptions(config, units);
    return {
      dashboard: buildRoomConditionsDashboard(options),
      summary:
        `RECORD_LAYOUT=${options.layout}, time zone ${options.timezone}, ` +
        `"${options.database}"."${options.rawTable}" / "${options.aggregateTable}", ` +
        `${Object.keys(options.measureUnits).length} measures with units`,
    };
  },
});
