/** Raised when the estimate is asked for with values it cannot use: each problem says what and what is allowed. */
export class CostInputError extends Error {
  override readonly name = 'CostInputError';
  constructor(readonly problems: readonly string[]) {
    super(`Cannot estimate the cost:\n  - ${problems.join('\n  - ')}`);
  }
}
