export { ConfigError } from './errors';
export {
  aggregateMemoryHoursFor,
  configEnvNames,
  defaults,
  LogLevel,
  maxIngestBodyBytes,
  type PipelineConfig,
  QueryBilling,
  RecordLayout,
  readLogLevel,
  readPipelineConfig,
  Storage,
  StreamMode,
} from './pipeline-config';
