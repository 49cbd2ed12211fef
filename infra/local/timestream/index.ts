export type { ColumnView, MeasureDataType, MeasureInfo, QueryCatalog, TableView } from './catalog';
export { ScalarType } from './catalog';
export {
  createLocalTimestream,
  type LocalTimestream,
  type LocalTimestreamOptions,
  type QueryEngineFactory,
} from './create-local-timestream';
export * from './errors';
export { type FaultRates, noFaults, parseFaultRates } from './faults';
export { startLocalTimestream } from './start-local-timestream';
