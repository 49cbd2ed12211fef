export { utf8Length } from './field-rules';
export {
  type DecodeOptions,
  type DecodeResult,
  decodeKinesisPayload,
  encodeReadings,
  type RejectedReading,
  toReadingInput,
} from './kinesis-payload';
export { readingFields, readingLimits, reservedNamePrefix, reservedNames } from './limits';
export { type ParseRequestOptions, type ParseResult, parseRequestBody } from './parse-request-body';
export {
  IssueCode,
  type MeasuresInput,
  type MeasureValue,
  type Reading,
  type ReadingInput,
  type ReadingIssue,
} from './reading';
export { canonicalReadingSchema, measuresSchema, measureValueSchema } from './reading-schema';
export {
  parseIsoTime,
  type ReadingPosition,
  type ReadingResult,
  type ValidationContext,
  validateReading,
  validateSeedReading,
} from './validate-reading';
export { isWellFormedMeasures, isWellFormedReading } from './well-formed';
