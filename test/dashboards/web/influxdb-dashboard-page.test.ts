import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardServer } from '#dashboards/web';
import { startTestInfluxd, type TestInfluxd } from '../../helpers/influxd';
import { artifacts, launchChromium, waitForGeneration } from './chromium';
import { devices, measures, seedInfluxDashboard, startDashboard, units } from './seeded-influxdb';

/*
 * The web dashboard with STORAGE=influxdb in Debian's Chromium: the page drawn from a real influxd with
 * readings from the writer's sink and aggregates from the rollup.
 */

let influx: TestInfluxd;
let server: DashboardServer;
let browser: Browser;
let page: Page;

const panelStates = (p: Page) =>
  p.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('article.panel')).map((a) => ({
      id: a.dataset.panelId ?? '',
      title: a.querySelector('h3')?.textContent ?? '',
      state: a.dataset.state ?? '',
      points: Number(a.dataset.points ?? 0),
      canvases: a.querySelectorAll('.uplot canvas').length,
      legend: Array.from(a.querySelectorAll('.u-legend .u-series:not(:first-child) .u-label')).map(
        (l) => l.textContent ?? '',
      ),
      tableRows: a.querySelectorAll('tbody tr').length,
      meta: a.querySelector('.meta')?.textContent ?? '',
    })),
  );

beforeAll(async () => {
  influx = await startTestInfluxd();
  server = await startDashboard(influx, await seedInfluxDashboard(influx, 'browser'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await influx?.close();
});

describe('local web dashboard in chromium (STORAGE=influxdb, real influxd)', () => {
  it('draws every panel with data and units, times without bytes scanned, and says queries are not billed', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/?range=7d&refresh=off`);
    await waitForGeneration(page, 0);

    expect(await page.locator('#device option').allTextContents()).toEqual([...devices].sort());
    expect(await page.locator('#measure option').allTextContents()).toEqual([...measures]);
    const panels = await panelStates(page);
    expect(panels.map((p) => p.id)).toEqual(['2', '3', '5', '6', '7', '9']);
    for (const p of panels) {
      expect(p.state, `${p.title}: ${p.state}`).toBe('ready');
      expect(p.points, p.title).toBeGreaterThan(0);
      expect(p.meta, p.title).toMatch(/^\d+ ms$/);
      if (p.id === '3') expect(p.tableRows, p.title).toBeGreaterThan(0);
      else expect(p.canvases, p.title).toBeGreaterThan(0);
    }
    const byId = Object.fromEntries(panels.map((p) => [p.id, p]));
    // the first device and measure are selected: room.1, co2
    expect(byId['9']!.title).toBe('room.1: co2, last 24 hours');
    expect(byId['9']!.legend).toEqual(['co2 (ppm)']);
    // readings every 30 minutes in 1-minute bins: each drawn as a point, the latest reading in the legend
    expect(
      await page
        .locator('article[data-panel-id="9"] .u-legend .u-series:nth-child(2) .u-value')
        .textContent(),
    ).toMatch(/^\d+(\.\d+)? ppm$/);
    expect(byId['6']!.legend).toEqual(measures.map((m) => `${m} (${units[m]})`));
    expect(byId['2']!.legend.every((l) => l.endsWith('(ppm)'))).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/6 queries · InfluxDB: no charge per query$/);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: `${artifacts}/dashboard-web-influxdb.png`, fullPage: true });
  });

  it('switches the measure: the panels redraw in its unit', async () => {
    const generation = Number(await page.locator('#panels').getAttribute('data-generation'));
    await page.selectOption('#measure', 'temperature');
    await waitForGeneration(page, generation);
    const panels = await panelStates(page);
    expect(panels.every((p) => p.state === 'ready')).toBe(true);
    expect(panels.find((p) => p.id === '9')!.legend).toEqual(['temperature (degC)']);
    expect(panels.find((p) => p.id === '7')!.legend.every((l) => l.endsWith('(degC)'))).toBe(true);
  });
});
