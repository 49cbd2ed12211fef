export { InfluxdNotInstalledError, InfluxdStartError } from './errors';
export {
  influxdConfig,
  type LocalInfluxdb,
  type LocalInfluxdbOptions,
  startLocalInfluxdb,
} from './local-influxdb';
export { type SupervisedInfluxdb, startSupervisedInfluxdb } from './supervised-influxdb';
