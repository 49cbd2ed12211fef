/** Base class of the errors of the local InfluxDB launcher. */
class LocalInfluxdbError extends Error {
  override readonly name: string = 'LocalInfluxdbError';
}

/** `influxd` is not on this machine: the message says how to install it, or how to use another server. */
export class InfluxdNotInstalledError extends LocalInfluxdbError {
  override readonly name = 'InfluxdNotInstalledError';
  constructor(readonly binary: string) {
    super(
      `STORAGE=influxdb needs an InfluxDB server, and "${binary}" was not found on this machine. Install ` +
        "Debian's InfluxDB 1.x (it serves the same v1 write and InfluxQL query APIs): " +
        '`sudo apt-get install influxdb` (then `npm start` runs its own influxd under DATA_DIR; the system ' +
        'service is not needed: `sudo systemctl disable --now influxdb`), or set INFLUXDB_URL (and ' +
        'INFLUXDB_TOKEN) to a running InfluxDB, or set INFLUXD_PATH to the influxd binary.',
    );
  }
}

/** influxd started but did not answer /ping in time, or exited first. */
export class InfluxdStartError extends LocalInfluxdbError {
  override readonly name = 'InfluxdStartError';
  constructor(
    message: string,
    readonly dataDir: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
