/**
 * The dashboard page's script (bundled by esbuild when the server starts): fills the pickers from
 * `/api/variables`, lays out `/api/panels`, and draws each `/api/panels/:id` answer with uPlot or as a table.
 * Every panel element carries data attributes (state, points, series, device) that tests and tools can read.
 */
import uPlot from 'uplot';
import type { ChartSeries, PanelData, TableData, TimeSeriesData } from '../chart-data';
import type { PanelInfo, PanelResponse, VariableOptions } from '../panel-service';
import { describeBytesScanned, describeRefreshCost, formatBytes, type QueryCostModel } from '../query-cost';

interface ErrorBody {
  readonly error: { readonly name: string; readonly message: string; readonly sql?: string };
}

const refreshEveryMs = 30_000;
const palette = ['#2f6feb', '#e5534b', '#2da44e', '#bf8700', '#8250df', '#1b7c83', '#cf222e', '#57606a'];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const deviceSelect = $<HTMLSelectElement>('device');
const measureSelect = $<HTMLSelectElement>('measure');
const rangeSelect = $<HTMLSelectElement>('range');
const autoRefresh = $<HTMLInputElement>('auto-refresh');
const refreshButton = $<HTMLButtonElement>('refresh');
const statusLine = $<HTMLDivElement>('status');
const main = $<HTMLElement>('panels');

const params = new URLSearchParams(location.search);
if (params.get('range')) rangeSelect.value = params.get('range')!;
autoRefresh.checked = params.get('refresh') !== 'off';

const charts = new Map<number, uPlot>();
let generation = 0;
let pickerNote = '';
let timer: number | undefined;

function selection(): URLSearchParams {
  const q = new URLSearchParams({ range: rangeSelect.value });
  if (deviceSelect.value) q.set('device', deviceSelect.value);
  if (measureSelect.value) q.set('measure', measureSelect.value);
  return q;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as T | ErrorBody;
  if (!response.ok) {
    const e = (body as ErrorBody).error;
    throw Object.assign(new Error(e?.message ?? `HTTP ${response.status}`), {
      name: e?.name ?? 'Error',
      sql: e?.sql,
    });
  }
  return body as T;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** Text with `code` spans, as the server words its empty states. */
function messageNode(text: string, className = 'message'): HTMLElement {
  const box = el('div', { class: className });
  const span = el('span');
  text.split('`').forEach((part, i) => {
    span.append(i % 2 === 1 ? el('code', {}, part) : document.createTextNode(part));
  });
  box.append(span);
  return box;
}

function fillSelect(select: HTMLSelectElement, variable: VariableOptions | undefined, wanted: string | null) {
  const options = variable?.options ?? [];
  const keep = wanted && options.includes(wanted) ? wanted : (options[0] ?? '');
  select.replaceChildren(...options.map((o) => el('option', { value: o }, o)));
  if (options.length === 0) select.append(el('option', { value: '' }, '(none)'));
  select.value = keep;
  select.title =
    variable?.source === 'raw' ? 'From the raw readings: no daily aggregates yet (run `npm run rollup`)' : '';
}

async function loadVariables(): Promise<void> {
  const { variables } = await getJson<{ variables: VariableOptions[] }>(
    `/api/variables?range=${encodeURIComponent(rangeSelect.value)}`,
  );
  const find = (name: string) => variables.find((v) => v.name === name);
  pickerNote = variables.some((v) => v.source === 'raw')
    ? 'pickers from raw readings (no aggregates yet) · '
    : '';
  fillSelect(deviceSelect, find('device'), deviceSelect.value || params.get('device'));
  fillSelect(measureSelect, find('measure'), measureSelect.value || params.get('measure'));
}

const timeZone = document.body.dataset.timeZone || 'UTC';
const billingModel = document.body.dataset.queryBilling;
// InfluxDB bills no query and reports no bytes scanned: the panels show their time only
const billing: QueryCostModel =
  billingModel === 'instance'
    ? { model: 'instance' }
    : {
        model: billingModel === 'bytes' ? 'bytes' : 'tcu',
        tcuHourUsd: Number(document.body.dataset.tcuHourUsd) || 0,
      };

const dayIncrements = [1, 2, 7, 14, 30, 60].map((d) => d * 86_400);
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const zoneClock = new Intl.DateTimeFormat('en-US', {
  timeZone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The dashboard zone's wall clock at an instant (epoch ms), as strings: year, month, day, hour, ... */
function wallClock(ms: number): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of zoneClock.formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = p.value;
  return parts;
}

/** `2026-12-06`, or with `time` `2026-12-06 14:30`, in the dashboard's zone. */
function formatInstant(ms: number, time: boolean): string {
  const p = wallClock(ms);
  return `${p.year}-${p.month}-${p.day}${time ? ` ${p.hour}:${p.minute}` : ''}`;
}

/** An x tick in the dashboard's zone: `Nov 24` on day ticks and at midnight, `14:00` within a day. */
function formatTick(seconds: number, incr: number): string {
  const p = wallClock(seconds * 1000);
  const day = `${months[Number(p.month) - 1]} ${Number(p.day)}`;
  if (incr >= 86_400) return day;
  const time = `${p.hour}:${p.minute}`;
  return time === '00:00' ? `${day}\n${time}` : time;
}

const formatValue = (v: number) =>
  Number.isInteger(v)
    ? String(v)
    : Math.abs(v) >= 1000
      ? v.toFixed(0)
      : Math.abs(v) >= 100
        ? v.toFixed(1)
        : v.toFixed(2);

function panelShell(info: PanelInfo): HTMLElement {
  const article = el('article', {
    class: 'panel',
    'data-panel-id': String(info.id),
    'data-state': 'loading',
  });
  article.style.gridColumn = `span ${info.width}`;
  const header = el('header');
  const title = el('h3', {}, info.title);
  if (info.description) title.title = info.description;
  header.append(title, el('span', { class: 'meta' }));
  article.append(header, el('div', { class: 'body' }));
  return article;
}

function layout(panels: readonly PanelInfo[]) {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  main.replaceChildren();
  let grid: HTMLElement | undefined;
  let row: string | undefined;
  for (const info of panels) {
    if (!grid || info.row !== row) {
      row = info.row;
      if (row) main.append(el('h2', { class: 'row-title' }, row));
      grid = el('div', { class: 'grid' });
      main.append(grid);
    }
    grid.append(panelShell(info));
  }
}

/**
 * At rest the legend shows the latest values (under the cursor, the values there): those of the last x with a
 * value, not of a trailing empty bin (InfluxQL's `fill(null)` returns one for every interval of the range).
 */
const showLatest = (u: uPlot) => {
  for (let idx = u.data[0].length - 1; idx >= 0; idx--) {
    if (u.data.some((values, i) => i > 0 && values[idx] != null)) return u.setLegend({ idx });
  }
};

/**
 * Where points are not all drawn, the values with no neighbour on either side (a line needs two), so that a
 * reading between gaps still shows, as Grafana draws them: e.g. readings every 10 minutes in 1-minute bins
 * (InfluxQL's `fill(null)`), which would otherwise draw nothing.
 */
const isolatedPoints = (u: uPlot, seriesIdx: number, show: boolean): number[] | null => {
  if (show) return null;
  const values = u.data[seriesIdx] ?? [];
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] != null && values[i - 1] == null && values[i + 1] == null) out.push(i);
  }
  return out.length > 0 ? out : null;
};

/** What a chart's x axis drew last: its range and tick labels, as data attributes tests and tools can read. */
function recordAxis(article: HTMLElement, u: uPlot, ticks: { splits: number[]; labels: string[] }) {
  article.dataset.xMin = String(u.scales.x!.min);
  article.dataset.xMax = String(u.scales.x!.max);
  article.dataset.xSplits = JSON.stringify(ticks.splits);
  article.dataset.xTicks = JSON.stringify(ticks.labels);
}

/**
 * Draws a time series over the panel's x range (`response.xRange`), whatever the data: with no point the
 * axes are drawn empty, one point sits inside the range, and daily panels tick on the zone's midnights.
 */
function drawTimeSeries(
  id: number,
  article: HTMLElement,
  body: HTMLElement,
  data: TimeSeriesData,
  response: PanelResponse,
) {
  const info = response.panel;
  const units = [...new Set(data.series.map((s) => s.unit))];
  const bars = info.drawStyle === 'bars';
  const daily = info.source === 'aggregate';
  const empty = data.points === 0;
  const width = Math.max(200, body.clientWidth);
  const xFrom = response.xRange.from / 1000;
  const xTo = response.xRange.to / 1000;
  const ticks = { splits: [] as number[], labels: [] as string[] };
  const series: uPlot.Series[] = [
    {
      label: timeZone,
      value: (_u: uPlot, v: number | null) => (v == null ? '-' : formatInstant(v * 1000, !daily)),
    },
    ...data.series.map((s: ChartSeries, i) => ({
      label: s.unit && s.unit !== s.label ? `${s.label} (${s.unit})` : s.label,
      scale: s.unit || 'value',
      stroke: palette[i % palette.length],
      fill: bars ? `${palette[i % palette.length]}99` : undefined,
      width: bars ? 1 : 2,
      spanGaps: false,
      points: { show: data.x.length <= 60, size: 5, filter: isolatedPoints },
      ...(bars ? { paths: uPlot.paths.bars?.({ size: [0.7, 40] }) } : {}),
      value: (_u: uPlot, v: number | null) =>
        v == null ? '-' : `${formatValue(v)}${s.unit ? ` ${s.unit}` : ''}`,
    })),
  ];
  const yUnits = units.length > 0 ? units : [''];
  const axes: uPlot.Axis[] = [
    {
      stroke: '#4b5563',
      grid: { stroke: '#eef0f3' },
      ticks: { stroke: '#e5e7eb' },
      ...(daily ? { incrs: dayIncrements, space: 48 } : { space: 60 }),
      values: (_u: uPlot, splits: number[], _axis: number, _space: number, incr: number) => {
        ticks.splits = splits;
        ticks.labels = splits.map((t) => formatTick(t, incr));
        return ticks.labels;
      },
    },
    ...yUnits.map((unit, i) => ({
      scale: unit || 'value',
      label: unit,
      labelSize: 18,
      side: i % 2 === 0 ? 3 : 1,
      stroke:
        units.length > 1
          ? (palette[data.series.findIndex((s) => s.unit === unit) % palette.length] ?? '#4b5563')
          : '#4b5563',
      grid: { show: i === 0, stroke: '#eef0f3' },
      ticks: { stroke: '#e5e7eb' },
      size: 56,
      // no data: no made-up values on the y axis
      ...(empty ? { values: (_u: uPlot, splits: number[]) => splits.map(() => '') } : {}),
    })),
  ];
  const scales: uPlot.Scales = {
    // the panel's range, not the data's: zooming (drag) still works, double-click returns here
    x: { time: true, range: (): uPlot.Range.MinMax => [xFrom, xTo] },
  };
  for (const unit of yUnits)
    scales[unit || 'value'] = {
      range: (_u, min, max): uPlot.Range.MinMax =>
        min == null || max == null
          ? [0, 1]
          : bars
            ? [0, Math.max(1, max) * 1.1]
            : uPlot.rangeNum(min, max, 0.1, true),
    };
  const chart = new uPlot(
    {
      width,
      height: 230,
      series,
      axes,
      scales,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      legend: { show: !empty },
      hooks: {
        ready: [(u) => requestAnimationFrame(() => showLatest(u))],
        draw: [(u) => recordAxis(article, u, ticks)],
      },
      cursor: { drag: { x: true, y: false } },
    },
    [data.x as number[], ...data.series.map((s) => s.values as (number | null)[])],
    body,
  );
  chart.over.addEventListener('mouseleave', () => setTimeout(() => showLatest(chart), 0));
  charts.set(id, chart);
}

function drawTable(body: HTMLElement, data: TableData) {
  const wrap = el('div', { class: 'table-wrap' });
  const table = el('table');
  const head = el('tr');
  for (const c of data.columns) {
    const th = el('th', {}, c.name);
    if (c.unit && c.unit !== 'count') th.append(el('small', {}, c.unit));
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const row of data.rows) {
    const tr = el('tr');
    row.forEach((v, i) => {
      const c = data.columns[i];
      const text =
        v === null
          ? '-'
          : c?.type === 'TIMESTAMP'
            ? formatInstant(Number(v), false)
            : typeof v === 'number'
              ? c?.type === 'DOUBLE'
                ? v.toFixed(Math.abs(v) >= 1000 ? 0 : 2)
                : String(v)
              : String(v);
      tr.append(el('td', {}, text));
    });
    tbody.append(tr);
  }
  table.append(thead, tbody);
  wrap.append(table);
  body.append(wrap);
}

const noSeries: TimeSeriesData = { kind: 'timeseries', x: [], series: [], points: 0 };

function render(article: HTMLElement, response: PanelResponse) {
  const body = article.querySelector<HTMLElement>('.body')!;
  const id = response.panel.id;
  charts.get(id)?.destroy();
  charts.delete(id);
  body.replaceChildren();
  article.querySelector('h3')!.textContent = response.panel.title;
  const meta = article.querySelector<HTMLElement>('.meta')!;
  const scanned = response.bytesScanned;
  meta.textContent =
    response.sql === null
      ? ''
      : `${scanned === undefined ? '' : `${formatBytes(scanned)} scanned · `}${Math.round(response.elapsedMs)} ms`;
  meta.title =
    response.sql === null || scanned === undefined || billing.model === 'instance'
      ? (response.sql ?? '')
      : describeBytesScanned(scanned, billing);
  const data: PanelData | null = response.data;
  article.dataset.points = String(data?.points ?? 0);
  article.dataset.series = String(
    data?.kind === 'timeseries' ? data.series.length : (data?.columns.length ?? 0),
  );
  article.dataset.device = deviceSelect.value;
  article.dataset.measure = measureSelect.value;
  article.dataset.bytesScanned = String(scanned ?? 0);
  article.dataset.queried = String(response.sql !== null);
  const points = data?.points ?? 0;
  if (response.panel.type === 'timeseries' && data?.kind !== 'table') {
    // a time series always draws its axes over the panel's range; without data, the reason on top
    drawTimeSeries(id, article, body, data ?? noSeries, response);
    if (points === 0) body.append(messageNode(response.empty ?? 'No data.', 'message overlay'));
  } else if (data && points > 0) drawTable(body, data as TableData);
  else body.append(messageNode(response.empty ?? 'No data.'));
  article.dataset.state = points === 0 ? 'empty' : 'ready';
}

function renderError(article: HTMLElement, error: Error & { sql?: string }) {
  const body = article.querySelector<HTMLElement>('.body')!;
  body.replaceChildren();
  const box = el('div', { class: 'message error', role: 'alert' });
  const inner = el('div');
  inner.append(el('strong', {}, `${error.name}: `), document.createTextNode(error.message));
  if (error.sql) inner.append(el('pre', {}, error.sql));
  box.append(inner);
  body.append(box);
  article.dataset.state = 'error';
  article.dataset.points = '0';
}

async function loadPanel(article: HTMLElement, current: number) {
  article.dataset.state = 'loading';
  const q = selection();
  const body = article.querySelector<HTMLElement>('.body')!;
  q.set('maxDataPoints', String(Math.max(100, Math.round(body.clientWidth || 800))));
  try {
    const response = await getJson<PanelResponse>(`/api/panels/${article.dataset.panelId}?${q}`);
    if (current === generation) render(article, response);
  } catch (error) {
    if (current === generation) renderError(article, error as Error);
  }
}

async function refreshAll(reloadLayout: boolean) {
  const current = ++generation;
  const q = selection();
  history.replaceState(null, '', `?${q}${autoRefresh.checked ? '' : '&refresh=off'}`);
  main.dataset.state = 'loading';
  if (reloadLayout) {
    const { panels } = await getJson<{ panels: PanelInfo[] }>(`/api/panels?${q}`);
    if (current !== generation) return;
    layout(panels);
  }
  const articles = Array.from(main.querySelectorAll<HTMLElement>('article.panel'));
  await Promise.all(articles.map((a) => loadPanel(a, current)));
  if (current !== generation) return;
  main.dataset.state = 'ready';
  main.dataset.generation = String(current);
  const queried = articles.filter((a) => a.dataset.queried === 'true');
  const cost = describeRefreshCost(
    {
      queries: queried.length,
      bytes: queried.reduce((sum, a) => sum + Number(a.dataset.bytesScanned ?? 0), 0),
      ...(autoRefresh.checked ? { refreshEveryMs } : {}),
    },
    billing,
  );
  const updated = wallClock(Date.now());
  statusLine.textContent = `${pickerNote}Times in ${timeZone} · updated ${updated.hour}:${updated.minute}:${updated.second} · ${cost.text}`;
  statusLine.title = cost.title;
}

function schedule() {
  if (timer !== undefined) clearInterval(timer);
  timer = autoRefresh.checked
    ? window.setInterval(
        () =>
          void loadVariables()
            .then(() => refreshAll(false))
            .catch(showFatal),
        refreshEveryMs,
      )
    : undefined;
}

function showFatal(error: unknown) {
  main.dataset.state = 'error';
  main.replaceChildren(
    messageNode(`Cannot load the dashboard: ${(error as Error).message}`, 'message error'),
  );
}

deviceSelect.addEventListener('change', () => void refreshAll(true).catch(showFatal));
measureSelect.addEventListener('change', () => void refreshAll(true).catch(showFatal));
rangeSelect.addEventListener(
  'change',
  () =>
    void loadVariables()
      .then(() => refreshAll(true))
      .catch(showFatal),
);
refreshButton.addEventListener('click', () => void refreshAll(false).catch(showFatal));
autoRefresh.addEventListener('change', () => {
  schedule();
  history.replaceState(null, '', `?${selection()}${autoRefresh.checked ? '' : '&refresh=off'}`);
});
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    for (const [id, chart] of charts) {
      const body = main.querySelector<HTMLElement>(`article[data-panel-id="${id}"] .body`);
      if (body) chart.setSize({ width: Math.max(200, body.clientWidth), height: 230 });
    }
  }, 150);
});

loadVariables()
  .then(() => refreshAll(true))
  .then(schedule)
  .catch(showFatal);
