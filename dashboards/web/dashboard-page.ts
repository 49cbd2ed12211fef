import type { QueryCostModel } from './query-cost';

/** The page's fixed settings, rendered into its HTML. */
export interface DashboardPageOptions {
  readonly title: string;
  readonly ranges: readonly string[];
  readonly defaultRange: string;
  /** The zone the axes and times are shown in: the rollup's, whose days the daily panels hold. */
  readonly timeZone: string;
  /** How the store's queries are billed (Timestream's TCU or bytes scanned; none per query on InfluxDB). */
  readonly queryCost: QueryCostModel;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const rangeLabels: Readonly<Record<string, string>> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

/**
 * The dashboard's HTML shell: the pickers and an empty panel area that the script (`/assets/app.js`) fills
 * from the JSON API. No external resources: uPlot's CSS and the bundled script come from this server.
 */
export function renderDashboardPage(options: DashboardPageOptions): string {
  const rangeOptions = options.ranges
    .map(
      (r) =>
        `<option value="${escapeHtml(r)}"${r === options.defaultRange ? ' selected' : ''}>${escapeHtml(rangeLabels[r] ?? r)}</option>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="/assets/uplot.css">
<style>${styles}</style>
</head>
<body data-time-zone="${escapeHtml(options.timeZone)}" data-query-billing="${escapeHtml(options.queryCost.model)}"${options.queryCost.model === 'instance' ? '' : ` data-tcu-hour-usd="${options.queryCost.tcuHourUsd}"`}>
<header class="bar">
  <h1>${escapeHtml(options.title)}</h1>
  <div class="pickers">
    <label>Device <select id="device" data-testid="device"></select></label>
    <label>Measure <select id="measure" data-testid="measure"></select></label>
    <label>Range <select id="range" data-testid="range">${rangeOptions}</select></label>
    <label class="toggle"><input type="checkbox" id="auto-refresh" checked> Auto-refresh 30 s</label>
    <button type="button" id="refresh" title="Run every panel again">Refresh</button>
  </div>
  <div id="status" class="status" aria-live="polite"></div>
</header>
<main id="panels" data-state="loading"><p class="loading">Loading panels...</p></main>
<script type="module" src="/assets/app.js"></script>
</body>
</html>`;
}

const styles = `
:root { --bg: #f4f5f7; --panel: #fff; --border: #dfe1e6; --text: #1f2328; --muted: #6b7280; --accent: #2f6feb; --error: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; background: var(--bg); color: var(--text); }
.bar { position: sticky; top: 0; z-index: 10; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 10px 20px; background: #111827; color: #f9fafb; }
.bar h1 { margin: 0; font-size: 17px; font-weight: 600; }
.pickers { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
.pickers label { display: flex; gap: 6px; align-items: center; font-size: 13px; color: #d1d5db; }
.pickers select, .pickers button { font: inherit; padding: 4px 8px; border-radius: 4px; border: 1px solid #374151; background: #1f2937; color: #f9fafb; }
.pickers select { min-width: 120px; }
.pickers button { cursor: pointer; }
.pickers button:hover { background: #374151; }
.status { margin-left: auto; font-size: 12px; color: #9ca3af; }
main { padding: 12px 20px 24px; }
.row-title { margin: 14px 0 8px; font-size: 15px; font-weight: 600; color: #374151; }
.row-title:first-child { margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(24, 1fr); gap: 12px; }
.panel { grid-column: span 24; background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 10px 12px 8px; min-width: 0; display: flex; flex-direction: column; }
.panel header { display: flex; align-items: baseline; gap: 8px; margin-bottom: 6px; }
.panel h3 { margin: 0; font-size: 14px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.panel .meta { margin-left: auto; font-size: 11px; color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.panel .body { position: relative; min-height: 200px; flex: 1; }
.panel .message { display: flex; align-items: center; justify-content: center; text-align: center; min-height: 200px; padding: 16px; color: var(--muted); }
.panel .message code { background: #eef0f3; padding: 1px 5px; border-radius: 3px; color: var(--text); }
.panel .error { display: block; text-align: left; color: var(--error); }
.panel .error pre { white-space: pre-wrap; font-size: 11px; color: var(--muted); max-height: 140px; overflow: auto; }
.panel[data-state="loading"] .body { opacity: .55; }
.panel .body > .message.overlay { position: absolute; inset: 0 0 40px 56px; min-height: 0; pointer-events: none; }
.panel .body > .message.overlay span { background: rgba(255, 255, 255, .88); padding: 6px 10px; border-radius: 4px; }
.table-wrap { max-height: 260px; overflow: auto; }
table { width: 100%; border-collapse: collapse; font-size: 11.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 4px; text-align: right; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
th { vertical-align: bottom; }
th small { display: block; font-size: 10px; }
th:first-child, td:first-child { text-align: left; }
th { position: sticky; top: 0; background: #f9fafb; font-weight: 600; color: #374151; }
th small { font-weight: 400; color: var(--muted); }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
.u-legend .u-marker { width: 10px; height: 10px; border-radius: 2px; }
.loading { color: var(--muted); }
@media (max-width: 900px) { .panel { grid-column: span 24 !important; } }
`;
