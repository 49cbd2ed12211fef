import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createKinesisClient } from '#adapters/kinesis-client';
import { acceptedHostHeaders, misdirectedBody } from '#adapters/serve-app';
import { ensureStream } from './ensure-stream';
import { LocalKinesisStartError } from './errors';
import { applyKinesalitePatches, createStoreWithFaults, type KinesisFaults } from './kinesalite-patches';

const require = createRequire(import.meta.url);

/** The options of kinesalite 3.3.3 that this wrapper sets (see node_modules/kinesalite/db/index.js). */
interface KinesaliteOptions {
  path: string;
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
  shardLimit: number;
}
type KinesaliteFactory = (options: KinesaliteOptions) => Server;
type LevelDown = (path: string) => {
  open(cb: (error: Error | undefined) => void): void;
  close(cb: (error: Error | undefined) => void): void;
};

/** Options for {@link startLocalKinesis}. */
export interface LocalKinesisOptions {
  /** Directory of the LevelDB store; streams and records survive a restart on the same directory. */
  readonly dataDir: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /**
   * A loopback address: kinesalite has no authentication, so anything else is refused (a record put
   * straight into the stream would be stored as any device). @default '127.0.0.1'
   */
  readonly host?: string;
  /** When given, this stream is created (if missing) and ACTIVE before the promise resolves. */
  readonly streamName?: string;
  /** Shards of `streamName` when it is created. @default 1 */
  readonly shardCount?: number;
  /** Account-wide shard limit (kinesalite's default of 10 is low for resharding tests). @default 100 */
  readonly shardLimit?: number;
  /** Faults to inject (tests of retry paths). @default none */
  readonly faults?: KinesisFaults;
}

/** A running local Kinesis. */
export interface LocalKinesis {
  /** e.g. `http://127.0.0.1:45123`, for {@link createKinesisClient}. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the HTTP server (dropping open connections) and closes the LevelDB store. */
  close(): Promise<void>;
  /** Replaces the injected faults (undefined = none) for the following requests. */
  setFaults(faults: KinesisFaults | undefined): void;
}

/**
 * Starts kinesalite in-process on a LevelDB store under `dataDir`, with streams ACTIVE at once
 * (`createStreamMs: 0` instead of kinesalite's 500 ms) — the stand-in for Kinesis Data Streams used by the
 * local runtime and the integration tests.
 *
 * Known differences from Kinesis (kinesalite 3.3.3, unmaintained since 2020), checked by the tests:
 * - PutRecords never reports partial failures by itself and there is no throttling: inject them with `faults`
 *   (entries then fail with ErrorCode/ErrorMessage exactly as Kinesis answers).
 * - Limits per record (1 MiB data, 256-character key, 500 records per call) are enforced; the 5 MiB per call
 *   limit is not (kinesalite accepts requests up to 7 MiB).
 * - ApproximateArrivalTimestamp is in seconds with millisecond precision, as on AWS (the SDK returns a Date).
 * - AT_TIMESTAMP works (records with arrival >= timestamp); a timestamp in the future is rejected. kinesalite
 *   hangs when no record is at or after the timestamp; {@link applyKinesalitePatches} answers those as LATEST.
 * - Iterators expire after 5 minutes with ExpiredIteratorException, as on AWS.
 * - Records older than the retention period (24 h unless increased) disappear when read.
 *
 * @example
 * const local = await startLocalKinesis({ dataDir: '.data/kinesis', streamName: 'readings', shardCount: 2 });
 * const kinesis = createKinesisClient(local.endpoint);
 */
export async function startLocalKinesis(options: LocalKinesisOptions): Promise<LocalKinesis> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const { dataDir } = options;
  if (!isLoopback(host)) {
    throw new LocalKinesisStartError(
      `Local Kinesis must listen on loopback, not ${JSON.stringify(host)}: it has no authentication, so ` +
        'anyone reaching it could put records as any device. Give 127.0.0.1 (or ::1); expose the ingest instead.',
      dataDir,
      port,
    );
  }
  await mkdir(dataDir, { recursive: true });
  // levelup reports an open failure (e.g. another process holds the LOCK) as an unhandled 'error' event that
  // would crash the process, so the store is opened once here first to turn that into a typed error.
  await probeStore(dataDir, port);
  applyKinesalitePatches();
  const kinesalite = require('kinesalite') as KinesaliteFactory;
  const faults = { current: options.faults };
  const server = createStoreWithFaults(faults, () =>
    kinesalite({
      path: dataDir,
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: options.shardLimit ?? 100,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new LocalKinesisStartError(
          `Local Kinesis could not listen on ${host}:${port}: ${error.message}. Choose another port (0 = any free one).`,
          dataDir,
          port,
          { cause: error },
        ),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${urlHost}:${actualPort}`;
  answerOnlyOwnHost(server, acceptedHostHeaders({ host, port: actualPort }), endpoint);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error?: Error) => (error ? reject(error) : resolve()));
      // Requests still running (a long poll of a client that is going away) must not keep the port open.
      server.closeAllConnections();
    });
    return closing;
  };
  if (options.streamName !== undefined) {
    const client = createKinesisClient(endpoint);
    try {
      await ensureStream(client, options.streamName, options.shardCount ?? 1);
    } catch (error) {
      await close();
      throw error;
    } finally {
      client.destroy();
    }
  }
  return {
    endpoint,
    port: actualPort,
    close,
    setFaults: (next) => {
      faults.current = next;
    },
  };
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Puts a Host check in front of kinesalite's request listener: a request whose Host header is not this
 * server's (a web page that rebound its DNS name to 127.0.0.1) is answered 421 and never reaches kinesalite.
 */
function answerOnlyOwnHost(server: Server, accepts: (host: string | undefined) => boolean, endpoint: string) {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (accepts(req.headers.host)) {
      for (const listener of listeners) listener.call(server, req, res);
      return;
    }
    req.resume();
    res
      .writeHead(421, { 'content-type': 'application/json' })
      .end(misdirectedBody(req.headers.host, endpoint, 'it answers on loopback only'));
  });
}

async function probeStore(dataDir: string, port: number): Promise<void> {
  const leveldown = require('leveldown') as LevelDown;
  const store = leveldown(dataDir);
  await new Promise<void>((resolve, reject) =>
    store.open((error) =>
      error
        ? reject(
            new LocalKinesisStartError(
              `Local Kinesis cannot open its store in ${dataDir}: ${error.message}. ` +
                'Another local Kinesis may be running on this directory: stop it or use another dataDir.',
              dataDir,
              port,
              { cause: error },
            ),
          )
        : resolve(),
    ),
  );
  await new Promise<void>((resolve, reject) => store.close((error) => (error ? reject(error) : resolve())));
}
