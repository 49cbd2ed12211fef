export { assumedLatency, stackDefaults } from './deployment';
export { CostInputError } from './errors';
export {
  type AggregateRecordOf,
  type CostEstimate,
  type CostInputs,
  type CostLine,
  estimateCost,
} from './estimate';
export { formatEstimate, formatLevers } from './format';
export { costLevers, type Lever } from './levers';
export { type MeteredRecord, meteredRequestBytes, meteredWriteUnits, storedBytes } from './metering';
export { defaultRegion, pricesByRegion, type RegionPrices } from './prices';
export { measureWrites } from './sample-traffic';
