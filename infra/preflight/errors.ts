/** Why the deploy preflight stopped `npm run deploy` before CloudFormation started. */
export const PreflightStop = {
  /** The account is not a Timestream for LiveAnalytics customer (closed to new customers since 2025-06-20). */
  timestreamClosed: 'timestream-closed',
  /** Timestream for LiveAnalytics is not offered in the region (its endpoint does not resolve). */
  regionWithoutTimestream: 'region-without-timestream',
  /** The deploying identity may not call Timestream (an IAM or SCP denial). */
  accessDenied: 'access-denied',
  /** No region, or no credentials: the SDK (and so `cdk deploy`) cannot reach AWS. */
  notConfigured: 'not-configured',
} as const;
export type PreflightStop = (typeof PreflightStop)[keyof typeof PreflightStop];

/** The deploy would fail in CloudFormation: the message says why and what to do instead. */
export class DeployPreflightError extends Error {
  override readonly name = 'DeployPreflightError';
  constructor(
    readonly reason: PreflightStop,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
