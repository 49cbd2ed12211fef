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
