export { ConfigError } from './errors';
export {
  configEnvNames,
  defaults,
  type PipelineConfig,
  RecordLayout,
  readPipelineConfig,
  Storage,
  StreamMode,
} from './pipeline-config';
