/** Base class of the local web dashboard's errors. */
export class DashboardWebError extends Error {
  override readonly name: string = 'DashboardWebError';
}

/** The request names a panel the dashboard does not have (or one hidden for this record layout). */
export class UnknownPanelError extends DashboardWebError {
  override readonly name = 'UnknownPanelError';
  constructor(
    /** The panel id as requested. */
    readonly panelId: string,
    /** The panel ids that can be asked for. */
    readonly known: readonly number[],
  ) {
    super(`No panel ${JSON.stringify(panelId)} on this dashboard: use one of ${known.join(', ')}`);
  }
}

/** The query string of an API request is not valid (e.g. `from` after `to`, an unknown range). */
export class InvalidPanelRequestError extends DashboardWebError {
  override readonly name = 'InvalidPanelRequestError';
  constructor(
    /** One line per problem: the parameter and what was expected. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid dashboard request: ${problems.join('; ')}`);
  }
}

/** Timestream (local or AWS) rejected or failed a panel's query; the panel shows this message. */
export class PanelQueryError extends DashboardWebError {
  override readonly name = 'PanelQueryError';
  constructor(
    /** The panel (or variable) whose query failed, e.g. `panel 2` or `variable device`. */
    readonly source: string,
    /** The SQL as sent. */
    readonly sql: string,
    /** The service's error name, e.g. `ValidationException`. */
    readonly serviceError: string,
    /** The service's message. */
    readonly serviceMessage: string,
  ) {
    super(`${source}: ${serviceError}: ${serviceMessage}`);
  }
}

/** A time-series panel's query returned no TIMESTAMP column or no numeric column to draw. */
export class PanelShapeError extends DashboardWebError {
  override readonly name = 'PanelShapeError';
  constructor(
    /** The columns the query returned, `name:TYPE`. */
    readonly columns: readonly string[],
    /** What the chart needs. */
    readonly expected: string,
  ) {
    super(`Cannot draw the result (columns ${columns.join(', ') || 'none'}): ${expected}`);
  }
}
