export { ConfigError } from './errors';
export {
  aggregateMemoryHoursFor,
  configEnvNames,
  defaults,
  maxIngestBodyBytes,
  type PipelineConfig,
  RecordLayout,
  readPipelineConfig,
  StreamMode,
} from './pipeline-config';
