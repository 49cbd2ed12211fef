export { InfluxdNotInstalledError } from './errors';
export { type LocalInfluxdb, type LocalInfluxdbOptions, startLocalInfluxdb } from './local-influxdb';
export { type SupervisedInfluxdb, startSupervisedInfluxdb } from './supervised-influxdb';
