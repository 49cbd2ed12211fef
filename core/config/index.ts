export { ConfigError } from './errors';
export {
  configEnvNames,
  defaults,
  type PipelineConfig,
  QueryBilling,
  RecordLayout,
  readPipelineConfig,
  StreamMode,
} from './pipeline-config';
