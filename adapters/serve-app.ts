import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** A web app served on this machine. */
export interface ServedApp {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits for requests in flight, and drops idle keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Serves a fetch handler (a Hono app's `fetch`) over HTTP/1.1 with `@hono/node-server`, for the local stack's
 * web endpoints. Resolves once listening; a taken port fails with a message naming the variable to change.
 */
export async function serveApp(options: {
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** What is served, for the error message, e.g. 'ingest server'. */
  readonly name: string;
  /** The variable that sets the port, e.g. 'INGEST_PORT'. */
  readonly portVariable: string;
}): Promise<ServedApp> {
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: options.fetch, port: options.port, hostname: host }) as Server;
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
