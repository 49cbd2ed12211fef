import { type ServiceEndpoints, serviceEndpointsFromEnv } from './service-clients';

/** Default ports of the local stack (`npm start`), overridable by the variables of the same names. */
export const localPorts = {
  KINESIS_PORT: 4567,
  TIMESTREAM_PORT: 8100,
  INGEST_PORT: 3000,
  DASHBOARD_PORT: 3001,
  /** The influxd that `npm start` runs with STORAGE=influxdb and no INFLUXDB_URL (InfluxDB's own default port). */
  INFLUXDB_PORT: 8086,
};

/**
 * Endpoints for the command-line tools. By default they talk to a running `npm start` on this machine
 * (KINESIS_PORT / TIMESTREAM_PORT, or explicit KINESIS_ENDPOINT / TIMESTREAM_ENDPOINT; InfluxDB: {@link cliPipelineEnv}). With `aws: true`
 * (the `--aws` flag, or TARGET=aws) they use AWS through the standard credential chain and AWS_REGION.
 */
export function cliServiceEndpoints(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly aws?: boolean } = {},
): ServiceEndpoints & { readonly target: 'aws' | 'local' } {
  const explicit = serviceEndpointsFromEnv(env);
  if (options.aws || env.TARGET === 'aws') return { ...explicit, target: 'aws' };
  return {
    ...explicit,
    kinesisEndpoint: explicit.kinesisEndpoint ?? `http://127.0.0.1:${port(env, 'KINESIS_PORT')}`,
    timestreamEndpoint: explicit.timestreamEndpoint ?? `http://127.0.0.1:${port(env, 'TIMESTREAM_PORT')}`,
    target: 'local',
  };
}

/**
 * The environment the command-line tools read their configuration from: this process's, with INFLUXDB_URL
 * set to the influxd of a running `npm start` (`http://127.0.0.1:$INFLUXDB_PORT`, port 8086 by default) when it
 * is unset and the tool works on the local stack, so that `npm run rollup`, `npm run replay`, `npm run dlq` and
 * the simulator's history find it with STORAGE=influxdb and no other variable. With `aws: true` (or
 * TARGET=aws) nothing is added: the InfluxDB on AWS is named by INFLUXDB_URL.
 */
export function cliPipelineEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly aws?: boolean } = {},
): Readonly<Record<string, string | undefined>> {
  if (options.aws || env.TARGET === 'aws' || (env.INFLUXDB_URL ?? '') !== '') return env;
  return { ...env, INFLUXDB_URL: `http://127.0.0.1:${port(env, 'INFLUXDB_PORT')}` };
}

function port(env: Readonly<Record<string, string | undefined>>, name: keyof typeof localPorts): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? localPorts[name] : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new Error(
      `${name}=${JSON.stringify(raw)}: must be a port number 1..65535 (the port of the running npm start)`,
    );
  }
  return value;
}
