export { chunkWriteRequests, maxRecordsPerWrite, type WriteChunk } from './chunk-write-requests';
export { InvalidRecordVersionError } from './errors';
export { deviceIdDimension, multiMeasureName, RecordLayout } from './record-layout';
export {
  type MappedRecord,
  MeasureValueType,
  type TimestreamDimension,
  type TimestreamMeasureValue,
  type TimestreamRecord,
  TimeUnit,
} from './timestream-record';
export { type RecordOptions, recordTime, toTimestreamRecords } from './to-timestream-records';
export { toWriteChunks } from './to-write-chunks';
