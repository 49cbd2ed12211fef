import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { ConfigError, type PipelineConfig, readPipelineConfig } from '#core/config';
import type { UnitRegistry } from '#core/units';
import { dashboardFileName } from './dashboard-files';
import { dashboardJson } from './panel-parts';

/** A repository file and the dashboard it ships (built for the default configuration). */
interface ShippedDashboard {
  readonly file: URL;
  readonly dashboard: unknown;
  /** Said after the file's path when it is written (` (RECORD_LAYOUT=multi)`); none when empty. */
  readonly note: string;
}

/** What a dashboard generator's command writes. */
export interface DashboardCommand {
  /** The npm script (`grafana:dashboard`) and what it writes, for `--help`. */
  readonly name: string;
  readonly description: string;
  /** What `--shipped` rewrites, for `--help`. */
  readonly shippedHelp: string;
  /** The repository's dashboards for the default configuration. */
  readonly shipped: () => readonly ShippedDashboard[];
  /** The dashboard for a configuration, and a summary of what it was built from (said after the path). */
  readonly forConfig: (
    config: PipelineConfig,
    units: UnitRegistry,
  ) => { readonly dashboard: unknown; readonly summary: string };
}

/**
 * Runs a dashboard generator's command line: `--out <dir>` writes the dashboard for the configuration in the
 * environment (the pipeline's variables and UNITS_CONFIG / UNITS_CONFIG_FILE) to `<dir>/iot-room-conditions.json`,
 * the folder is created if missing; `--shipped` rewrites the repository's files. A bad configuration stops it
 * (exit code 1) with the variable, the value and what is allowed.
 *
 * @example
 * runDashboardCommand({ name: 'grafana:dashboard', description: '...', shippedHelp: '...',
 *   shipped: () => [{ file, dashboard: build(defaults), note: '' }],
 *   forConfig: (config, units) => ({ dashboard: build(config, units), summary: 'time zone UTC' }) });
 */
export function runDashboardCommand(command: DashboardCommand): void {
  const program = new Command(command.name)
    .description(command.description)
    .option('--out <dir>', `folder to write ${dashboardFileName} into (created if missing)`)
    .option('--shipped', command.shippedHelp)
    .showHelpAfterError();

  program.action((opts: { out?: string; shipped?: boolean }) => {
    if (!opts.out === !opts.shipped) program.error('give either --out <dir> or --shipped');
    try {
      if (opts.shipped) {
        for (const { file, dashboard, note } of command.shipped()) {
          writeFileSync(file, dashboardJson(dashboard));
          console.log(`wrote ${fileURLToPath(file)}${note}`);
        }
        return;
      }
      const { dashboard, summary } = command.forConfig(
        readPipelineConfig(process.env),
        unitRegistryFromEnv(process.env),
      );
      const out = opts.out!;
      mkdirSync(out, { recursive: true });
      const path = join(out, dashboardFileName);
      writeFileSync(path, dashboardJson(dashboard));
      console.log(`wrote ${path}: ${summary}`);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
  });

  program.parse();
}
