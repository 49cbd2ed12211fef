export { CheckpointFile, type Checkpoints, type ShardCheckpoint } from './checkpoint-file';
export {
  CaughtUpTimeoutError,
  CheckpointFileError,
  EventSourceSettingsError,
  FunctionTimeoutError,
  InvalidBatchResponseError,
} from './errors';
export {
  type EventSourceRunner,
  type EventSourceRunnerOptions,
  startEventSourceRunner,
} from './event-source-runner';
export {
  type InvocationOutcome,
  invokeHandler,
  type KinesisBatchHandler,
  type KinesisBatchResult,
} from './invoke-handler';
export {
  type EventSourceIdentity,
  type ShardRecord,
  toKinesisStreamEvent,
} from './kinesis-event';
export { createLambdaContext, type FunctionIdentity } from './lambda-context';
export {
  FailureCondition,
  type KinesisBatchInfo,
  type OnFailureDestination,
  type OnFailureRecord,
} from './on-failure-record';
export type { EventSourceLogger, EventSourceRunnerEvent, ShardLag } from './runner-events';
export {
  type EventSourceSettings,
  eventSourceSettingsFrom,
  parseEventSourceSettings,
} from './settings';
