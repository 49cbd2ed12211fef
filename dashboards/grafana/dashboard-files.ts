import type { RecordLayout } from '#core/config';

/**
 * Where the shipped dashboards live (read them with `readFileSync(url, 'utf8')`), so that the local web
 * dashboard and the tests load the very file Grafana imports. One dashboard per record layout, each in its own
 * folder (Grafana's file provisioning loads every JSON file of the folder it is given): the raw-readings
 * panel's SQL differs by layout, and a layout is fixed per deployment (RECORD_LAYOUT), so each dashboard
 * holds only panels that run on its layout. The files are built from the default configuration by
 * `npm run grafana:dashboard -- --shipped`; `npm run grafana:dashboard -- --out <dir>` builds the one for
 * the current configuration.
 */
export const dashboardFiles = {
  /** RECORD_LAYOUT=multi (the default): daily aggregates, fleet overview, last 24 hours of raw readings. */
  iotRoomConditions: new URL('./layouts/multi/iot-room-conditions.json', import.meta.url),
  /** The same dashboard for RECORD_LAYOUT=single. */
  iotRoomConditionsSingle: new URL('./layouts/single/iot-room-conditions.json', import.meta.url),
} as const;

/** The file name of the dashboard inside its layout's folder. */
export const dashboardFileName = 'iot-room-conditions.json';

/** Every shipped dashboard with the record layout it is written for. */
export const shippedDashboards: readonly { readonly layout: RecordLayout; readonly file: URL }[] = [
  { layout: 'multi', file: dashboardFiles.iotRoomConditions },
  { layout: 'single', file: dashboardFiles.iotRoomConditionsSingle },
];

/** The shipped dashboard for a record layout. */
export function dashboardFileFor(layout: RecordLayout): URL {
  return layout === 'single' ? dashboardFiles.iotRoomConditionsSingle : dashboardFiles.iotRoomConditions;
}
