import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { createFleetSchema, parseRequestBody } from '#core/reading';
import type { UnitRegistry } from '#core/units';
import type { DeviceTokenVerifier } from '../auth/device-token';
import { PublishIncompleteError } from './errors';
import {
  bodyTooLarge,
  IngestProblem,
  ProblemCode,
  readingsRefused,
  unauthorized,
  unsupportedContentType,
} from './ingest-problem';
import { readingMessageId } from './message-id';
import type { ReadingPublisher } from './reading-publisher';

/** Request limits of the ingest. */
export interface IngestLimits {
  /** Largest body in bytes (INGEST_MAX_BODY_BYTES, 1 MiB by default). */
  readonly maxBodyBytes: number;
  /** Most readings in one request (INGEST_MAX_READINGS, 500 by default). */
  readonly maxReadings: number;
  /** Time allowed to publish a request's readings before answering 503. @default 5000 */
  readonly publishTimeoutMs?: number;
  /** Retry-After (seconds) of a 503. @default 1 */
  readonly retryAfterSeconds?: number;
}

/** The logger the app writes to: Powertools' Logger fits. Reading values are never logged. */
export interface IngestLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What the ingest app needs, all injected so that the same app runs on Lambda, locally and in tests. */
export interface IngestAppDeps {
  readonly publisher: ReadingPublisher;
  readonly tokens: DeviceTokenVerifier;
  /** The measures (and their units) readings may carry. */
  readonly units: UnitRegistry;
  /**
   * The dimension names readings may carry besides deviceId (the configuration's DIMENSIONS): with `units`,
   * the fleet schema every name is checked against. @default the configuration's default
   */
  readonly dimensions?: readonly string[];
  /** The configuration's STORAGE: InfluxDB cannot keep some dimension values, refused here with a 400. @default 'timestream' */
  readonly storage?: 'timestream' | 'influxdb';
  readonly limits: IngestLimits;
  readonly logger: IngestLogger;
  /** @default Date.now */
  readonly now?: () => number;
}

type IngestEnv = { Variables: { requestId: string; deviceId: string } };

const acceptedTypes = new Set([
  'application/json',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The ingest HTTP app (Hono): `POST /readings` and `POST /` take one canonical reading, a JSON array of them,
 * NDJSON (`application/x-ndjson`), or the seed's bare measures `{"co2": 550, "temperature": 24.2, ...}` of the
 * token's device; `GET /health` answers 200. Devices authenticate with `Authorization: Bearer <device token>`.
 * A request is published whole or refused whole: 202 `{accepted, messageIds}`, or a JSON error (401, 403,
 * 404, 405, 413, 415, 400 with every issue, 503 with Retry-After when the stream does not take the readings in
 * time; the 503 names the readings that were published).
 *
 * @example
 * const app = createIngestApp({ publisher, tokens: createHmacTokenVerifier(secret), units, limits, logger });
 * await startIngestServer({ app, port: 3000 });
 */
export function createIngestApp(deps: IngestAppDeps): Hono<IngestEnv> {
  const now = deps.now ?? Date.now;
  const { logger, limits } = deps;
  const publishTimeoutMs = limits.publishTimeoutMs ?? 5_000;
  // built once: a measure also named as a dimension stops the app here, at start, with the reason
  const schema = createFleetSchema({
    units: deps.units,
    ...(deps.dimensions ? { dimensions: deps.dimensions } : {}),
    ...(deps.storage ? { storage: deps.storage } : {}),
  });
  const retryAfterSeconds = limits.retryAfterSeconds ?? 1;
  const app = new Hono<IngestEnv>();

  app.use(
    requestId({
      generator: (c) =>
        (c.env as { event?: { requestContext?: { requestId?: string } } } | undefined)?.event?.requestContext
          ?.requestId ?? randomUUID(),
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok' }));

  const authenticate = async (c: Context<IngestEnv>, next: () => Promise<void>) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') {
      throw unauthorized(
        'no Authorization header: send "Authorization: Bearer <device token>" (get one with npm run token -- <deviceId>)',
        false,
      );
    }
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw unauthorized('the Authorization header is not "Bearer <device token>"', true);
    }
    const verdict = await deps.tokens.verify(match[1]!);
    if (!verdict.ok) throw unauthorized(verdict.message, true);
    c.set('deviceId', verdict.deviceId);
    await next();
  };

  const checkContentType = async (c: Context<IngestEnv>, next: () => Promise<void>) => {
    const header = c.req.header('content-type');
    if (header === undefined) throw unsupportedContentType('the request has no Content-Type');
    const mediaType = header.split(';')[0]!.trim().toLowerCase();
    if (!acceptedTypes.has(mediaType) && !/^application\/[\w.+-]+\+json$/.test(mediaType)) {
      throw unsupportedContentType(`content type "${mediaType.slice(0, 100)}" is not accepted`);
    }
    await next();
  };

  const limitBody = bodyLimit({
    maxSize: limits.maxBodyBytes,
    onError: () => {
      throw bodyTooLarge(limits.maxBodyBytes);
    },
  });

  const ingest = async (c: Context<IngestEnv>) => {
    const deviceId = c.get('deviceId');
    const receivedAtMs = now();
    const bytes = await c.req.arrayBuffer();
    // bodyLimit trusts Content-Length when present; the bytes actually received are checked here too.
    if (bytes.byteLength > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
    let body: string;
    try {
      body = utf8.decode(bytes);
    } catch {
      throw new IngestProblem(
        400,
        ProblemCode.invalidEncoding,
        'the body is not valid UTF-8: send UTF-8 JSON',
      );
    }
    let parsed: ReturnType<typeof parseRequestBody>;
    try {
      parsed = parseRequestBody(body, {
        contentType: c.req.header('content-type'),
        deviceId,
        receivedAtMs,
        schema,
        maxReadings: limits.maxReadings,
      });
    } catch (error) {
      // The validator promises not to throw; if it does on some input, that input is still the client's to fix.
      logger.warn('validator threw on a request body', {
        requestId: c.get('requestId'),
        deviceId,
        error: { name: (error as Error).name, message: (error as Error).message },
      });
      throw new IngestProblem(
        400,
        ProblemCode.invalidReadings,
        `the readings could not be validated (${(error as Error).message}): check that times are epoch ` +
          'milliseconds or ISO 8601 and numbers are in range, then resend',
        { issues: [] },
        {},
        { cause: error },
      );
    }
    if (!parsed.ok) throw readingsRefused(parsed.issues);
    const { readings } = parsed;
    try {
      const report = await deps.publisher.publish(readings, { timeoutMs: publishTimeoutMs });
      logger.info('readings accepted', {
        requestId: c.get('requestId'),
        deviceId,
        readings: readings.length,
        records: report.records,
        retries: report.retries,
        bodyBytes: bytes.byteLength,
      });
      return c.json({ accepted: readings.length, messageIds: readings.map(readingMessageId) }, 202);
    } catch (error) {
      if (!(error instanceof PublishIncompleteError)) throw error;
      const messageIds = error.publishedIndexes.map((i) => readingMessageId(readings[i]!));
      throw new IngestProblem(
        503,
        ProblemCode.publishIncomplete,
        `the stream did not take ${error.unpublishedIndexes.length} of ${readings.length} readings ` +
          `(${error.lastError || 'no answer'}): resend the request after Retry-After seconds ` +
          '(readings already published are recognised by their message ids and stored once)',
        { published: messageIds.length, messageIds, unpublishedIndexes: error.unpublishedIndexes },
        { 'Retry-After': String(retryAfterSeconds) },
        { cause: error },
      );
    }
  };

  for (const path of ['/readings', '/'] as const) {
    app.post(path, authenticate, checkContentType, limitBody, ingest);
    app.all(path, () => {
      throw new IngestProblem(
        405,
        ProblemCode.methodNotAllowed,
        `${path} takes POST only: POST readings as JSON with a device token`,
        {},
        { Allow: 'POST' },
      );
    });
  }

  app.notFound((c) =>
    c.json(
      {
        error: `no route ${c.req.method} ${c.req.path.slice(0, 200)}: POST readings to /readings or /, or GET /health`,
        code: ProblemCode.notFound,
      },
      404,
    ),
  );

  app.onError((error, c) => {
    const requestIdValue = c.get('requestId');
    if (error instanceof IngestProblem) {
      const attrs = {
        requestId: requestIdValue,
        deviceId: c.get('deviceId'),
        status: error.status,
        code: error.code,
        ...(typeof error.details.issueCount === 'number' ? { issues: error.details.issueCount } : {}),
      };
      if (error.status >= 500) logger.warn('request not completed', { ...attrs, reason: error.message });
      else logger.info('request refused', attrs);
      return c.json(error.toJSON(), error.status, error.headers);
    }
    if (error instanceof HTTPException && error.status < 500) {
      logger.info('request refused', { requestId: requestIdValue, status: error.status });
      return c.json(
        {
          error: `${error.message || 'bad request'}: check the request against the API`,
          code: 'bad_request',
        },
        error.status,
      );
    }
    logger.error('request failed', {
      requestId: requestIdValue,
      deviceId: c.get('deviceId'),
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
    return c.json(
      {
        error: `the ingest failed unexpectedly (request id ${requestIdValue}): retry later; if it persists, report the request id`,
        code: ProblemCode.internal,
      },
      500,
      { 'Retry-After': String(retryAfterSeconds) },
    );
  });

  return app;
}
