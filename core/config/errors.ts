/** Raised at start-up when a configuration value is missing or not allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** Every problem found, each naming the variable, the value received and what is allowed. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}
