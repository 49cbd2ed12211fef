/**
 * Where the importable dashboards live (read them with `readFileSync(url, 'utf8')`), so that the local web
 * dashboard and the tests load the very file Grafana imports.
 */
export const dashboardFiles = {
  /** Daily aggregates per device and measure, fleet overview, last 24 hours of raw readings. */
  iotRoomConditions: new URL('./iot-room-conditions.json', import.meta.url),
} as const;
