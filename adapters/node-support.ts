/**
 * The project's Node.js support, and the AWS SDK's advisory about it.
 *
 * The AWS SDK for JavaScript v3 prints a `NodeVersionSupportWarning` (through `process.emitWarning`) the first
 * time a client is built in a thread that runs a Node.js older than the one its next releases need: once per
 * thread and copy of `@aws-sdk/core`, so `npm start` (main thread plus service threads) printed it twice and
 * every command-line tool once more. The SDK's own switch turns it off:
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true`, read from the environment when a client is built.
 * The entry points import `quiet-aws-sdk.ts` first, which sets it (threads and child processes inherit it), and
 * `npm start` says the same thing once, in one line, with {@link nodeSupportNotice}.
 */

/** The Node.js major version this project runs on at least (package.json `engines`). */
const minimumNodeMajor = 20;

/** The Node.js major version AWS SDK for JavaScript v3 releases published after the first week of January 2027 require. */
export const awsSdkNextNodeMajor = 22;

/** The SDK's documented switch (read by `@aws-sdk/core`'s `emitWarningIfUnsupportedVersion`). */
export const awsSdkNodeWarningSwitch = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Turns the SDK's multi-line advisory off for this process, its worker threads and child processes, unless the
 * variable is already set (set it to `false` to see the SDK's own text).
 */
export function silenceAwsSdkNodeAdvisory(env: NodeJS.ProcessEnv = process.env): void {
  if (!env[awsSdkNodeWarningSwitch]) env[awsSdkNodeWarningSwitch] = 'true';
}

/**
 * One line for the start-up banner when this Node.js is older than what the next AWS SDK releases need, else
 * undefined.
 *
 * @example
 * nodeSupportNotice('v20.20.2'); // 'Node.js v20.20.2: supported by this project (Node.js >= 20), but ...'
 */
export function nodeSupportNotice(version: string = process.version): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= awsSdkNextNodeMajor) return undefined;
  return (
    `Node.js ${version}: supported by this project (Node.js >= ${minimumNodeMajor}), but AWS SDK releases ` +
    `after the first week of January 2027 need Node.js >= ${awsSdkNextNodeMajor}; the pinned SDK keeps working ` +
    `(README "Node.js support").`
  );
}
