import { type ServiceEndpoints, serviceEndpointsFromEnv } from './service-clients';

/** Default ports of the local stack (`npm start`), overridable by the variables of the same names. */
export const localPorts = {
  KINESIS_PORT: 4567,
  TIMESTREAM_PORT: 8100,
  INGEST_PORT: 3000,
  DASHBOARD_PORT: 3001,
};

/**
 * Endpoints for the command-line tools. By default they talk to a running `npm start` on this machine
 * (KINESIS_PORT / TIMESTREAM_PORT, or explicit KINESIS_ENDPOINT / TIMESTREAM_ENDPOINT). With `aws: true`
 * (the `--aws` flag, or TARGET=aws) they use AWS through the standard credential chain and AWS_REGION.
 */
export function cliServiceEndpoints(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly aws?: boolean } = {},
): ServiceEndpoints & { readonly target: 'aws' | 'local' } {
  const explicit = serviceEndpointsFromEnv(env);
  if (options.aws || env.TARGET === 'aws') return { ...explicit, target: 'aws' };
  const port = (name: keyof typeof localPorts) => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? localPorts[name] : Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65_535) {
      throw new Error(`${name}=${JSON.stringify(raw)}: must be a port number 1..65535`);
    }
    return value;
  };
  return {
    ...explicit,
    kinesisEndpoint: explicit.kinesisEndpoint ?? `http://127.0.0.1:${port('KINESIS_PORT')}`,
    timestreamEndpoint: explicit.timestreamEndpoint ?? `http://127.0.0.1:${port('TIMESTREAM_PORT')}`,
    target: 'local',
  };
}
