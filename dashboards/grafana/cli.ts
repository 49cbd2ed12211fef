/**
 * `npm run grafana:dashboard -- --out <dir>`: writes the Grafana dashboard for the current configuration
 * (RECORD_LAYOUT, ROLLUP_TIMEZONE, TIMESTREAM_DATABASE, RAW_TABLE, AGGREGATE_TABLE, UNITS_CONFIG /
 * UNITS_CONFIG_FILE) to `<dir>/iot-room-conditions.json`, the folder to mount at the path of
 * provisioning/dashboards/iot-telemetry.yaml. `--shipped` rewrites the repository's files for the default
 * configuration (one per record layout).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { ConfigError, defaults, readPipelineConfig } from '#core/config';
import { createUnitRegistry } from '#core/units';
import { dashboardFileName, shippedDashboards } from './dashboard-files';
import { dashboardJson } from './panel-parts';
import { buildRoomConditionsDashboard, roomConditionsDashboardOptions } from './room-conditions-dashboard';

const program = new Command('grafana:dashboard')
  .description('Write the Grafana dashboard (Amazon Timestream data source) for the pipeline configuration')
  .option('--out <dir>', 'folder to write iot-room-conditions.json into (created if missing)')
  .option('--shipped', "rewrite the repository's dashboards (default configuration, one per record layout)")
  .showHelpAfterError();

program.action((opts: { out?: string; shipped?: boolean }) => {
  if (!opts.out === !opts.shipped) program.error('give either --out <dir> or --shipped');
  try {
    if (opts.shipped) {
      for (const { layout, file } of shippedDashboards) {
        const options = roomConditionsDashboardOptions(
          { ...defaults, recordLayout: layout },
          createUnitRegistry(),
        );
        writeFileSync(file, dashboardJson(buildRoomConditionsDashboard(options)));
        console.log(`wrote ${fileURLToPath(file)} (RECORD_LAYOUT=${layout})`);
      }
      return;
    }
    const config = readPipelineConfig(process.env);
    const units = unitRegistryFromEnv(process.env);
    const options = roomConditionsDashboardOptions(config, units);
    const out = opts.out!;
    mkdirSync(out, { recursive: true });
    const path = join(out, dashboardFileName);
    writeFileSync(path, dashboardJson(buildRoomConditionsDashboard(options)));
    console.log(
      `wrote ${path}: RECORD_LAYOUT=${options.layout}, time zone ${options.timezone}, ` +
        `"${options.database}"."${options.rawTable}" / "${options.aggregateTable}", ` +
        `${Object.keys(options.measureUnits).length} measures with units`,
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
});

program.parse();
