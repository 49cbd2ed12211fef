import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDashboardApp,
  createPanelService,
  createTimestreamPanelSource,
  PanelQueryError,
  type PanelService,
  UnknownPanelError,
} from '#dashboards/web';
import type { TimestreamStack } from '../../consumers/local-stack';
import { startSeededStack } from './seeded-stack';

/** A stack with raw readings only: the rollup has not run, as right after `npm start`. */
let stack: TimestreamStack;
let service: PanelService;
const now = Date.now();
const last30d = { from: now - 30 * 86_400_000, to: now, maxDataPoints: 500 };

beforeAll(async () => {
  stack = await startSeededStack({ rollup: false });
  service = createPanelService(
    createTimestreamPanelSource({
      queryClient: stack.query,
      database: stack.config.database,
      rawTable: stack.config.rawTable,
      aggregateTable: stack.config.aggregateTable,
      layout: 'multi',
    }),
    { rollupSchedule: 'cron(15 0 * * ? *)', rollupTimezone: 'UTC' },
  );
});
afterAll(() => stack?.close());

describe('panel service before the first rollup', () => {
  it('fills the pickers from the raw table when there are no aggregates yet', async () => {
    const variables = await service.variables(last30d);
    expect(variables.map((v) => [v.name, v.source, v.options])).toEqual([
      ['device', 'raw', ['room_a', 'room_b', 'room_c']],
      ['measure', 'raw', ['co2', 'humidity', 'temperature']],
    ]);
  });

  it('says why an aggregate panel is empty and how to fill it', async () => {
    const response = await service.runPanel('2', { ...last30d, device: 'room_b', measure: 'co2' });
    // the aggregate table has had no record: Timestream has no deviceId column there yet
    expect(response.data).toBeNull();
    expect(response.empty).toBe(
      'No daily aggregates in the last 30 days for device room_b, measure co2: the rollup runs on cron(15 0 * * ? *) (UTC) ' +
        'and aggregates the days before; run `npm run rollup` to aggregate now.',
    );
  });

  it('draws the raw panel over its own 24 h, and says so when a device has no readings', async () => {
    const drawn = await service.runPanel('9', { ...last30d, device: 'room_b', measure: 'humidity' });
    expect(drawn.range.to - drawn.range.from).toBe(86_400_000);
    expect(drawn.xRange).toEqual(drawn.range);
    expect(drawn.data?.points).toBeGreaterThanOrEqual(46);
    expect(drawn.bytesScanned).toBeGreaterThan(0);
    expect(drawn.empty).toBeUndefined();
    const none = await service.runPanel('9', { ...last30d, device: 'room_z', measure: 'co2' });
    expect(none.empty).toBe('No readings in the last 24 h for device room_z, measure co2.');
    const short = await service.runPanel('5', { ...last30d, from: now - 86_400_000 });
    expect(short.empty).toMatch(/a range this short may hold none: pick 7 days or more\.$/);
    // a daily panel's axis: the one UTC midnight in the last 24 h, as a day-wide slot centred on it
    const midnight = Math.floor(now / 86_400_000) * 86_400_000;
    expect(short.xRange).toEqual({ from: midnight - 43_200_000, to: midnight + 43_200_000 });
  });

  it('does not query a device panel when no device is selected', async () => {
    const response = await service.runPanel('2', last30d);
    expect(response.sql).toBeNull();
    expect(response.empty).toMatch(/^No device or measure to show/);
  });

  it('hides the single-layout panel in the multi layout and rejects it by id', async () => {
    expect(service.panels({}).map((p) => p.id)).toEqual([2, 3, 5, 6, 7, 9]);
    await expect(service.runPanel('11', last30d)).rejects.toThrow(UnknownPanelError);
  });

  it('shows the raw panel in the single layout too, from the dashboard written for that layout', () => {
    const single = createPanelService(
      createTimestreamPanelSource({
        queryClient: stack.query,
        database: stack.config.database,
        rawTable: stack.config.rawTable,
        aggregateTable: stack.config.aggregateTable,
        layout: 'single',
      }),
    );
    expect(single.panels({}).map((p) => p.id)).toEqual([2, 3, 5, 6, 7, 9]);
  });

  it('turns a Timestream error into PanelQueryError with the service message and the SQL', async () => {
    const broken = createPanelService(
      createTimestreamPanelSource({
        queryClient: stack.query,
        database: stack.config.database,
        rawTable: 'no_such_table',
        aggregateTable: stack.config.aggregateTable,
        layout: 'multi',
      }),
    );
    const error = await broken
      .runPanel('9', { ...last30d, device: 'room_a', measure: 'co2' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PanelQueryError);
    const e = error as PanelQueryError;
    expect(e.serviceError).toMatch(/Exception$/);
    expect(e.serviceMessage).toMatch(/no_such_table/);
    expect(e.sql).toContain('"no_such_table"');
  });
});

describe('dashboard JSON API', () => {
  const app = () =>
    createDashboardApp({ panels: service, title: 'Test', clientScript: '/* app */', uplotCss: '/* css */' });

  it('returns the layout with titles filled in', async () => {
    const response = await app().request('/api/panels?device=room_c&measure=co2');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { panels: { id: number; title: string; width: number }[] };
    expect(body.panels.find((p) => p.id === 9)).toMatchObject({
      title: 'room_c: co2, last 24 hours',
      width: 24,
    });
  });

  it('answers 400 with every problem, 404 for an unknown panel, 502 with the SQL for a failed query', async () => {
    const bad = await app().request("/api/panels/2?device=a'b&range=2d");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { problems: string[] } }).error.problems).toHaveLength(2);
    const unknown = await app().request('/api/panels/42');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /use one of 2, 3/,
    );
    const broken = createDashboardApp({
      panels: createPanelService(
        createTimestreamPanelSource({
          queryClient: stack.query,
          database: 'NoSuchDatabase',
          rawTable: 'conditions',
          aggregateTable: 'conditions_daily',
          layout: 'multi',
        }),
      ),
      title: 'Test',
      clientScript: '',
      uplotCss: '',
    });
    const failed = await broken.request('/api/panels/5');
    expect(failed.status).toBe(502);
    const body = (await failed.json()) as { error: { name: string; message: string; sql: string } };
    expect(body.error.name).toBe('PanelQueryError');
    expect(body.error.message).toMatch(/NoSuchDatabase/);
    expect(body.error.sql).toContain('"NoSuchDatabase"."conditions_daily"');
  });

  it('serves the page, its script and the uPlot styles', async () => {
    const page = await app().request('/');
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
    const script = await app().request('/assets/app.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});
