export { InvalidRecordVersionError } from './errors';
export { multiMeasureName } from './record-layout';
export type {
  MappedRecord,
  TimestreamDimension,
  TimestreamMeasureValue,
  TimestreamRecord,
} from './timestream-record';
export { toWriteChunks } from './to-write-chunks';
export type { RecordOptions, WriteChunk } from './write-chunk';
