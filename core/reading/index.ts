export { createFleetSchema, type FleetSchema, type FleetSchemaOptions } from './fleet-schema';
export {
  type DecodeOptions,
  type DecodeResult,
  decodeKinesisPayload,
  encodeReadings,
  type RejectedReading,
  toReadingInput,
} from './kinesis-payload';
export { type ParseRequestOptions, type ParseResult, parseRequestBody } from './parse-request-body';
export {
  IssueCode,
  type MeasuresInput,
  type MeasureValue,
  type Reading,
  type ReadingInput,
  type ReadingIssue,
} from './reading';
export { canonicalReadingSchema, measuresSchema } from './reading-schema';
export {
  parseIsoTime,
  type ReadingPosition,
  type ReadingResult,
  type ValidationContext,
  validateReading,
} from './validate-reading';
export { isWellFormedMeasures, isWellFormedReading } from './well-formed';
