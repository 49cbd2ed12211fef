import { ListDatabasesCommand, type TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { DeployPreflightError, PreflightStop } from './errors';

/** The text AWS answers (AccessDeniedException) to accounts that are not Timestream for LiveAnalytics customers. */
const closedToNewCustomers = 'Only existing Timestream for LiveAnalytics customers';

/** What a deploy without Timestream for LiveAnalytics can use instead. */
const otherStores =
  'Deploy with the other store instead: STORAGE=influxdb (Amazon Timestream for InfluxDB, which AWS offers ' +
  'to new customers; see README "On AWS"), or run the whole pipeline on one machine with npm start.';

/**
 * Checks, with one cheap call (ListDatabases, at most one result), that the account can use Timestream for
 * LiveAnalytics in the client's region, so that `npm run deploy` stops before CloudFormation starts instead
 * of failing on the database (CREATE_FAILED, then a rollback). Throws a {@link DeployPreflightError} that
 * says why and what to do; any other error is rethrown.
 *
 * Against AWS the SDK first discovers the account's Timestream endpoint (DescribeEndpoints), which is where
 * a closed account is refused; against a local endpoint the call goes straight to it.
 *
 * @example
 * await requireTimestreamForDeploy(createTimestreamWriteClient(serviceEndpointsFromEnv(process.env)));
 */
export async function requireTimestreamForDeploy(client: TimestreamWriteClient): Promise<void> {
  let region: string | undefined;
  try {
    region = await client.config.region();
    await client.send(new ListDatabasesCommand({ MaxResults: 1 }));
  } catch (error) {
    throw explain(error, region);
  }
}

function explain(error: unknown, region: string | undefined): unknown {
  if (!(error instanceof Error)) return error;
  const where = region ? ` in ${region}` : '';
  if (error.name === 'AccessDeniedException' && error.message.includes(closedToNewCustomers)) {
    return new DeployPreflightError(
      PreflightStop.timestreamClosed,
      `This AWS account cannot use Amazon Timestream for LiveAnalytics${where}: AWS closed it to new ` +
        `customers on 2025-06-20 and answers "${error.message.trim()}". CloudFormation would fail to create ` +
        `the database and roll the stack back. ${otherStores}`,
      { cause: error },
    );
  }
  if (error.name === 'AccessDeniedException') {
    return new DeployPreflightError(
      PreflightStop.accessDenied,
      `The deploying identity may not call Timestream${where} ("${error.message.trim()}"): the deploy ` +
        'creates a Timestream database and tables, so it needs timestream:* on them (and ' +
        'timestream:DescribeEndpoints and ListDatabases). Fix its IAM policy (or the SCP), then deploy again.',
      { cause: error },
    );
  }
  const code = (error as { code?: string }).code;
  if (code === 'ENOTFOUND') {
    return new DeployPreflightError(
      PreflightStop.regionWithoutTimestream,
      `Amazon Timestream for LiveAnalytics is not offered${where} (its endpoint does not resolve: ` +
        `${error.message}). Set AWS_REGION to a region that has it, or: ${otherStores}`,
      { cause: error },
    );
  }
  if (/Region is missing/i.test(error.message)) {
    return new DeployPreflightError(
      PreflightStop.notConfigured,
      'No AWS region is configured: set AWS_REGION (or a region in your AWS profile); the stack is ' +
        'deployed into that region.',
      { cause: error },
    );
  }
  if (error.name === 'CredentialsProviderError') {
    return new DeployPreflightError(
      PreflightStop.notConfigured,
      `No AWS credentials (${error.message}): configure a profile (aws configure, AWS_PROFILE) or set ` +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then deploy again.',
      { cause: error },
    );
  }
  return error;
}
