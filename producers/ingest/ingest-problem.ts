import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { IssueCode, type ReadingIssue } from '#core/reading';

/** Machine-readable codes of the ingest's error answers (the `code` field). */
export const ProblemCode = {
  unauthorized: 'unauthorized',
  deviceMismatch: 'device_mismatch',
  bodyTooLarge: 'body_too_large',
  tooManyReadings: 'too_many_readings',
  unsupportedContentType: 'unsupported_content_type',
  invalidEncoding: 'invalid_encoding',
  invalidReadings: 'invalid_readings',
  publishIncomplete: 'publish_incomplete',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  internal: 'internal_error',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/**
 * An error answer of the ingest: status, code, a message that says what was wrong and how to fix it, extra
 * JSON fields (e.g. `issues`) and headers (e.g. `WWW-Authenticate`, `Retry-After`). Thrown anywhere in the app
 * and turned into the response in one place, the app's `onError`.
 */
export class IngestProblem extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ProblemCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(status, { message, cause: options?.cause });
  }

  /** The JSON body: `{ error: message, code, ...details }`. */
  toJSON(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.details };
  }
}

/** 401 with the RFC 6750 challenge. */
export function unauthorized(message: string, tokenGiven: boolean): IngestProblem {
  const challenge = tokenGiven
    ? `Bearer realm="ingest", error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`
    : 'Bearer realm="ingest"';
  return new IngestProblem(401, ProblemCode.unauthorized, message, {}, { 'WWW-Authenticate': challenge });
}

/** Issues listed in full in an answer; the rest are counted (`issueCount`, `issuesOmitted`). */
const maxListedIssues = 100;
/** Longest path or message listed: both can quote what the client sent (a 10,000-character name). */
const maxIssueText = 300;

/** The text, or its start and end around a note of its length (a message's advice is at its end). */
const clip = (text: string) =>
  text.length <= maxIssueText
    ? text
    : `${text.slice(0, maxIssueText / 2)}... (${text.length} characters) ...${text.slice(-maxIssueText / 2)}`;

/**
 * The answer to a body whose readings were refused by core's `parseRequestBody`: 413 for too many readings,
 * 415 for a content type, 403 when a reading names another device than the token's, else 400. The first 100
 * issues are listed with their index and field path (a path or message over 300 characters keeps its first and last 150), then
 * `issueCount` (all of them) and `issuesOmitted`: the answer stays a few tens of KB whatever the request,
 * far under API Gateway's and Lambda's 6 MB response limit.
 */
export function readingsRefused(issues: readonly ReadingIssue[]): IngestProblem {
  const codes = new Set(issues.map((i) => i.code));
  const list = issues.slice(0, maxListedIssues).map((i) => ({
    ...(i.index === undefined ? {} : { index: i.index }),
    ...(i.line === undefined ? {} : { line: i.line }),
    path: clip(i.path),
    message: clip(i.message),
    code: i.code,
  }));
  const details = { issues: list, issueCount: issues.length, issuesOmitted: issues.length - list.length };
  if (codes.has(IssueCode.tooManyReadings)) {
    return new IngestProblem(
      413,
      ProblemCode.tooManyReadings,
      `${issues.find((i) => i.code === IssueCode.tooManyReadings)!.message}: split the readings over several requests`,
      details,
    );
  }
  if (codes.has(IssueCode.unsupportedContentType)) {
    return unsupportedContentType(issues[0]!.message);
  }
  if (codes.has(IssueCode.deviceMismatch)) {
    return new IngestProblem(
      403,
      ProblemCode.deviceMismatch,
      "a reading names another device than the token: send each device's readings with its own token",
      details,
    );
  }
  const readings = new Set(issues.map((i) => i.index ?? 0)).size;
  const listed =
    list.length < issues.length
      ? `; the first ${list.length} are listed in "issues"`
      : ', listed in "issues"';
  return new IngestProblem(
    400,
    ProblemCode.invalidReadings,
    `${issues.length} problem(s) in ${readings} reading(s)${listed}; nothing of this request was stored: ` +
      'fix them and resend the whole request',
    details,
  );
}

/** 415 naming the accepted content types. */
export function unsupportedContentType(what: string): IngestProblem {
  return new IngestProblem(
    415,
    ProblemCode.unsupportedContentType,
    `${what}: send Content-Type: application/json (one reading, an array of readings, or the bare measures) or application/x-ndjson (one reading a line)`,
  );
}

/** 413 for a body over the byte limit. */
export function bodyTooLarge(maxBytes: number): IngestProblem {
  return new IngestProblem(
    413,
    ProblemCode.bodyTooLarge,
    `the body is larger than ${maxBytes} bytes: send fewer readings per request`,
    { maxBytes },
    // the rest of the body is not read, so the connection cannot carry another request: say so, or a
    // keep-alive client would send its next request on a socket the server is about to close
    { Connection: 'close' },
  );
}
