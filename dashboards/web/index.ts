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
export { influxSeriesToResult } from './influxdb-results';
export { builtInMeasureUnits, type MeasureUnits } from './measure-units';
export { parsePanelRequest } from './panel-request';
export {
  createPanelService,
  type PanelDataSource,
  type PanelInfo,
  type PanelQueryContext,
  type PanelResponse,
  type PanelResult,
  type PanelSelection,
  type PanelService,
  type PanelServiceOptions,
  type SourcePanel,
  type VariableOptions,
} from './panel-service';
export { type PanelSourceClients, panelSourceFromConfig } from './panel-source-from-config';
export {
  describeBytesScanned,
  describeRefreshCost,
  type InstanceBilling,
  minimumTcuChargeUsd,
  type QueryBillingSettings,
  type QueryCostModel,
} from './query-cost';
export { type QueryResult, type ResultColumn, runQuery } from './run-query';
export { dailyAxisRange, panelIntervalMs, type TimeRangeKey } from './time-ranges';
export { createTimestreamPanelSource, type TimestreamPanelSourceOptions } from './timestream-panel-source';
