import { type HttpLimits, serveApp } from '#adapters/serve-app';
import { buildClientAssets } from './client-assets';
import { createDashboardApp } from './dashboard-app';
import type { MeasureUnits } from './measure-units';
import { createPanelService, type PanelDataSource } from './panel-service';

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
  /**
   * The store the panels read: `createTimestreamPanelSource` or `createInfluxDbPanelSource`, or
   * `panelSourceFromConfig` (which picks one from STORAGE).
   */
  readonly source: PanelDataSource;
  /** Canonical unit per measure, for the axes. @default the built-in measures' units */
  readonly units?: MeasureUnits;
  /** Quoted in the empty state of aggregate panels (e.g. `cron(15 0 * * ? *)`). */
  readonly rollupSchedule?: string;
  /** The rollup's zone: daily axes span its days, and the page shows times in it. @default 'UTC' */
  readonly rollupTimezone?: string;
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
 * Serves the local web dashboard: the panels of the store's Grafana dashboard, their queries run by `source`
 * (Timestream SQL or InfluxQL), drawn with uPlot. Bundles the page's script with esbuild, then listens; fails
 * when the port is taken.
 *
 * @example
 * const dashboard = await startDashboardServer({ port: 3001, source: createTimestreamPanelSource({ queryClient,
 *   database: 'RoomCondition', rawTable: 'conditions', aggregateTable: 'conditions_daily', layout: 'multi' }) });
 * console.log(dashboard.url);
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const assets = await buildClientAssets();
  const panels = createPanelService(options.source, {
    ...(options.units ? { units: options.units } : {}),
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
