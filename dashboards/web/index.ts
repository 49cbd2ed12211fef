export {
  type ChartSeries,
  type PanelData,
  type TableData,
  type TimeSeriesData,
  toTable,
  toTimeSeries,
} from './chart-data';
export { buildClientAssets, type ClientAssets } from './client-assets';
export { createDashboardApp, type DashboardAppDeps } from './dashboard-app';
export { type DashboardServer, type DashboardServerOptions, startDashboardServer } from './dashboard-server';
export {
  DashboardWebError,
  InvalidPanelRequestError,
  PanelQueryError,
  PanelShapeError,
  UnknownPanelError,
} from './errors';
export { builtInMeasureUnits, columnUnit, type MeasureUnits } from './measure-units';
export { parsePanelRequest } from './panel-request';
export {
  createPanelService,
  type PanelInfo,
  type PanelResponse,
  type PanelSelection,
  type PanelService,
  type PanelServiceOptions,
  PanelSource,
  type VariableOptions,
} from './panel-service';
export { type QueryResult, type ResultColumn, runQuery } from './run-query';
export { defaultTimeRange, panelIntervalMs, type TimeRangeKey, timeRanges } from './time-ranges';
