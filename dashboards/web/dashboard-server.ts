import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { type HttpLimits, serveApp } from '#adapters/serve-app';
import type { RecordLayout } from '#core/config';
import { buildClientAssets } from './client-assets';
import { createDashboardApp } from './dashboard-app';
import { createPanelService } from './panel-service';
import type { QueryBillingSettings } from './query-cost';

/** Options of {@link startDashboardServer}. */
export interface DashboardServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** Further names the dashboard is reached by (e.g. `pipeline.lan`): other Host headers are answered 421. */
  readonly allowedHosts?: readonly string[];
  /** Header and request timeouts, keep-alive, connection cap. @default defaultHttpLimits */
  readonly limits?: HttpLimits;
  /** The Timestream Query client (local endpoint or AWS) the panels run through. */
  readonly queryClient: TimestreamQueryClient;
  readonly database: string;
  readonly rawTable: string;
  readonly aggregateTable: string;
  /** The raw table's record layout: shows the raw-readings panel written for it. */
  readonly layout: RecordLayout;
  /** Quoted in the empty state of aggregate panels (e.g. `cron(15 0 * * ? *)`). */
  readonly rollupSchedule?: string;
  /** The rollup's zone: daily axes span its days, and the page shows times in it. @default 'UTC' */
  readonly rollupTimezone?: string;
  /** How the account's queries are billed (TIMESTREAM_QUERY_BILLING, TIMESTREAM_TCU_HOUR_USD). */
  readonly queryBilling?: QueryBillingSettings;
  /** The clock panel ranges end at. @default Date.now */
  readonly now?: () => number;
}

/** A running dashboard server. */
export interface DashboardServer {
  /** e.g. `http://127.0.0.1:3001` */
  readonly url: string;
  /** Stops accepting, waits for requests in flight, drops idle keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Serves the local web dashboard: the Grafana dashboard's panels, their SQL run through `queryClient`, drawn
 * with uPlot. Bundles the page's script with esbuild, then listens; fails when the port is taken.
 *
 * @example
 * const dashboard = await startDashboardServer({ port: 3001, queryClient, database: 'RoomCondition',
 *   rawTable: 'conditions', aggregateTable: 'conditions_daily', layout: 'multi' });
 * console.log(dashboard.url);
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const assets = await buildClientAssets();
  const panels = createPanelService({
    queryClient: options.queryClient,
    database: options.database,
    rawTable: options.rawTable,
    aggregateTable: options.aggregateTable,
    layout: options.layout,
    ...(options.rollupSchedule ? { rollupSchedule: options.rollupSchedule } : {}),
    ...(options.rollupTimezone ? { rollupTimezone: options.rollupTimezone } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const app = createDashboardApp({
    panels,
    title: 'IoT room conditions',
    clientScript: assets.script,
    uplotCss: assets.uplotCss,
    ...(options.rollupTimezone ? { timeZone: options.rollupTimezone } : {}),
    ...(options.queryBilling ? { queryBilling: options.queryBilling } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const served = await serveApp({
    fetch: app.fetch,
    port: options.port,
    host,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    name: 'dashboard server',
    portVariable: 'DASHBOARD_PORT',
  });
  return { url: served.url, close: served.close };
}
