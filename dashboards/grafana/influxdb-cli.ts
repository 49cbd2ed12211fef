/**
 * `npm run grafana:influxdb-dashboard -- --out <dir>`: writes the Grafana dashboard for the InfluxDB data source
 * (InfluxQL) for the current configuration (ROLLUP_TIMEZONE, INFLUXDB_DATABASE / TIMESTREAM_DATABASE, RAW_TABLE,
 * AGGREGATE_TABLE, UNITS_CONFIG / UNITS_CONFIG_FILE) to `<dir>/iot-room-conditions.json`. `--shipped` rewrites
 * the repository's dashboards/grafana/influxdb/iot-room-conditions.json for the default configuration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { ConfigError, defaults, readPipelineConfig } from '#core/config';
import { createUnitRegistry } from '#core/units';
import {
  buildInfluxDbDashboard,
  influxDbDashboardFile,
  influxDbDashboardOptions,
} from './influxdb-dashboard';
import { dashboardJson } from './panel-parts';

const program = new Command('grafana:influxdb-dashboard')
  .description('Write the Grafana dashboard (InfluxDB data source, InfluxQL) for the pipeline configuration')
  .option('--out <dir>', 'folder to write iot-room-conditions.json into (created if missing)')
  .option('--shipped', "rewrite the repository's dashboard (default configuration)")
  .showHelpAfterError();

program.action((opts: { out?: string; shipped?: boolean }) => {
  if (!opts.out === !opts.shipped) program.error('give either --out <dir> or --shipped');
  try {
    if (opts.shipped) {
      const options = influxDbDashboardOptions(defaults, createUnitRegistry());
      writeFileSync(influxDbDashboardFile, dashboardJson(buildInfluxDbDashboard(options)));
      console.log(`wrote ${fileURLToPath(influxDbDashboardFile)}`);
      return;
    }
    const config = readPipelineConfig(process.env);
    const units = unitRegistryFromEnv(process.env);
    const options = influxDbDashboardOptions(config, units);
    mkdirSync(opts.out!, { recursive: true });
    const path = join(opts.out!, 'iot-room-conditions.json');
    writeFileSync(path, dashboardJson(buildInfluxDbDashboard(options)));
    console.log(
      `wrote ${path}: time zone ${options.timezone}, measurements "${options.rawMeasurement}" / ` +
        `"${options.aggregateMeasurement}", ${Object.keys(options.measureUnits).length} measures with units`,
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
