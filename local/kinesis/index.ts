export { type EnsuredStream, type EnsureStreamOptions, ensureStream } from './ensure-stream';
export { LocalKinesisStartError } from './errors';
export type { KinesisFaults, PutRecordsEntry } from './kinesalite-patches';
export { type LocalKinesis, type LocalKinesisOptions, startLocalKinesis } from './local-kinesis';
