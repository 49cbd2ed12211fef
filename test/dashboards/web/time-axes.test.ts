import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPipelineConfig } from '#core/config';
import { createTimestreamPanelSource, type DashboardServer, startDashboardServer } from '#dashboards/web';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import type { TimestreamStack } from '../../consumers/local-stack';
import { artifacts, launchChromium, waitForGeneration } from './chromium';
import { startSeededStack } from './seeded-stack';

// The rollup's zone is Tokyo (+9 h, no daylight saving: its midnights are 15:00 UTC), the browser's is New
// York: the axes must follow the dashboard's zone, not the viewer's.
const zone = 'Asia/Tokyo';
const zoneOffsetMs = 9 * 3_600_000;
const browserZone = 'America/New_York';
const hourMs = 3_600_000;
const dayMs = 86_400_000;

// The dashboard's clock: 06:00 in Tokyo yesterday (in the past, so every reading is a past one). A 7-day
// range then starts at 06:00 and ends at 06:00: the daily axis (whole days whose midnight lies in the range,
// each centred on its midnight) is [from + 6 h, to + 6 h], which a range taken from the data or the raw
// range itself would miss.
const todayInZone = Math.floor((Date.now() + zoneOffsetMs) / dayMs) * dayMs - zoneOffsetMs;
const nowMs = todayInZone - dayMs + 6 * hourMs;

const daily = { line: '2', bars: '5' } as const;
const raw = '9';

interface AxisState {
  state: string;
  points: number;
  canvases: number;
  xMin: number;
  xMax: number;
  splits: number[];
  ticks: string[];
  message: string;
  metaTitle: string;
}

const axisOf = (p: Page, panelId: string) =>
  p.evaluate((id): AxisState => {
    const a = document.querySelector<HTMLElement>(`article[data-panel-id="${id}"]`);
    if (!a) throw new Error(`no panel ${id} on the page`);
    return {
      state: a.dataset.state ?? '',
      points: Number(a.dataset.points ?? 0),
      canvases: a.querySelectorAll('.uplot canvas').length,
      xMin: Number(a.dataset.xMin),
      xMax: Number(a.dataset.xMax),
      splits: JSON.parse(a.dataset.xSplits ?? '[]') as number[],
      ticks: JSON.parse(a.dataset.xTicks ?? '[]') as string[],
      message: a.querySelector('.message')?.textContent ?? '',
      metaTitle: a.querySelector<HTMLElement>('.meta')?.title ?? '',
    };
  }, panelId);

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Tokyo's wall clock at an instant, computed apart from the page's code: Tokyo is UTC+9 all year. */
const tokyo = (seconds: number) => {
  const d = new Date(seconds * 1000 + zoneOffsetMs);
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return { day: `${months[d.getUTCMonth()]} ${d.getUTCDate()}`, hhmm };
};

/** The daily axis: every tick on a Tokyo midnight, labelled with its Tokyo date, inside [from, to]. */
function expectDailyAxis(axis: AxisState, range: { from: number; to: number }) {
  expect({ xMin: axis.xMin, xMax: axis.xMax }).toEqual({ xMin: range.from / 1000, xMax: range.to / 1000 });
  expect(axis.splits.length).toBeGreaterThanOrEqual(3);
  for (const s of axis.splits) {
    expect((s * 1000 + zoneOffsetMs) % dayMs, `tick ${s} at a Tokyo midnight`).toBe(0);
    expect(s * 1000).toBeGreaterThanOrEqual(range.from);
    expect(s * 1000).toBeLessThanOrEqual(range.to);
  }
  expect(axis.ticks).toEqual(axis.splits.map((s) => tokyo(s).day));
}

/** The raw axis: the last 24 hours up to the dashboard's now, ticks on whole Tokyo hours as `HH:MM`. */
function expectRawAxis(axis: AxisState) {
  expect({ xMin: axis.xMin, xMax: axis.xMax }).toEqual({ xMin: (nowMs - dayMs) / 1000, xMax: nowMs / 1000 });
  expect(axis.splits.length).toBeGreaterThanOrEqual(6);
  expect(axis.splits.length).toBeLessThanOrEqual(25);
  for (const s of axis.splits) {
    expect(s % 3600, `tick ${s} on a whole hour`).toBe(0);
    expect(s * 1000).toBeGreaterThanOrEqual(nowMs - dayMs);
    expect(s * 1000).toBeLessThanOrEqual(nowMs);
  }
  expect(axis.ticks).toEqual(
    axis.splits.map((s) => {
      const t = tokyo(s);
      return t.hhmm === '00:00' ? `${t.day}\n00:00` : t.hhmm;
    }),
  );
}

// 7 days up to 06:00 Tokyo: the first midnight in range is 18 h after `from`, the last 6 h before `to`
const sevenDays = { from: nowMs - 7 * dayMs + 18 * hourMs - dayMs / 2, to: nowMs - 6 * hourMs + dayMs / 2 };

let browser: Browser;
let page: Page;
let stack: TimestreamStack;
let seeded: DashboardServer;
let empty: DashboardServer;

beforeAll(async () => {
  stack = await startSeededStack({
    nowMs,
    timeZone: zone,
    // room_one: one reading 2 h before now (today: not rolled up) and one 3 days before (one daily row)
    extraReadings: [
      { deviceId: 'room_one', time: nowMs - 2 * hourMs, measures: { co2: 612 } },
      { deviceId: 'room_one', time: nowMs - 3 * dayMs, measures: { co2: 587 } },
    ],
  });
  const server = (tables: { rawTable: string; aggregateTable: string }) =>
    startDashboardServer({
      port: 0,
      source: createTimestreamPanelSource({
        queryClient: stack.query,
        database: stack.config.database,
        rawTable: tables.rawTable,
        aggregateTable: tables.aggregateTable,
        layout: 'multi',
        queryBilling: { model: 'tcu', tcuHourUsd: 0.5 },
      }),
      rollupTimezone: zone,
      now: () => nowMs,
    });
  seeded = await server(stack.config);
  // a pipeline that has received nothing yet: its tables exist and are empty
  const fresh = readPipelineConfig({ RAW_TABLE: 'fresh_raw', AGGREGATE_TABLE: 'fresh_daily' });
  await ensureTimestreamTables(stack.write, fresh);
  empty = await server(fresh);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, timezoneId: browserZone });
});

afterAll(async () => {
  await browser?.close();
  await seeded?.close();
  await empty?.close();
  await stack?.close();
});

const open = async (url: string) => {
  await page.goto(url);
  await waitForGeneration(page, 0);
};

describe('time axes span the selected range, whatever the data (chromium, rollup zone Asia/Tokyo)', () => {
  it('many points: daily panels tick on Tokyo midnights over whole days, the raw panel over 24 h', async () => {
    await open(`${seeded.url}/?range=7d&device=room_a&refresh=off`);

    const line = await axisOf(page, daily.line);
    expect(line.state).toBe('ready');
    expect(line.points).toBe(4 * 3); // avg, min, max of the four rolled-up days
    expectDailyAxis(line, sevenDays);
    expectDailyAxis(await axisOf(page, daily.bars), sevenDays);
    const rawAxis = await axisOf(page, raw);
    expect(rawAxis.points).toBeGreaterThanOrEqual(46);
    expectRawAxis(rawAxis);
    expect(await page.locator('#status').textContent()).toContain(`Times in ${zone}`);
    await page.screenshot({ path: `${artifacts}/dashboard-web-axes-many.png`, fullPage: true });
  });

  it('one point: the same axes, not a range made up around the lone point', async () => {
    await open(`${seeded.url}/?range=7d&device=room_one&refresh=off`);

    const line = await axisOf(page, daily.line);
    expect([line.state, line.points]).toEqual(['ready', 3]); // one day: avg, min and max
    expectDailyAxis(line, sevenDays);
    const bars = await axisOf(page, daily.bars);
    expect(bars.points).toBeGreaterThan(0);
    expectDailyAxis(bars, sevenDays);
    const rawAxis = await axisOf(page, raw);
    expect([rawAxis.state, rawAxis.points]).toEqual(['ready', 1]);
    expectRawAxis(rawAxis);
    await page.screenshot({ path: `${artifacts}/dashboard-web-axes-one.png`, fullPage: true });
  });

  it('no point: empty axes over the range, with the reason on top', async () => {
    await open(`${empty.url}/?range=7d&refresh=off`);

    for (const id of [daily.line, daily.bars]) {
      const axis = await axisOf(page, id);
      expect([axis.state, axis.points, axis.canvases > 0]).toEqual(['empty', 0, true]);
      expect(axis.message).toMatch(/^No (device|daily aggregates)/);
      expectDailyAxis(axis, sevenDays);
    }
    const rawAxis = await axisOf(page, raw);
    expect([rawAxis.state, rawAxis.points, rawAxis.canvases > 0]).toEqual(['empty', 0, true]);
    expectRawAxis(rawAxis);
    await page.screenshot({ path: `${artifacts}/dashboard-web-axes-empty.png`, fullPage: true });
  });

  it('says what bytes scanned are, and on TCU billing what a refresh costs', async () => {
    await open(`${seeded.url}/?range=7d&device=room_a&refresh=off`);
    const line = await axisOf(page, daily.line);
    expect(line.metaTitle).toMatch(/the bytes this query scanned .*Not what this account pays/);
    expect(line.metaTitle).toContain('at least 4 TCUs for at least 30 s ($0.017 at $0.50 per TCU-hour)');
    const status = page.locator('#status');
    expect(await status.textContent()).toMatch(
      /6 queries scanned [\d.]+ KB · TCU-billed: ≥ \$0\.017 per refresh$/,
    );

    await open(`${seeded.url}/?range=7d&device=room_a`);
    expect(await status.textContent()).toMatch(/≥ \$0\.017 per refresh, ≥ \$2\.00\/h on auto-refresh$/);

    await open(`${empty.url}/?range=7d&refresh=off`);
    expect(await status.textContent()).toMatch(/ queries scanned 0 B · TCU-billed: ≥ \$0\.017 per refresh$/);
  });
});
