import type { ReadingInput } from '#core/reading';

/** What the ingest answered to one POST of readings. */
export interface PostOutcome {
  /** HTTP status, or 0 when no answer came (connection error or timeout). */
  readonly status: number;
  /** Readings the ingest took: all on 202, those it names as published on 503, else 0. */
  readonly accepted: number;
  /** Message ids the ingest reported as published. */
  readonly messageIds: readonly string[];
  readonly latencyMs: number;
  /** The error message for status 0, or the answer's `error` for other statuses than 202. */
  readonly error?: string;
}

/** How {@link postReadings} sends. */
export interface PostOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
}

/**
 * POSTs `readings` as a JSON array to the ingest's `url` with a device's bearer `token`, and says what the
 * ingest took. Never throws: a refusal or a lost connection is an outcome (status 0 for no answer).
 */
export async function postReadings(
  url: URL,
  token: string,
  readings: readonly ReadingInput[],
  options: PostOptions,
): Promise<PostOutcome> {
  const t0 = performance.now();
  try {
    const res = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(readings),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await res.text();
    const latencyMs = performance.now() - t0;
    let body: { accepted?: number; published?: number; messageIds?: string[]; error?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: `not JSON: ${text.slice(0, 200)}` };
    }
    const messageIds = Array.isArray(body.messageIds) ? body.messageIds : [];
    const took = res.status === 202 ? (body.accepted ?? 0) : res.status === 503 ? (body.published ?? 0) : 0;
    return {
      status: res.status,
      accepted: took,
      messageIds,
      latencyMs,
      ...(res.status === 202 ? {} : { error: body.error ?? text.slice(0, 200) }),
    };
  } catch (error) {
    return {
      status: 0,
      accepted: 0,
      messageIds: [],
      latencyMs: performance.now() - t0,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
