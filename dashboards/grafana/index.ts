export { dashboardFileFor, dashboardFileName, dashboardFiles, shippedDashboards } from './dashboard-files';
export {
  type DashboardPanelQuery,
  type DashboardVariable,
  type DataSourceDefaults,
  expandPanelQuery,
  listDashboardPanels,
  listDashboardVariables,
  panelTimeRange,
} from './dashboard-panels';
export {
  InvalidDashboardError,
  InvalidMacroContextError,
  UnknownMacroError,
  UnknownVariableError,
} from './errors';
export { grafanaUnit } from './grafana-units';
export { expandGrafanaMacros, type GrafanaMacroContext, interpolateDashboardVariables } from './macros';
export {
  buildRoomConditionsDashboard,
  measureUnitOverrides,
  pickerWindow,
  type RoomConditionsDashboardOptions,
  roomConditionsDashboardOptions,
} from './room-conditions-dashboard';
