import { signDeviceToken, type TokenKeys } from '../auth/device-token';
import { createFleet, type FleetOptions, type FleetRequest } from './fleet';
import { type LatencySummary, summarizeLatencies } from './latency-stats';
import { type PostOutcome, postReadings } from './post-readings';
import { TokenBucket } from './token-bucket';

/** Options of {@link runSimulation}: the fleet, where to send, and how. */
export interface SimulationOptions extends Omit<FleetOptions, 'startMs'> {
  /** Base URL of the ingest; requests go to `<endpoint>/readings`. */
  readonly endpoint: string;
  /** The token keys (the same as the ingest's): each device signs with its own token. */
  readonly secret: TokenKeys;
  /** Requests in flight at most. @default 32 */
  readonly concurrency?: number;
  /** @default now */
  readonly startMs?: number;
  /** Per-request timeout. @default 30_000 */
  readonly requestTimeoutMs?: number;
  /** Stops sending new requests (those in flight finish); the summary covers what was sent. */
  readonly signal?: AbortSignal;
  /** Called after each request. */
  readonly onRequest?: (outcome: RequestOutcome, progress: SimulationProgress) => void;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/** What happened to one request. */
export interface RequestOutcome extends PostOutcome {
  readonly request: FleetRequest;
}

/** Counters so far. */
export interface SimulationProgress {
  readonly requestsDone: number;
  readonly requestsTotal: number;
  readonly acceptedReadings: number;
  readonly rejectedReadings: number;
}

/** The end of a run. */
export interface SimulationSummary {
  readonly requests: number;
  readonly plannedRequests: number;
  /** Readings sent, duplicates included. */
  readonly sentReadings: number;
  readonly duplicatesSent: number;
  readonly lateSent: number;
  readonly acceptedReadings: number;
  /** Requests and readings not taken, by HTTP status (`0` = no answer). */
  readonly rejected: Readonly<Record<string, { requests: number; readings: number; example: string }>>;
  readonly latencyMs: LatencySummary;
  readonly elapsedMs: number;
  /** Readings sent per second over the run. */
  readonly sentPerSecond: number;
}

/**
 * Runs a simulated device fleet against the ingest endpoint: canonical batches, one device per request, each
 * with its own bearer token, at `rate` readings a second (token bucket), `concurrency` requests in flight over
 * keep-alive connections (Node's fetch). Returns the summary; never throws for HTTP errors (they are counted).
 *
 * @example
 * const summary = await runSimulation({ endpoint: server.url, secret, devices: 10, rate: 500, batch: 10,
 *   durationMs: 2_000, seed: 1 });
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const startMs = options.startMs ?? now();
  const fleet = createFleet({ ...options, startMs });
  const url = new URL('readings', options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
  const bucket = new TokenBucket({
    ratePerSecond: options.rate,
    capacity: Math.max(options.batch, Math.ceil(options.rate / 10)),
    now,
  });
  const tokens = new Map<string, string>();
  const tokenOf = (deviceId: string) => {
    const known = tokens.get(deviceId);
    if (known !== undefined) return known;
    const token = signDeviceToken(deviceId, options.secret);
    tokens.set(deviceId, token);
    return token;
  };

  const latencies: number[] = [];
  const rejected: Record<string, { requests: number; readings: number; example: string }> = {};
  let requests = 0;
  let sent = 0;
  let duplicates = 0;
  let late = 0;
  let accepted = 0;
  let rejectedReadings = 0;
  let next = 0;
  const began = now();

  const send = async (request: FleetRequest): Promise<RequestOutcome> => ({
    request,
    ...(await postReadings(url, tokenOf(request.deviceId), request.readings, {
      fetch: doFetch,
      timeoutMs: options.requestTimeoutMs ?? 30_000,
    })),
  });

  const lane = async () => {
    for (;;) {
      if (options.signal?.aborted || next >= fleet.requestCount) return;
      const request = fleet.request(next++);
      await bucket.take(request.readings.length);
      if (options.signal?.aborted) return;
      const outcome = await send(request);
      requests++;
      sent += request.readings.length;
      duplicates += request.duplicates;
      late += request.late;
      accepted += outcome.accepted;
      latencies.push(outcome.latencyMs);
      const missed = request.readings.length - outcome.accepted;
      if (outcome.status !== 202) {
        const key = String(outcome.status);
        rejected[key] ??= { requests: 0, readings: 0, example: outcome.error ?? '' };
        const entry = rejected[key];
        entry.requests++;
        entry.readings += missed;
        rejectedReadings += missed;
      }
      options.onRequest?.(outcome, {
        requestsDone: requests,
        requestsTotal: fleet.requestCount,
        acceptedReadings: accepted,
        rejectedReadings,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 32) }, lane));
  const elapsedMs = now() - began;
  return {
    requests,
    plannedRequests: fleet.requestCount,
    sentReadings: sent,
    duplicatesSent: duplicates,
    lateSent: late,
    acceptedReadings: accepted,
    rejected,
    latencyMs: summarizeLatencies(latencies),
    elapsedMs,
    sentPerSecond: elapsedMs > 0 ? (sent / elapsedMs) * 1000 : 0,
  };
}
