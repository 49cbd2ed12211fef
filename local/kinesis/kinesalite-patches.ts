import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Callback = (error: unknown, result?: unknown) => void;
interface GetShardIteratorInput {
  StreamName: string;
  ShardId: string;
  ShardIteratorType: string;
  Timestamp?: number;
}
interface ReadStream {
  on(
    event: 'data',
    listener: (item: { key: string; value: { ApproximateArrivalTimestamp: number } }) => void,
  ): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  on(event: 'end', listener: () => void): void;
}
interface KinesaliteStore {
  getStreamDb(name: string): {
    createReadStream(options: { gt: string; lt: string; reverse: boolean; limit: number }): ReadStream;
  };
}
type Action<T> = (store: KinesaliteStore, data: T, cb: Callback) => void;
interface KinesaliteDb {
  create(options: object): KinesaliteStore;
  resolveShardId(shardId: string): { shardIx: number };
  shardIxToHex(shardIx: number): string;
}
interface PutRecordsInput {
  StreamName: string;
  Records: { PartitionKey: string; Data: string; ExplicitHashKey?: string }[];
}
interface PutRecordsOutput {
  FailedRecordCount: number;
  Records: ({ SequenceNumber: string; ShardId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

/** One PutRecords entry, as seen by a fault rule. */
export interface PutRecordsEntry {
  readonly streamName: string;
  /** Position in the request. */
  readonly index: number;
  readonly partitionKey: string;
}

/**
 * Faults the local Kinesis can inject, to exercise the retry paths that kinesalite itself never takes.
 * Returning an error code fails that PutRecords entry as Kinesis does (the entry is not stored and the response
 * carries ErrorCode/ErrorMessage in its place); returning undefined stores it.
 */
export interface KinesisFaults {
  readonly putRecordsEntry?: (
    entry: PutRecordsEntry,
  ) => 'ProvisionedThroughputExceededException' | 'InternalFailure' | undefined;
}

/** The faults of each running kinesalite, by its store (kinesalite keeps the store object for its lifetime). */
const faultsByStore = new WeakMap<object, { current: KinesisFaults | undefined }>();
/** Set by {@link createStoreWithFaults} for the kinesalite being created. */
let nextFaults: { current: KinesisFaults | undefined } | undefined;

let applied = false;

/**
 * Creates a kinesalite server whose faults are read from `faults.current` (which the caller may change later).
 * {@link applyKinesalitePatches} must have run.
 */
export function createStoreWithFaults<T>(faults: { current: KinesisFaults | undefined }, create: () => T): T {
  nextFaults = faults;
  try {
    return create();
  } finally {
    nextFaults = undefined;
  }
}

/**
 * Patches kinesalite 3.3.3 before it is loaded.
 *
 * GetShardIterator: Its AT_TIMESTAMP iterator scans
 * the shard for the first record at or after the timestamp and never answers when there is none (an empty
 * shard, or a timestamp after the newest record): the request hangs. Kinesis answers with an iterator that
 * returns the records arriving later, which is what LATEST gives, so such requests are answered as LATEST.
 * Must run before the first `require('kinesalite')`, which binds the action functions once.
 *
 * PutRecords: entries chosen by {@link KinesisFaults} fail with Kinesis's error shape (kinesalite never fails any).
 */
export function applyKinesalitePatches(): void {
  if (applied) return;
  const actionPath = require.resolve('kinesalite/actions/getShardIterator');
  const indexPath = require.resolve('kinesalite');
  if (require.cache[indexPath] !== undefined) {
    throw new Error(
      'kinesalite was loaded before the AT_TIMESTAMP fix could be applied: start it only through startLocalKinesis.',
    );
  }
  const original = require(actionPath) as Action<GetShardIteratorInput>;
  const db = require('kinesalite/db') as KinesaliteDb;
  const originalCreate = db.create;
  db.create = (options) => {
    const store = originalCreate(options);
    faultsByStore.set(store, nextFaults ?? { current: undefined });
    return store;
  };
  const putRecordsPath = require.resolve('kinesalite/actions/putRecords');
  const originalPutRecords = require(putRecordsPath) as Action<PutRecordsInput>;
  const patchedPutRecords: Action<PutRecordsInput> = (store, data, cb) => {
    const rule = faultsByStore.get(store)?.current?.putRecordsEntry;
    if (rule === undefined) return originalPutRecords(store, data, cb);
    const failures = data.Records.map((r, index) =>
      rule({ streamName: data.StreamName, index, partitionKey: r.PartitionKey }),
    );
    const kept = data.Records.filter((_, i) => failures[i] === undefined);
    const merge = (stored: PutRecordsOutput['Records']) => {
      let next = 0;
      const records = failures.map((code) =>
        code === undefined
          ? stored[next++]!
          : {
              ErrorCode: code,
              ErrorMessage:
                code === 'InternalFailure'
                  ? 'Internal service failure.'
                  : `Rate exceeded for stream ${data.StreamName} under account 000000000000.`,
            },
      );
      return { FailedRecordCount: failures.filter((f) => f !== undefined).length, Records: records };
    };
    // Also with no entry kept, so that a missing or inactive stream is still reported as such.
    originalPutRecords(store, { ...data, Records: kept }, (error, result) =>
      error ? cb(error) : cb(null, merge((result as PutRecordsOutput).Records)),
    );
  };
  const patched: Action<GetShardIteratorInput> = (store, data, cb) => {
    if (data.ShardIteratorType !== 'AT_TIMESTAMP' || data.Timestamp == null) return original(store, data, cb);
    let shardIx: number;
    try {
      shardIx = db.resolveShardId(data.ShardId).shardIx;
    } catch {
      return original(store, data, cb);
    }
    const timestamp = data.Timestamp;
    let newest: number | undefined;
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      if (error) return cb(error);
      if (newest === undefined || newest < timestamp) {
        // Keep the validation of AT_TIMESTAMP (e.g. a future timestamp is rejected) for the empty case.
        if (timestamp * 1000 > Date.now()) return original(store, data, cb);
        const { Timestamp: _dropped, ...rest } = data;
        return original(store, { ...rest, ShardIteratorType: 'LATEST' }, cb);
      }
      original(store, data, cb);
    };
    const stream = store.getStreamDb(data.StreamName).createReadStream({
      gt: db.shardIxToHex(shardIx),
      lt: db.shardIxToHex(shardIx + 1),
      reverse: true,
      limit: 1,
    });
    stream.on('data', (item) => {
      newest = item.value.ApproximateArrivalTimestamp;
    });
    stream.on('error', finish);
    stream.on('end', () => finish());
  };
  for (const [path, exports] of [
    [actionPath, patched],
    [putRecordsPath, patchedPutRecords],
  ] as const) {
    const cached = require.cache[path];
    if (cached === undefined) throw new Error(`kinesalite module ${path} is not in the require cache`);
    cached.exports = exports;
  }
  applied = true;
}
