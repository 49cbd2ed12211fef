/**
 * `npm run token -- <deviceId> [--aws]`
 * Prints the bearer token of a device, signed with the token secret (TOKEN_SECRET, else the local
 * `${DATA_DIR:-./.data}/token-secret`, or with --aws the Secrets Manager secret TOKEN_SECRET_ARN).
 */
import { Command } from 'commander';
import { cliServiceEndpoints } from '#adapters/cli-endpoints';
import { createSecretsManagerClient } from '#adapters/service-clients';
import { signDeviceToken } from './device-token';
import { resolveTokenSecret } from './token-secret';

const program = new Command('token')
  .description('Print the bearer token of a device for the ingest endpoint')
  .argument('<deviceId>', "the device id (letters, digits, '_', '.', ':', '@', '-')")
  .option('--aws', 'sign with the Secrets Manager secret TOKEN_SECRET_ARN instead of the local secret')
  .showHelpAfterError();

program.action(async (deviceId: string, opts: { aws?: boolean }) => {
  const aws = opts.aws === true || process.env.TARGET === 'aws';
  const secret = await resolveTokenSecret({
    env: process.env,
    aws,
    secretsManager: () => createSecretsManagerClient(cliServiceEndpoints(process.env, { aws })),
  });
  process.stdout.write(`${signDeviceToken(deviceId, secret)}\n`);
});

program.parseAsync().catch((error: unknown) => {
  console.error(`token failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
