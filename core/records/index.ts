export { chunkWriteRequests, type WriteChunk } from './chunk-write-requests';
export { InvalidRecordVersionError } from './errors';
export { multiMeasureName } from './record-layout';
export type {
  MappedRecord,
  TimestreamDimension,
  TimestreamMeasureValue,
  TimestreamRecord,
} from './timestream-record';
export { type RecordOptions, toTimestreamRecords } from './to-timestream-records';
export { toWriteChunks } from './to-write-chunks';
