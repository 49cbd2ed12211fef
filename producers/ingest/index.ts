export { PublishIncompleteError } from './errors';
export {
  createIngestApp,
  type IngestAppDeps,
  type IngestLimits,
  type IngestLogger,
} from './ingest-app';
export { createIngestAppFromConfig, type IngestWiring } from './ingest-app-from-config';

export { type IngestServer, type IngestServerOptions, startIngestServer } from './ingest-server';
export {
  KinesisReadingPublisher,
  type KinesisReadingPublisherOptions,
  type PutRecordsClient,
} from './kinesis-reading-publisher';

export { type PackedRecord, packReadings } from './pack-readings';
export type { PublishOptions, PublishReport, ReadingPublisher } from './reading-publisher';
