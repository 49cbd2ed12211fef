export { CheckpointFile, type Checkpoints, type ShardCheckpoint } from './checkpoint-file';
export {
  CaughtUpTimeoutError,
  CheckpointFileError,
  EventSourceError,
  EventSourceSettingsError,
  EventSourceStoppedError,
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
  toShardRecord,
} from './kinesis-event';
export { createLambdaContext, type FunctionIdentity } from './lambda-context';
export {
  FailureCondition,
  type KinesisBatchInfo,
  type OnFailureDestination,
  type OnFailureRecord,
  toOnFailureRecord,
} from './on-failure-record';
export type { EventSourceLogger, EventSourceRunnerEvent, ShardLag } from './runner-events';
export {
  type EventSourceSettings,
  eventSourceSettingsFrom,
  parseEventSourceSettings,
  StartingPosition,
} from './settings';
