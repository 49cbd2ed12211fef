import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderDashboardPage } from './dashboard-page';
import {
  DashboardWebError,
  InvalidPanelRequestError,
  PanelQueryError,
  PanelShapeError,
  UnknownPanelError,
} from './errors';
import { parsePanelRequest } from './panel-request';
import type { PanelService } from './panel-service';
import { defaultTimeRange, timeRanges } from './time-ranges';

/** What the app serves: the panels (of either store, with their cost model), and the page's script and styles (built at server start). */
export interface DashboardAppDeps {
  readonly panels: PanelService;
  readonly title: string;
  readonly clientScript: string;
  readonly uplotCss: string;
  /** The zone the page shows times in (the rollup's). @default 'UTC' */
  readonly timeZone?: string;
  /** @default Date.now */
  readonly now?: () => number;
}

const statusOf = (error: DashboardWebError): ContentfulStatusCode => {
  if (error instanceof InvalidPanelRequestError) return 400;
  if (error instanceof UnknownPanelError) return 404;
  if (error instanceof PanelQueryError) return 502;
  if (error instanceof PanelShapeError) return 422;
  return 500;
};

/** An error as the page shows it: its name, message and data (the SQL of a failed query, ...). */
function errorBody(error: Error) {
  const { name, message, stack: _stack, ...data } = error as Error & Record<string, unknown>;
  return { error: { name, message, ...data } };
}

/**
 * The dashboard's HTTP app: the page (`/`), its assets, and the JSON API between page and server:
 * `GET /api/panels?device&measure` (layout), `GET /api/variables?range` (picker choices),
 * `GET /api/panels/:id?range|from&to&device&measure&maxDataPoints` (chart columns, bytes scanned on Timestream).
 * Errors are JSON `{ error: { name, message, ... } }` with 400 (bad request), 404 (unknown panel),
 * 502 (the store failed the query) or 422 (a result that cannot be drawn).
 */
export function createDashboardApp(deps: DashboardAppDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  const page = renderDashboardPage({
    title: deps.title,
    ranges: Object.keys(timeRanges),
    defaultRange: defaultTimeRange,
    timeZone: deps.timeZone ?? 'UTC',
    queryCost: deps.panels.queryCost,
  });

  app.onError((error, c) => {
    if (error instanceof DashboardWebError) return c.json(errorBody(error), statusOf(error));
    return c.json(errorBody(error), 500);
  });

  app.get('/', (c) => c.html(page));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/assets/app.js', (c) =>
    c.body(deps.clientScript, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );
  app.get('/assets/uplot.css', (c) =>
    c.body(deps.uplotCss, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );

  app.get('/api/panels', (c) => {
    const selection = parsePanelRequest(c.req.query(), now());
    return c.json({ title: deps.title, panels: deps.panels.panels(selection) });
  });
  app.get('/api/variables', async (c) => {
    const selection = parsePanelRequest(c.req.query(), now());
    return c.json({ variables: await deps.panels.variables(selection) });
  });
  app.get('/api/panels/:id', async (c) => {
    const selection = parsePanelRequest(c.req.query(), now());
    return c.json(await deps.panels.runPanel(c.req.param('id'), selection));
  });
  return app;
}
