import { randomBytes } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { Command } from 'commander';
import { signDeviceToken } from './device-token';
import { parseRevocationList } from './revocation-list';
import { refreshMs, resolveDeviceAuthSources } from './token-secret';

/** What the token command reads and writes to: the environment, stdout, and AWS clients for `--aws`. */
export interface TokenCommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly secretsManager: () => SecretsManagerClient;
  readonly ssm: () => SSMClient;
}

interface TokenOptions {
  aws?: boolean;
  rotate?: boolean;
  kid?: string;
  retire?: string;
  keys?: boolean;
  revoke?: string;
  issuedBefore?: string;
  reason?: string;
  unrevoke?: string;
  revoked?: boolean;
}

/**
 * The `npm run token` command (print a token, rotate and retire keys, revoke devices), built on `io` so
 * that it runs in-process in tests. Errors reject `parseAsync` with a message saying what to do (usage
 * errors with commander's CommanderError, already printed).
 *
 * @example
 * await tokenCommand({ env: process.env, out: console.log, secretsManager, ssm }).parseAsync(process.argv);
 */
export function tokenCommand(io: TokenCommandIo): Command {
  const program = new Command('token')
    .description('Print the bearer token of a device; rotate and retire token keys; revoke devices')
    .argument('[deviceId]', "the device id (letters, digits, '_', '.', ':', '@', '-')")
    .option(
      '--aws',
      'use the Secrets Manager secret TOKEN_SECRET_ARN and the SSM parameter REVOKED_DEVICES_PARAMETER',
    )
    .option('--rotate', 'add a new random key and make it current (tokens of the other keys stay valid)')
    .option(
      '--kid <kid>',
      'with --rotate: the new key id (default k<UTC time>); with --revoke: only tokens of this key',
    )
    .option('--retire <kid>', 'remove a key: its tokens are refused from then on (not the current key)')
    .option('--keys', 'list the key ids, current first')
    .option('--revoke <deviceId>', 'refuse the tokens of a device')
    .option('--issued-before <time>', "with --revoke: only tokens issued before this ISO time, or 'now'")
    .option('--reason <text>', 'with --revoke: why (shown to the device in the 401 answer)')
    .option('--unrevoke <deviceId>', 'remove the revocations of a device')
    .option('--revoked', 'print the revocation list')
    .showHelpAfterError()
    .exitOverride();

  /** A new key id from the time: `k20261206T194311Z` sorts by age and says when the key was made. */
  const kidFromTime = (date: Date) => `k${date.toISOString().replace(/[-:]|\.\d{3}/g, '')}`;

  program.action(async (deviceId: string | undefined, opts: TokenOptions) => {
    const aws = opts.aws === true || io.env.TARGET === 'aws';
    const sources = resolveDeviceAuthSources({
      env: io.env,
      aws,
      secretsManager: io.secretsManager,
      ssm: io.ssm,
    });
    const say = io.out;
    const within = `the ingest${aws ? ' Lambdas pick' : ' picks'} it up within ${(aws ? refreshMs.aws : refreshMs.local) / 1000} s`;
    const writable = <T extends { location: string; write?: unknown }>(source: T) => {
      if (source.write === undefined)
        throw new Error(`${source.location} cannot be written: unset it to use the store`);
      return source as T & { write: NonNullable<T['write']> };
    };

    if (opts.rotate || opts.retire !== undefined) {
      const keys = writable(sources.keys);
      const before = await keys.read();
      const after = opts.rotate
        ? before.rotatedTo(opts.kid ?? kidFromTime(new Date()), randomBytes(32).toString('hex'))
        : before.without(opts.retire!);
      await keys.write(after);
      say(
        opts.rotate
          ? `new current key ${after.current} in ${keys.location} (keys: ${after.kids.join(', ')}); ${within}` +
              `${aws ? ': hand out tokens signed with it after that' : ''}. ` +
              `Issue new tokens, then retire the old key: npm run token -- --retire ${before.current}${aws ? ' --aws' : ''}`
          : `retired key ${opts.retire} from ${keys.location} (keys: ${after.kids.join(', ')}); ${within}`,
      );
      return;
    }
    if (opts.keys) {
      say((await sources.keys.read()).kids.join('\n'));
      return;
    }
    if (opts.revoke !== undefined || opts.unrevoke !== undefined) {
      const revocations = writable(sources.revocations);
      const list = await revocations.read();
      if (opts.unrevoke !== undefined) {
        await revocations.write(list.withoutDevice(opts.unrevoke));
        say(`device ${opts.unrevoke} is no longer revoked in ${revocations.location}; ${within}`);
        return;
      }
      const issuedBefore =
        opts.issuedBefore === undefined
          ? undefined
          : new Date(opts.issuedBefore === 'now' ? Date.now() : Date.parse(opts.issuedBefore));
      if (issuedBefore !== undefined && Number.isNaN(issuedBefore.getTime())) {
        throw new Error(`--issued-before ${JSON.stringify(opts.issuedBefore)}: give an ISO time or 'now'`);
      }
      const entry = {
        deviceId: opts.revoke!,
        ...(issuedBefore ? { issuedBefore: issuedBefore.toISOString() } : {}),
        ...(opts.kid ? { kid: opts.kid } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      };
      // parse the new list as a reader would, so that a bad device id or key id is refused here
      const next = parseRevocationList(list.with(entry).toText(), 'the new entry');
      await revocations.write(next);
      say(
        `device ${entry.deviceId} revoked${issuedBefore ? ` (tokens issued before ${entry.issuedBefore})` : ''} in ` +
          `${revocations.location}; ${within}`,
      );
      return;
    }
    if (opts.revoked) {
      say((await sources.revocations.read()).toText());
      return;
    }
    if (deviceId === undefined) {
      throw new Error(
        'give a device id (npm run token -- <deviceId>), or one of --rotate, --retire, --revoke: see --help',
      );
    }
    say(signDeviceToken(deviceId, await sources.keys.read()));
  });
  return program;
}
