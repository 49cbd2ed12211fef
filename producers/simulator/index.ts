export { createFleet, type Fleet, type FleetOptions, type FleetRequest } from './fleet';
export { type LatencySummary, summarizeLatencies } from './latency-stats';
export { mixSeed, mulberry32, type Random, randomFor } from './prng';
export {
  type DeviceProfile,
  deviceProfile,
  type RoomMeasures,
  reportsFahrenheit,
  roomClimateAt,
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
  parseEndpoint,
  parseFraction,
  parsePositiveNumber,
  parseWholeNumber,
} from './simulation-flags';
export { TokenBucket, type TokenBucketOptions } from './token-bucket';
