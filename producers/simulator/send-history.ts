import { RetriesExhaustedError, retry } from '#adapters/retry';
import { signDeviceToken, type TokenKeys } from '../auth/device-token';
import type { History, HistoryRequest } from './history';
import { type PostOutcome, postReadings } from './post-readings';

/** Options of {@link sendHistory}. */
export interface SendHistoryOptions {
  /** Base URL of the ingest; requests go to `<endpoint>/readings`. */
  readonly endpoint: string;
  /** The token keys (the same as the ingest's): each device signs with its own token. */
  readonly secret: TokenKeys;
  /** Requests in flight at most. @default 8 */
  readonly concurrency?: number;
  /** Per-request timeout. @default 30_000 */
  readonly requestTimeoutMs?: number;
  /** How long one request is retried while the ingest answers 503/429/5xx or not at all. @default 120_000 */
  readonly retryBudgetMs?: number;
  /** Stops sending new requests (those in flight finish). */
  readonly signal?: AbortSignal;
  /** Called after each request (retries included). */
  readonly onRequest?: (progress: HistoryProgress) => void;
  readonly fetch?: typeof fetch;
}

/** Counters so far. */
export interface HistoryProgress {
  readonly requestsDone: number;
  readonly requestsTotal: number;
  readonly acceptedReadings: number;
  readonly rejectedReadings: number;
  readonly retries: number;
}

/** The end of a {@link sendHistory}. */
export interface HistorySendSummary extends HistoryProgress {
  /** Readings not taken, by the last HTTP status of their request (`0` = no answer), with an example error. */
  readonly rejected: Readonly<Record<string, { requests: number; readings: number; example: string }>>;
  readonly elapsedMs: number;
}

/** An answer worth sending the request again for: the stream was slow (503), throttling, a 5xx, or no answer. */
class TransientRefusal extends Error {
  constructor(readonly outcome: PostOutcome) {
    super(`HTTP ${outcome.status}: ${outcome.error ?? ''}`);
  }
}

const isTransient = (status: number) => status === 0 || status === 429 || status >= 500;

/**
 * Sends a {@link History} through the ingest at full speed: `concurrency` requests in flight, each a batch of
 * one device's readings with that device's token, oldest first. A request the ingest could not take in time
 * (503, 429, 5xx, no answer) is sent again whole with backoff (safe: the writer drops the copies) for up to
 * `retryBudgetMs`; any other refusal is counted, never retried. Never throws for HTTP errors.
 */
export async function sendHistory(
  history: History,
  options: SendHistoryOptions,
): Promise<HistorySendSummary> {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('readings', options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
  const tokens = history.deviceIds.map((id) => signDeviceToken(id, options.secret));
  const rejected: Record<string, { requests: number; readings: number; example: string }> = {};
  let requestsDone = 0;
  let acceptedReadings = 0;
  let rejectedReadings = 0;
  let retries = 0;
  let next = 0;
  const began = Date.now();
  const progress = (): HistoryProgress => ({
    requestsDone,
    requestsTotal: history.requestCount,
    acceptedReadings,
    rejectedReadings,
    retries,
  });

  const send = async (request: HistoryRequest): Promise<PostOutcome> => {
    const token = tokens[request.index % tokens.length]!;
    const post = () =>
      postReadings(url, token, request.readings, {
        fetch: doFetch,
        timeoutMs: options.requestTimeoutMs ?? 30_000,
      });
    try {
      return await retry(
        async () => {
          const outcome = await post();
          if (isTransient(outcome.status)) throw new TransientRefusal(outcome);
          return outcome;
        },
        {
          isRetryable: (error) => error instanceof TransientRefusal,
          deadline: Date.now() + (options.retryBudgetMs ?? 120_000),
          baseDelayMs: 200,
          maxDelayMs: 5_000,
          ...(options.signal ? { signal: options.signal } : {}),
          onRetry: () => {
            retries++;
          },
        },
      );
    } catch (error) {
      const last = error instanceof RetriesExhaustedError ? error.cause : error;
      if (last instanceof TransientRefusal) return last.outcome;
      throw error;
    }
  };

  const lane = async () => {
    for (;;) {
      if (options.signal?.aborted || next >= history.requestCount) return;
      const request = history.request(next++);
      const outcome = await send(request).catch(
        (error: unknown): PostOutcome => ({
          status: 0,
          accepted: 0,
          messageIds: [],
          latencyMs: 0,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      requestsDone++;
      acceptedReadings += outcome.accepted;
      if (outcome.status !== 202) {
        const missed = request.readings.length - outcome.accepted;
        const key = String(outcome.status);
        rejected[key] ??= { requests: 0, readings: 0, example: outcome.error ?? '' };
        const entry = rejected[key];
        entry.requests++;
        entry.readings += missed;
        rejectedReadings += missed;
      }
      options.onRequest?.(progress());
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, lane));
  return { ...progress(), rejected, elapsedMs: Date.now() - began };
}
