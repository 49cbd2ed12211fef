export { dashboardFiles } from './dashboard-files';
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
export { expandGrafanaMacros, type GrafanaMacroContext, interpolateDashboardVariables } from './macros';
