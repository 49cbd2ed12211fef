/** The token secret could not be found, read, created or fetched. */
export class TokenSecretError extends Error {
  override readonly name = 'TokenSecretError';
  constructor(
    message: string,
    /** Where the secret was looked for: `TOKEN_SECRET`, a file path, or a Secrets Manager ARN. */
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The device revocation list could not be read, parsed or written. */
export class RevocationListError extends Error {
  override readonly name = 'RevocationListError';
  constructor(
    message: string,
    /** Where the list was looked for: a file path or an SSM parameter name. */
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token keys or the revocation list could not be read for longer than a verifier may serve without them. */
export class DeviceAuthUnavailableError extends Error {
  override readonly name = 'DeviceAuthUnavailableError';
}
