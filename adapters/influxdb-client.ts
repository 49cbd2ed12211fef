import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** Base of the errors of {@link InfluxDbClient}. */
class InfluxDbError extends Error {
  override readonly name: string = 'InfluxDbError';
}

/** The server answered with an error status; `serverMessage` is its `error` text (or body). */
export class InfluxDbHttpError extends InfluxDbError {
  override readonly name = 'InfluxDbHttpError';
  constructor(
    readonly status: number,
    readonly serverMessage: string,
    readonly operation: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`InfluxDB ${operation} answered ${status}: ${serverMessage}`);
  }
  /** Throttled (429) or a server error (5xx): worth another attempt. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The server could not be reached or did not answer in time. `code` is the socket error's (ECONNREFUSED, ...). */
export class InfluxDbNetworkError extends InfluxDbError {
  override readonly name = 'InfluxDbNetworkError';
  constructor(
    readonly url: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`InfluxDB at ${url} is unreachable (${code})`, options);
  }
}

/** An InfluxQL statement answered with an error inside a 200 (e.g. a syntax error). */
export class InfluxQlError extends InfluxDbError {
  override readonly name = 'InfluxQlError';
  constructor(
    readonly query: string,
    readonly serverMessage: string,
  ) {
    super(
      `InfluxQL error: ${serverMessage} (in ${query.length > 200 ? `${query.slice(0, 200)}...` : query})`,
    );
  }
}

/** One series of an InfluxQL result. */
export interface InfluxSeries {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: readonly (readonly unknown[])[];
}

/** The result of one InfluxQL statement. */
export interface InfluxStatementResult {
  readonly statement_id: number;
  readonly series?: readonly InfluxSeries[];
  readonly error?: string;
}

/** What {@link InfluxDbClient} is built with. */
export interface InfluxDbClientOptions {
  /** e.g. `http://127.0.0.1:8086` (no trailing slash needed). */
  readonly url: string;
  /**
   * The API token, sent as `Authorization: Token <token>` (InfluxDB 2, 3 and Timestream for InfluxDB); a
   * function is called once, on the first request, and again after a 401 (e.g. a Secrets Manager read).
   * @default no Authorization header (InfluxDB 1.x without authentication, as `npm start` runs it)
   */
  readonly token?: string | (() => Promise<string | undefined>);
  /** Each request's time limit. @default 30000 */
  readonly timeoutMs?: number;
  /** gzip level of write bodies (1 fastest .. 9 smallest). @default 1 */
  readonly gzipLevel?: number;
}

/**
 * A small client of InfluxDB's v1-compatible HTTP API, which InfluxDB 1.x, 2 (with DBRP mappings), 3
 * Core/Enterprise and Amazon Timestream for InfluxDB all serve: `POST /write` (line protocol, gzip) and
 * `/query` (InfluxQL, JSON with epoch ms times). Errors are typed: {@link InfluxDbHttpError} (with the status
 * and the server's message), {@link InfluxDbNetworkError}, {@link InfluxQlError}. It does not retry: callers
 * retry with the shared helper (`adapters/retry.ts`), which knows their deadline.
 *
 * @example
 * const influx = new InfluxDbClient({ url: 'http://127.0.0.1:8086' });
 * await influx.write('RoomCondition', 'conditions,deviceId=d1 co2=550.0 1700000000000', 'ms');
 * const [result] = await influx.query('RoomCondition', 'SELECT * FROM "conditions"');
 */
export class InfluxDbClient {
  readonly url: string;
  private token: Promise<string | undefined> | undefined;

  constructor(private readonly options: InfluxDbClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
  }

  /**
   * `POST /write?db=<database>&precision=<precision>` with the lines (text, or its UTF-8 bytes), gzipped.
   * Resolves on 204.
   */
  async write(database: string, lines: string | Uint8Array, precision: 'ms' | 'ns' = 'ms'): Promise<void> {
    const raw = typeof lines === 'string' ? Buffer.from(lines, 'utf8') : lines;
    const body = new Blob([new Uint8Array(await gzip(raw, { level: this.options.gzipLevel ?? 1 }))]);
    const params = new URLSearchParams({ db: database, precision });
    await this.request('write', `/write?${params}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Encoding': 'gzip' },
      body,
    });
  }

  /**
   * Runs InfluxQL statements (`;`-separated) and returns one result per statement, times in epoch ms. Reads
   * go as GET; statements that change something (`CREATE`, `DROP`, `DELETE`, ...) need `method: 'POST'`.
   * Fails with {@link InfluxQlError} when a statement failed.
   */
  async query(
    database: string | undefined,
    q: string,
    options: { method?: 'GET' | 'POST' } = {},
  ): Promise<InfluxStatementResult[]> {
    const params = new URLSearchParams({ q, epoch: 'ms' });
    if (database !== undefined) params.set('db', database);
    const method = options.method ?? 'GET';
    const response =
      method === 'GET'
        ? await this.request('query', `/query?${params}`, { method })
        : await this.request('query', '/query', {
            method,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: params.toString(),
          });
    const parsed = JSON.parse(response) as { results?: InfluxStatementResult[]; error?: string };
    if (parsed.error !== undefined) throw new InfluxQlError(q, parsed.error);
    const results = parsed.results ?? [];
    const failed = results.find((r) => r.error !== undefined);
    if (failed?.error !== undefined) throw new InfluxQlError(q, failed.error);
    return results;
  }

  /** `CREATE DATABASE` (a no-op when it exists). */
  async createDatabase(database: string): Promise<void> {
    await this.query(undefined, `CREATE DATABASE ${quoteIdentifier(database)}`, { method: 'POST' });
  }

  /** `GET /ping`: the server's version (`X-Influxdb-Version`), or '' when it does not say. */
  async ping(): Promise<string> {
    let version = '';
    await this.request('ping', '/ping', { method: 'GET' }, (headers) => {
      version = headers.get('x-influxdb-version') ?? '';
    });
    return version;
  }

  private async request(
    operation: string,
    path: string,
    init: { method: string; headers?: Record<string, string>; body?: Blob | string },
    onHeaders?: (headers: Headers) => void,
  ): Promise<string> {
    const send = async (token: string | undefined) => {
      const headers: Record<string, string> = { ...init.headers };
      if (token !== undefined && token !== '') headers.Authorization = `Token ${token}`;
      try {
        return await fetch(`${this.url}${path}`, {
          method: init.method,
          headers,
          ...(init.body !== undefined ? { body: init.body } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        throw new InfluxDbNetworkError(this.url, networkCode(error), { cause: error });
      }
    };
    let response = await send(await this.resolveToken());
    if (response.status === 401 && typeof this.options.token === 'function') {
      // a rotated secret: read it again once
      await response.body?.cancel();
      this.token = undefined;
      response = await send(await this.resolveToken());
    }
    onHeaders?.(response.headers);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new InfluxDbNetworkError(this.url, networkCode(error), { cause: error });
    }
    if (response.status >= 200 && response.status < 300) return text;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new InfluxDbHttpError(
      response.status,
      serverMessage(text, response.statusText),
      operation,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }

  private resolveToken(): Promise<string | undefined> {
    const token = this.options.token;
    if (typeof token !== 'function') return Promise.resolve(token);
    if (this.token === undefined) {
      const pending = token();
      pending.catch(() => {
        if (this.token === pending) this.token = undefined;
      });
      this.token = pending;
    }
    return this.token;
  }
}

/** An InfluxQL identifier in double quotes: `my "db"` -> `"my \"db\""`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function serverMessage(body: string, statusText: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return statusText || 'no message';
  try {
    const parsed = JSON.parse(trimmed) as { error?: unknown; message?: unknown };
    const message = parsed.error ?? parsed.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the text itself
  }
  return trimmed.length > 2_000 ? `${trimmed.slice(0, 2_000)}...` : trimmed;
}

function networkCode(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'ETIMEDOUT';
    e = e.cause;
  }
  return error instanceof Error ? error.message : String(error);
}
