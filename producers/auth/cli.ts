/**
 * `npm run token -- <deviceId> [--aws]`: prints the bearer token of a device, signed with the current key.
 * `--rotate`, `--retire <kid>`, `--keys`, `--revoke <deviceId>`, `--unrevoke <deviceId>`, `--revoked`: see
 * `--help` and README's "Device tokens". Keys: TOKEN_SECRET, else `${DATA_DIR:-./.data}/token-secret`, or
 * with --aws the Secrets Manager secret TOKEN_SECRET_ARN; revocation list: `${DATA_DIR:-./.data}/revoked-devices.json`
 * (REVOKED_DEVICES_FILE), or with --aws the SSM parameter REVOKED_DEVICES_PARAMETER.
 */
import '#adapters/quiet-aws-sdk';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CommanderError } from 'commander';
import { cliServiceEndpoints } from '#adapters/cli-endpoints';
import { createSecretsManagerClient } from '#adapters/service-clients';
import { tokenCommand } from './token-command';

const endpoints = () => cliServiceEndpoints(process.env, { aws: true });
tokenCommand({
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  secretsManager: () => createSecretsManagerClient(endpoints()),
  ssm: () => {
    const { region } = endpoints();
    return new SSMClient(region ? { region } : {});
  },
})
  .parseAsync()
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode); // usage or --help, already printed
    console.error(`token failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
