export {
  type ChartSeries,
  type PanelData,
  type TableData,
  type TimeSeriesData,
  toTable,
  toTimeSeries,
} from './chart-data';
export type { ClientAssets } from './client-assets';
export { createDashboardApp, type DashboardAppDeps } from './dashboard-app';
export { type DashboardServer, type DashboardServerOptions, startDashboardServer } from './dashboard-server';
export {
  InvalidPanelRequestError,
  PanelQueryError,
  PanelShapeError,
  UnknownPanelError,
} from './errors';
export { builtInMeasureUnits, type MeasureUnits } from './measure-units';
export { parsePanelRequest } from './panel-request';
export {
  createPanelService,
  type PanelInfo,
  type PanelResponse,
  type PanelSelection,
  type PanelService,
  type PanelServiceOptions,
  type VariableOptions,
} from './panel-service';
export {
  describeBytesScanned,
  describeRefreshCost,
  minimumTcuChargeUsd,
  type QueryBillingSettings,
} from './query-cost';
export { type QueryResult, type ResultColumn, runQuery } from './run-query';
export { dailyAxisRange, panelIntervalMs, type TimeRangeKey } from './time-ranges';
