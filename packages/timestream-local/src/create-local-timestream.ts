import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type FaultRates, noFaults, parseFaultRates } from './operations/faults';
import { createOperations } from './operations/operations';
import { type QueryRunner, QueryService } from './operations/query-service';
import { nowNanos } from './operations/time-units';
import { createRequestListener } from './protocol/http-protocol';
import type { QueryCatalog } from './storage/catalog';
import { LocalTimestreamStore } from './storage/store';

/** Builds the SQL engine bound to one connection (the default is `sql/`'s createQueryEngine). */
export type QueryEngineFactory = (opts: {
  connection: DuckDBConnection;
  catalog: QueryCatalog;
  now?: () => bigint;
}) => QueryRunner;

export interface LocalTimestreamOptions {
  /** TCP port; 0 (the default) picks a free one */
  readonly port?: number;
  /** interface to listen on; loopback (127.0.0.1) unless given */
  readonly host?: string;
  /**
   * Further names the service is reached by (e.g. `timestream.lan`), for its Host header check: besides
   * these, it answers only to `localhost`, the loopback addresses and the address it listens on, with its
   * port. Anything else gets 421 InvalidEndpointException (a page reached by DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
  /** directory of the DuckDB file (created if missing) */
  readonly dataDir: string;
  /** fractions of WriteRecords calls to fail on purpose, or a TIMESTREAM_FAULTS-style string */
  readonly faults?: FaultRates | string;
  /** connections that run queries side by side (default 2) */
  readonly queryConnections?: number;
  /** current time in ns (tests move it); default the system clock */
  readonly clock?: () => bigint;
  /** where unexpected failures are reported (default console.error) */
  readonly onInternalError?: (error: unknown) => void;
  /**
   * How often (ms) the write journals are fsynced, for durability against an OS crash; answered writes
   * survive a process kill without it. 0: only on close. Default 1000.
   */
  readonly journalSyncMs?: number;
  /**
   * Delay (ms) before journaled writes are applied to DuckDB when no query waits for them (larger
   * batches); a query always sees the writes answered before it. Default 500; 0 applies at once.
   */
  readonly applyDelayMs?: number;
  /**
   * UTC days per table whose rows' upsert keys stay in memory: the days written to most recently. A write to
   * another day loads that day's keys from DuckDB first. Default 8.
   */
  readonly indexDays?: number;
  /** a query still running this long after it arrived is stopped (ms); default 60 000, Timestream's limit */
  readonly queryTimeoutMs?: number;
  /**
   * how long (ms) a Query call waits for its result before answering an empty page with the QueryId and a
   * NextToken (to ask again, or to cancel with CancelQuery); default 10 000
   */
  readonly queryPageWaitMs?: number;
  /** DuckDB's memory limit in MiB; default a quarter of the machine's memory */
  readonly memoryLimitMb?: number;
  /** DuckDB's worker threads; default the number of cores (DuckDB's own default) */
  readonly threads?: number;
}

export interface LocalTimestream {
  /** e.g. http://127.0.0.1:8100, for the SDK clients' `endpoint` */
  readonly endpoint: string;
  readonly port: number;
  /** Queries DuckDB is running now (not those waiting for a connection). */
  runningQueries(): number;
  /** Stops accepting requests, finishes queued writes, applies the journals and closes the data file. */
  close(): Promise<void>;
}

/**
 * Starts the local Timestream with the given SQL engine (the port the Query operation runs queries through).
 * Most callers want {@link startLocalTimestream}, which plugs in `sql/`'s engine.
 */
export async function createLocalTimestream(
  options: LocalTimestreamOptions,
  queryEngine: QueryEngineFactory,
): Promise<LocalTimestream> {
  const faults =
    typeof options.faults === 'string'
      ? parseFaultRates(options.faults, 'faults')
      : (options.faults ?? noFaults);
  const clock = options.clock ?? nowNanos;
  const onInternalError =
    options.onInternalError ?? ((error: unknown) => console.error('local Timestream:', error));
  const store = await LocalTimestreamStore.open(options.dataDir, {
    clock,
    journalSyncMs: options.journalSyncMs,
    applyDelayMs: options.applyDelayMs,
    indexDays: options.indexDays,
    onInternalError,
    memoryLimitMb: options.memoryLimitMb,
    threads: options.threads,
  });
  const readers: DuckDBConnection[] = [];
  let runners: QueryRunner[];
  try {
    for (let i = 0; i < (options.queryConnections ?? 2); i++) readers.push(await store.connectReader());
    runners = readers.map((connection) => queryEngine({ connection, catalog: store, now: clock }));
    for (const r of runners) await r.prepare?.();
    await store.lockConfiguration();
  } catch (error) {
    for (const r of readers) r.closeSync();
    await store.close();
    throw error;
  }
  const queries = new QueryService(
    runners,
    () => Number(clock() / 1_000_000n),
    () => store.settled(),
    {
      ...(options.queryTimeoutMs === undefined ? {} : { timeoutMs: options.queryTimeoutMs }),
      ...(options.queryPageWaitMs === undefined ? {} : { pageWaitMs: options.queryPageWaitMs }),
    },
  );
  const operations = createOperations({ store, queries, faults });
  const host = options.host ?? '127.0.0.1';
  let address = '';
  const acceptedHosts = new Set<string>();
  const server = createServer(
    { keepAlive: true },
    createRequestListener(
      operations,
      () => address,
      onInternalError,
      (hostHeader) => acceptedHosts.has((hostHeader ?? '').toLowerCase()),
    ),
  );
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    for (const r of readers) r.closeSync();
    await store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  address = `${urlHost}:${port}`;
  for (const name of ['localhost', '127.0.0.1', '[::1]', urlHost, ...(options.allowedHosts ?? [])]) {
    acceptedHosts.add(`${name.toLowerCase()}:${port}`);
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${address}`,
    port,
    runningQueries: () => queries.runningQueries,
    close() {
      closing ??= (async () => {
        queries.stopAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        for (const r of readers) r.closeSync();
        await store.close();
      })();
      return closing;
    },
  };
}
