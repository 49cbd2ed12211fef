import type { Hono } from 'hono';
import { serveApp } from '#adapters/serve-app';

/** Options of {@link startIngestServer}. */
export interface IngestServerOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app (its Env and schema types do not matter here)
  readonly app: Hono<any, any, any>;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' (loopback only; give '0.0.0.0' to accept devices on the network) */
  readonly host?: string;
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
    name: 'ingest server',
    portVariable: 'INGEST_PORT',
  });
}
