import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { hostname as machineName, networkInterfaces } from 'node:os';
import { serve } from '@hono/node-server';
import { HTTPException } from 'hono/http-exception';

/** A web app served on this machine. */
export interface ServedApp {
  /** e.g. `http://127.0.0.1:3000` (also when bound to every interface) */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits for requests in flight, and drops idle keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Limits against slow or too many clients (Node's http server options). A client that has not sent its
 * headers within `headersTimeoutMs`, or its whole request within `requestTimeoutMs`, is answered 408 and
 * disconnected; beyond `maxConnections` open connections new ones are closed at once.
 */
export interface HttpLimits {
  /** @default 10000 */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body), not to answer it. @default 30000 */
  readonly requestTimeoutMs: number;
  /** Idle time after which a keep-alive connection is closed. @default 5000 */
  readonly keepAliveTimeoutMs: number;
  /** @default 2000 */
  readonly maxConnections: number;
}

/** The defaults of {@link HttpLimits}. */
export const defaultHttpLimits: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 2_000,
};

/** Where a served app reports requests that never completed (a Powertools Logger fits). */
export interface ServeLogger {
  info(message: string, attributes: Record<string, unknown>): void;
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];
const wildcardHosts = new Set(['0.0.0.0', '::', '[::]']);

/** How a host appears in a URL or a Host header: IPv6 addresses in brackets, names in lower case. */
const urlHostOf = (host: string) => (isIP(host) === 6 ? `[${host}]` : host.toLowerCase());

/**
 * The `Host` header values a server accepts: the loopback names, the address it is bound to, and, when it
 * listens on every interface (`0.0.0.0`, `::`), this machine's addresses, its name and `<name>.local`, plus
 * `extraNames` (e.g. a LAN DNS name), each with the server's port. Anything else is a request meant for
 * another server, or a page that rebound its DNS name to this machine to reach an unauthenticated service.
 *
 * @example
 * const accepts = acceptedHostHeaders({ host: '127.0.0.1', port: 3000 });
 * accepts('localhost:3000'); // true
 * accepts('evil.example:3000'); // false
 */
export function acceptedHostHeaders(options: {
  readonly host: string;
  readonly port: number;
  readonly extraNames?: readonly string[];
}): (hostHeader: string | undefined) => boolean {
  const names = new Set(loopbackNames);
  const bound = options.host.replace(/^\[|\]$/g, '');
  if (wildcardHosts.has(options.host)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const a of addresses ?? []) names.add(urlHostOf(a.address.split('%')[0] ?? a.address));
    }
    names.add(machineName().toLowerCase());
    names.add(`${machineName().toLowerCase()}.local`);
  } else names.add(urlHostOf(bound));
  for (const name of options.extraNames ?? []) names.add(urlHostOf(name.replace(/^\[|\]$/g, '')));
  const accepted = new Set([...names].map((name) => `${name}:${options.port}`));
  if (options.port === 80) for (const name of names) accepted.add(name);
  return (hostHeader) => hostHeader !== undefined && accepted.has(hostHeader.toLowerCase());
}

/** The body of the 421 answer to a request whose Host header is not the server's. */
export function misdirectedBody(
  hostHeader: string | undefined,
  url: string,
  hint = 'a LAN name it is reached by must be listed in ALLOWED_HOSTS',
): string {
  return JSON.stringify({
    error: `this server does not answer to Host ${JSON.stringify(hostHeader ?? '')}: use ${url} (${hint})`,
    code: 'misdirected_request',
  });
}

/** The client closed its connection before its request body arrived: not a failure of the app. */
class ClientClosedRequest extends HTTPException {
  constructor(cause: unknown) {
    super(400, { message: 'the client closed the connection before sending its whole request', cause });
  }
}

/**
 * Serves a fetch handler (a Hono app's `fetch`) over HTTP/1.1 with `@hono/node-server`, for the local stack's
 * web endpoints. Resolves once listening; a taken port fails with a message naming the variable to change.
 *
 * Hardened for a LAN: requests whose `Host` header is not this server's are answered 421 (DNS rebinding);
 * slow clients are timed out and connections capped ({@link HttpLimits}); a client that goes away in the
 * middle of its body is logged as one INFO line, and the app sees a 400 {@link HTTPException}, not an error.
 */
export async function serveApp(options: {
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** Further names the server is reached by, for the Host check (e.g. `pipeline.lan`). */
  readonly allowedHosts?: readonly string[];
  /** @default {@link defaultHttpLimits} */
  readonly limits?: HttpLimits;
  /** @default one console.info line per aborted request */
  readonly logger?: ServeLogger;
  /** What is served, for the error message, e.g. 'ingest server'. */
  readonly name: string;
  /** The variable that sets the port, e.g. 'INGEST_PORT'. */
  readonly portVariable: string;
}): Promise<ServedApp> {
  const host = options.host ?? '127.0.0.1';
  const limits = options.limits ?? defaultHttpLimits;
  const logger = options.logger ?? {
    info: (message: string, attributes: Record<string, unknown>) =>
      console.info(`${options.name}: ${message} ${JSON.stringify(attributes)}`),
  };
  let accepts: (hostHeader: string | undefined) => boolean = () => false;
  let url = '';
  const fetch = (request: Request, env?: unknown) => {
    const hostHeader = request.headers.get('host') ?? undefined;
    if (!accepts(hostHeader)) {
      return new Response(misdirectedBody(hostHeader, url), {
        status: 421,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (request.body === null) return options.fetch(request, env);
    return options.fetch(reportingAborts(request, logger), env);
  };
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({
      fetch,
      port: options.port,
      hostname: host,
      serverOptions: {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // the timeouts are enforced on this tick: a quarter of the shortest, so they hold within ~25 %
        connectionsCheckingInterval: Math.max(
          100,
          Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4),
        ),
      },
    }) as Server;
    s.maxConnections = limits.maxConnections;
    const onError = (error: Error) =>
      reject(
        new Error(
          `the ${options.name} could not listen on ${host}:${options.port}: ${error.message}. ` +
            `Set ${options.portVariable} to a free port (0 = any free one).`,
          { cause: error },
        ),
      );
    s.once('error', onError);
    s.once('listening', () => {
      s.off('error', onError);
      resolve(s);
    });
  });
  const port = (server.address() as AddressInfo).port;
  accepts = acceptedHostHeaders({
    host,
    port,
    ...(options.allowedHosts ? { extraNames: options.allowedHosts } : {}),
  });
  // bound to every interface, it is reached from this machine on loopback (0.0.0.0 is no Host it accepts)
  const reachedAt = host === '0.0.0.0' ? '127.0.0.1' : wildcardHosts.has(host) ? '::1' : host;
  url = `http://${urlHostOf(reachedAt)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/**
 * The request with a body that, when the client disconnects before sending all of it, fails with
 * {@link ClientClosedRequest} (a 400 to the app) after one INFO line, instead of Node's bare `aborted` error
 * that an app reports as its own failure.
 */
function reportingAborts(request: Request, logger: ServeLogger): Request {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  let received = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else {
          received += value.byteLength;
          controller.enqueue(value);
        }
      } catch (error) {
        if (!request.signal.aborted && !isAborted(error)) throw error;
        const { pathname } = new URL(request.url);
        logger.info('request aborted by the client', {
          method: request.method,
          path: pathname.slice(0, 200),
          bodyBytesReceived: received,
          contentLength: request.headers.get('content-length') ?? undefined,
        });
        controller.error(new ClientClosedRequest(error));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Request(request, { body, duplex: 'half' } as RequestInit);
}

function isAborted(error: unknown): boolean {
  const e = error as { message?: string; code?: string } | null;
  return e?.message === 'aborted' || e?.code === 'ECONNRESET' || e?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
