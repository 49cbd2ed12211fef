/** Node's codes for a connection that could not be made or was dropped: the service is down or restarting. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Errors that an error gathers: Powertools' FullBatchFailureError.recordErrors, AggregateError.errors. */
function gathered(error: object): unknown[] {
  const { recordErrors, errors } = error as { recordErrors?: unknown; errors?: unknown };
  if (Array.isArray(recordErrors) && recordErrors.length > 0) return recordErrors;
  if (Array.isArray(errors) && errors.length > 0) return errors;
  return [];
}

/**
 * True when a function error comes down to a connection error to a service the handler calls (refused, reset,
 * unreachable), found in the error, its `cause` chain, or, for an error that gathers several (every record of
 * the batch failed), in every one of them. A batch that failed only for this reason fails again until the service
 * is back, and then succeeds: the local runner keeps it instead of using up its retries.
 */
export function isServiceUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  const children = gathered(error);
  if (children.length > 0) return children.every((child) => isServiceUnreachable(child, depth + 1));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && connectionCodes.has(code)) return true;
  return isServiceUnreachable((error as { cause?: unknown }).cause, depth + 1);
}
