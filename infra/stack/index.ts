export { InvalidStackPropError } from './errors';
export type { PipelineAlarmsProps } from './pipeline-alarms';
export { pipelineEnvironment } from './pipeline-environment';
export type { PipelineFunctionProps } from './pipeline-function';
export {
  type IngestThrottle,
  type PipelineEntries,
  TelemetryPipelineStack,
  type TelemetryPipelineStackProps,
} from './telemetry-pipeline-stack';
export type { TimestreamStorageProps } from './timestream-storage';
