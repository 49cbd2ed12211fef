import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimestreamPanelSource, type DashboardServer, startDashboardServer } from '#dashboards/web';
import type { TimestreamStack } from '../../consumers/local-stack';
import { artifacts, launchChromium, waitForGeneration } from './chromium';
import { startSeededStack } from './seeded-stack';

interface PanelState {
  id: string;
  title: string;
  state: string;
  points: number;
  series: number;
  device: string;
  canvases: number;
  legend: string[];
  tableRows: number;
  meta: string;
}

let browser: Browser;
let page: Page;
let stack: TimestreamStack;
let server: DashboardServer;

/** Reads every panel's own data attributes and what it drew. */
const panelStates = (p: Page) =>
  p.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('article.panel')).map(
      (a): PanelState => ({
        id: a.dataset.panelId ?? '',
        title: a.querySelector('h3')?.textContent ?? '',
        state: a.dataset.state ?? '',
        points: Number(a.dataset.points ?? 0),
        series: Number(a.dataset.series ?? 0),
        device: a.dataset.device ?? '',
        canvases: a.querySelectorAll('.uplot canvas').length,
        legend: Array.from(a.querySelectorAll('.u-legend .u-series:not(:first-child) .u-label')).map(
          (l) => l.textContent ?? '',
        ),
        tableRows: a.querySelectorAll('tbody tr').length,
        meta: a.querySelector('.meta')?.textContent ?? '',
      }),
    ),
  );

/** The avg column of the daily summary table (panel 3), named after the selected measure as in Grafana. */
const summaryAverages = (p: Page, measure: string) =>
  p.evaluate((name) => {
    const table = document.querySelector('article[data-panel-id="3"] table');
    const headers = Array.from(table?.querySelectorAll('th') ?? []).map((th) => th.firstChild?.textContent);
    const column = headers.indexOf(`avg ${name}`);
    if (column < 0) throw new Error(`no column avg ${name} in ${headers.join(', ')}`);
    return Array.from(table?.querySelectorAll('tbody tr') ?? []).map((tr) =>
      Number(tr.querySelectorAll('td')[column]?.textContent),
    );
  }, measure);

beforeAll(async () => {
  stack = await startSeededStack();
  server = await startDashboardServer({
    port: 0,
    source: createTimestreamPanelSource({
      queryClient: stack.query,
      database: stack.config.database,
      rawTable: stack.config.rawTable,
      aggregateTable: stack.config.aggregateTable,
      layout: stack.config.recordLayout,
    }),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.close();
});

describe('local web dashboard in chromium (seeded local Timestream, multi layout)', () => {
  it('draws every panel with data, units in the legends and the bytes scanned', async () => {
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${server.url}/?refresh=off`);
    await waitForGeneration(page, 0);

    const panels = await panelStates(page);
    expect(panels.map((p) => p.id)).toEqual(['2', '3', '5', '6', '7', '9']);
    for (const p of panels) {
      expect(p.state, `${p.title}: ${p.state}`).toBe('ready');
      expect(p.points, p.title).toBeGreaterThan(0);
      expect(p.device).toBe('room_a');
      expect(p.meta, p.title).toMatch(/scanned/);
      if (p.id === '3') expect(p.tableRows).toBe(4);
      else expect(p.canvases, p.title).toBeGreaterThan(0);
    }
    const byId = Object.fromEntries(panels.map((p) => [p.id, p]));
    expect(byId['2']!.legend).toEqual(['avg co2 (ppm)', 'min co2 (ppm)', 'max co2 (ppm)']);
    expect(byId['7']!.legend).toEqual(['fleet_avg co2 (ppm)', 'fleet_min co2 (ppm)', 'fleet_max co2 (ppm)']);
    expect(byId['6']!.legend).toEqual(['co2 (ppm)', 'humidity (percent)', 'temperature (degC)']);
    expect(byId['5']!.legend).toEqual(['devices']);
    expect(byId['9']!.title).toBe('room_a: co2, last 24 hours');
    // 3 devices x 4 daily points on the fleet panel; every half hour of the last day on the raw panel
    expect(byId['5']!.points).toBe(4);
    expect(byId['9']!.points).toBeGreaterThanOrEqual(46);
    expect(await page.locator('#device option').allTextContents()).toEqual(['room_a', 'room_b', 'room_c']);
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    await page.screenshot({ path: `${artifacts}/dashboard-web.png`, fullPage: true });
  });

  it("redraws with the other device's data when the device changes", async () => {
    const before = await summaryAverages(page, 'co2');
    const generation = Number(await page.locator('#panels').getAttribute('data-generation'));
    await page.selectOption('#device', 'room_c');
    await waitForGeneration(page, generation);

    const panels = await panelStates(page);
    for (const p of panels) {
      expect(p.state, p.title).toBe('ready');
      expect(p.device).toBe('room_c');
    }
    expect(panels.find((p) => p.id === '9')!.title).toBe('room_c: co2, last 24 hours');
    const after = await summaryAverages(page, 'co2');
    // room_a's co2 is seeded around 450 ppm, room_c's around 850 ppm
    expect(before).toHaveLength(4);
    expect(after).toHaveLength(4);
    for (const v of before) expect(v > 350 && v < 550, `room_a avg ${v}`).toBe(true);
    for (const v of after) expect(v > 750 && v < 950, `room_c avg ${v}`).toBe(true);
    expect(new URL(page.url()).searchParams.get('device')).toBe('room_c');
    await page.screenshot({ path: `${artifacts}/dashboard-web-room_c.png`, fullPage: true });
  });

  it('switches the measure: axes and legends take its unit', async () => {
    const generation = Number(await page.locator('#panels').getAttribute('data-generation'));
    await page.selectOption('#measure', 'temperature');
    await waitForGeneration(page, generation);
    const panels = await panelStates(page);
    expect(panels.find((p) => p.id === '2')!.legend).toEqual([
      'avg temperature (degC)',
      'min temperature (degC)',
      'max temperature (degC)',
    ]);
    expect(panels.find((p) => p.id === '9')!.legend).toEqual(['temperature (degC)']);
    expect(panels.every((p) => p.state === 'ready')).toBe(true);
  });

  it("shows a failed query's error in its panel, and the other panels still draw", async () => {
    const broken = await startDashboardServer({
      port: 0,
      source: createTimestreamPanelSource({
        queryClient: stack.query,
        database: stack.config.database,
        rawTable: 'no_such_table',
        aggregateTable: stack.config.aggregateTable,
        layout: 'multi',
      }),
    });
    try {
      const other = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      await other.goto(`${broken.url}/?refresh=off`);
      await waitForGeneration(other, 0);
      const panels = await panelStates(other);
      expect(panels.filter((p) => p.state !== 'ready').map((p) => [p.id, p.state])).toEqual([['9', 'error']]);
      const message = await other.locator('article[data-panel-id="9"] [role="alert"]').textContent();
      expect(message).toMatch(/^PanelQueryError: panel 9 .*no_such_table/);
      expect(message).toContain('FROM "RoomCondition"."no_such_table"');
      await other.close();
    } finally {
      await broken.close();
    }
  });
});
