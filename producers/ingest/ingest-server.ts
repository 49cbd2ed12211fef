import type { Hono } from 'hono';
import { type HttpLimits, type ServeLogger, serveApp } from '#adapters/serve-app';

/** Options of {@link startIngestServer}. */
export interface IngestServerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (its Env and schema types do not matter here)
  readonly app: Hono<any, any, any>;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' (loopback only; give '0.0.0.0' to accept devices on the network) */
  readonly host?: string;
  /** Further names devices reach it by (e.g. `pipeline.lan`): other Host headers are answered 421. */
  readonly allowedHosts?: readonly string[];
  /** Header and request timeouts, keep-alive, connection cap. @default defaultHttpLimits */
  readonly limits?: HttpLimits;
  /** Where requests aborted by the client are reported (one INFO line each). */
  readonly logger?: ServeLogger;
}

/** A running local ingest server. */
export interface IngestServer {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits for requests in flight, and drops idle keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Serves the ingest app over HTTP/1.1 with `@hono/node-server` (the local runtime's stand-in for API Gateway).
 * Resolves once listening; fails when the port is taken.
 *
 * @example
 * const server = await startIngestServer({ app, port: Number(process.env.INGEST_PORT ?? 3000) });
 */
export function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  return serveApp({
    fetch: options.app.fetch,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    name: 'ingest server',
    portVariable: 'INGEST_PORT',
  });
}
