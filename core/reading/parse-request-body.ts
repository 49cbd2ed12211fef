import { readingFields } from './limits';
import { IssueCode, type Reading, type ReadingIssue } from './reading';
import {
  type ReadingResult,
  type ValidationContext,
  validateReading,
  validateSeedReading,
} from './validate-reading';

/** Options of {@link parseRequestBody}. */
export type ParseRequestOptions = Omit<ValidationContext, 'nowMs'> & {
  /** The request's Content-Type (parameters such as charset are ignored). @default 'application/json' */
  readonly contentType?: string | undefined;
  /** Receipt time (epoch ms): the seed body's time, and the clock for the future-time check. */
  readonly receivedAtMs: number;
  /** Most readings accepted in one request (INGEST_MAX_READINGS). @default 500 */
  readonly maxReadings?: number;
};

/** Every reading of the request, or every issue found in it (then nothing of the request may be published). */
export type ParseResult =
  | { readonly ok: true; readonly readings: Reading[] }
  | { readonly ok: false; readonly issues: ReadingIssue[] };

const ndjsonTypes = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
]);

/**
 * Parses an ingest request body in any accepted format into validated readings:
 * - the seed body `{"co2": 550, "temperature": 24.2, "humidity": 48.2}` (device from `deviceId`, time = receipt);
 * - one canonical reading (an object with `deviceId`, `time`, `measures`, ...);
 * - a JSON array of canonical readings, or NDJSON (`application/x-ndjson`, one canonical reading a line).
 * Returns all issues of all readings, each with its index and field path. Never throws.
 *
 * @example
 * const r = parseRequestBody(body, { contentType, deviceId: token.sub, receivedAtMs: Date.now(), schema });
 * if (!r.ok) return c.json({ errors: r.issues }, r.issues.some((i) => i.code === 'device_mismatch') ? 403 : 400);
 */
export function parseRequestBody(body: string, opts: ParseRequestOptions): ParseResult {
  // A UTF-8 byte order mark is legal at the start of a body but not JSON.
  if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
  const maxReadings = opts.maxReadings ?? 500;
  const ctx: ValidationContext = { schema: opts.schema, nowMs: opts.receivedAtMs, deviceId: opts.deviceId };
  const mediaType = (opts.contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (ndjsonTypes.has(mediaType)) return parseNdjson(body, ctx, maxReadings);
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    return fail({
      path: '',
      code: IssueCode.unsupportedContentType,
      message: `content type "${mediaType}" is not supported (use application/json or application/x-ndjson)`,
    });
  }
  if (body.trim() === '') return fail({ path: '', code: IssueCode.empty, message: 'the body is empty' });
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    return fail({
      path: '',
      code: IssueCode.invalidJson,
      message: `not valid JSON: ${(cause as Error).message}`,
    });
  }
  if (Array.isArray(raw)) {
    const sizeIssue = countIssue(raw.length, maxReadings);
    if (sizeIssue) return fail(sizeIssue);
    return collect(raw.map((r, index) => validateReading(r, ctx, { index })));
  }
  if (typeof raw === 'object' && raw !== null && !readingFields.some((f) => Object.hasOwn(raw, f))) {
    return collect([validateSeedReading(raw, { ...ctx, receivedAtMs: opts.receivedAtMs })]);
  }
  return collect([validateReading(raw, ctx)]);
}

function parseNdjson(body: string, ctx: ValidationContext, maxReadings: number): ParseResult {
  const results: ReadingResult[] = [];
  const lines = body.split('\n');
  let index = 0;
  for (let n = 0; n < lines.length; n++) {
    const text = lines[n]!.trim();
    if (text === '') continue;
    const at = { index, line: n + 1 };
    index++;
    if (index > maxReadings) continue;
    try {
      results.push(validateReading(JSON.parse(text), ctx, at));
    } catch (cause) {
      results.push({
        ok: false,
        issues: [
          {
            ...at,
            path: `[${at.index}]`,
            code: IssueCode.invalidJson,
            message: `not valid JSON: ${(cause as Error).message}`,
          },
        ],
      });
    }
  }
  const sizeIssue = countIssue(index, maxReadings);
  return sizeIssue ? fail(sizeIssue) : collect(results);
}

function countIssue(count: number, max: number): ReadingIssue | undefined {
  if (count === 0) return { path: '', code: IssueCode.empty, message: 'no readings in the body' };
  if (count > max) {
    return {
      path: '',
      code: IssueCode.tooManyReadings,
      message: `${count} readings in one request (at most ${max})`,
    };
  }
  return undefined;
}

const fail = (issue: ReadingIssue): ParseResult => ({ ok: false, issues: [issue] });

function collect(results: readonly ReadingResult[]): ParseResult {
  const readings: Reading[] = [];
  const issues: ReadingIssue[] = [];
  for (const r of results) {
    if (r.ok) readings.push(r.reading);
    else issues.push(...r.issues);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, readings };
}
