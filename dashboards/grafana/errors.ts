/** Base class of the Grafana dashboard module's errors. */
class GrafanaDashboardError extends Error {
  override readonly name: string = 'GrafanaDashboardError';
}

/** A macro context value is out of range (e.g. an interval of 0 ms, a range that ends before it starts). */
export class InvalidMacroContextError extends GrafanaDashboardError {
  override readonly name = 'InvalidMacroContextError';
  constructor(
    /** The context field that was wrong. */
    readonly field: string,
    /** The value received. */
    readonly value: unknown,
    /** What is allowed. */
    readonly expected: string,
  ) {
    super(`Grafana macro context: ${field}=${JSON.stringify(value)} ${expected}`);
  }
}

/**
 * The SQL uses a `$__` macro that this module (and the Timestream data source) does not know, or one whose
 * value was not given (e.g. `$__measure` with no measure).
 */
export class UnknownMacroError extends GrafanaDashboardError {
  override readonly name = 'UnknownMacroError';
  constructor(
    /** The macro as written in the SQL, e.g. `$__intervalStr`. */
    readonly macro: string,
    /** What to do instead. */
    readonly hint: string,
  ) {
    super(`Grafana macro ${macro}: ${hint}`);
  }
}

/** The SQL references a dashboard variable that has no value in `variables`. */
export class UnknownVariableError extends GrafanaDashboardError {
  override readonly name = 'UnknownVariableError';
  constructor(
    /** The variable name, without `$`. */
    readonly variable: string,
    /** The variables that were given. */
    readonly known: readonly string[],
  ) {
    super(
      `Dashboard variable $${variable} has no value: pass it in variables (given: ${
        known.length > 0 ? known.join(', ') : 'none'
      })`,
    );
  }
}

/** The dashboard JSON does not have the shape of a Grafana dashboard. */
export class InvalidDashboardError extends GrafanaDashboardError {
  override readonly name = 'InvalidDashboardError';
  constructor(
    /** One line per problem: the JSON path and what was expected. */
    readonly problems: readonly string[],
  ) {
    super(`Not a Grafana dashboard:\n  - ${problems.join('\n  - ')}`);
  }
}
