import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

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
export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: options.app.fetch, port: options.port, hostname: host }) as Server;
    const onError = (error: Error) =>
      reject(
        new Error(
          `the ingest server could not listen on ${host}:${options.port}: ${error.message}. ` +
            'Set INGEST_PORT to a free port (0 = any free one).',
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
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
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
