/** A construct prop is out of range; the message shows the value received and what to do. */
export class InvalidStackPropError extends Error {
  override readonly name = 'InvalidStackPropError';
  constructor(
    /** `Construct.prop`, e.g. `TelemetryPipelineStack.ingestThrottle.rateLimit`. */
    readonly prop: string,
    /** The value received. */
    readonly value: unknown,
    /** What is allowed and how to fix it. */
    readonly fix: string,
  ) {
    super(`${prop}=${JSON.stringify(value)}: ${fix}`);
  }
}

/** Throws an {@link InvalidStackPropError} unless `value` is an integer in [min, max]. */
export function requireIntegerIn(prop: string, value: number, min: number, max: number, hint = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidStackPropError(
      prop,
      value,
      `must be a whole number from ${min} to ${max}${hint ? `; ${hint}` : ''}`,
    );
  }
}
