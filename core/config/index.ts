export { ConfigError } from './errors';
export {
  configEnvNames,
  defaults,
  type PipelineConfig,
  RecordLayout,
  readPipelineConfig,
  StreamMode,
} from './pipeline-config';
