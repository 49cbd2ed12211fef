export { InvalidStackPropError } from './errors';
export { PipelineAlarms, type PipelineAlarmsProps } from './pipeline-alarms';
export { pipelineEnvironment } from './pipeline-environment';
export {
  metricsNamespace,
  PipelineFunction,
  type PipelineFunctionProps,
  projectRoot,
} from './pipeline-function';
export {
  defaultEntries,
  type IngestThrottle,
  type PipelineEntries,
  TelemetryPipelineStack,
  type TelemetryPipelineStackProps,
} from './telemetry-pipeline-stack';
export { TimestreamStorage, type TimestreamStorageProps, TimestreamTableRole } from './timestream-storage';
