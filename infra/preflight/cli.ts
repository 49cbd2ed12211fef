/**
 * `npm run deploy` runs this before `cdk deploy`: it stops the deploy, with the reason and what to do, when
 * the account or region cannot have what the stack creates (Timestream for LiveAnalytics), before
 * CloudFormation starts. TIMESTREAM_ENDPOINT points it at another endpoint (a local one, in tests), as it does
 * every Timestream client; AWS_REGION and the AWS profile choose the region, as for `cdk deploy`.
 */
import { createTimestreamWriteClient, serviceEndpointsFromEnv } from '#adapters/service-clients';
import { readPipelineConfig, Storage } from '#core/config';
import { DeployPreflightError } from './errors';
import { requireTimestreamForDeploy } from './timestream-available';

async function main(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  // The configuration the CDK app synthesises from: a bad value stops here, before cdk deploy, with the
  // variable, its value and what is allowed (a ConfigError). A stack built for another store
  // (STORAGE=influxdb) creates no Timestream for LiveAnalytics resource.
  const config = readPipelineConfig(env);
  if (config.storage !== Storage.timestream) {
    console.log(`deploy preflight: STORAGE=${config.storage}, Timestream for LiveAnalytics is not checked`);
    return 0;
  }
  const client = createTimestreamWriteClient(serviceEndpointsFromEnv(env));
  try {
    await requireTimestreamForDeploy(client);
    console.log('deploy preflight: Timestream for LiveAnalytics answers for this account and region');
    return 0;
  } catch (error) {
    if (error instanceof DeployPreflightError) {
      console.error(`deploy stopped before CloudFormation (${error.reason}): ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    client.destroy();
  }
}

main(process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`deploy preflight failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
