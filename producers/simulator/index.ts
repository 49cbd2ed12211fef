export { createFleet, type Fleet, type FleetOptions, type FleetRequest } from './fleet';
export { type LatencySummary, summarizeLatencies } from './latency-stats';
export { mulberry32, type Random } from './prng';
export type {
  DeviceProfile,
  RoomMeasures,
} from './room-climate';
export {
  type RequestOutcome,
  runSimulation,
  type SimulationOptions,
  type SimulationProgress,
  type SimulationSummary,
} from './run-simulation';
export {
  parseDuration,
  parseFraction,
  parsePositiveNumber,
} from './simulation-flags';
export { TokenBucket, type TokenBucketOptions } from './token-bucket';
