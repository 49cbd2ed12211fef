export {
  binPath,
  spawnTimestreamProcess,
  type TimestreamProcess,
  type TimestreamProcessOptions,
} from './child-process';
export {
  createLocalTimestream,
  type LocalTimestream,
  type LocalTimestreamOptions,
  type QueryEngineFactory,
} from './create-local-timestream';
export * from './errors';
export { type FaultRates, noFaults, parseFaultRates } from './operations/faults';
export { timestreamTuningFromEnv } from './settings-from-env';
export { startLocalTimestream, startLocalTimestreamModule } from './start-local-timestream';
export type { ColumnView, MeasureDataType, MeasureInfo, QueryCatalog, TableView } from './storage/catalog';
export { ScalarType } from './storage/catalog';
export { relationName } from './storage/storage-layout';
