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
type Action = (store: KinesaliteStore, data: GetShardIteratorInput, cb: Callback) => void;
interface KinesaliteDb {
  resolveShardId(shardId: string): { shardIx: number };
  shardIxToHex(shardIx: number): string;
}

let applied = false;

/**
 * Patches kinesalite 3.3.3's GetShardIterator before kinesalite is loaded. Its AT_TIMESTAMP iterator scans
 * the shard for the first record at or after the timestamp and never answers when there is none (an empty
 * shard, or a timestamp after the newest record): the request hangs. Kinesis answers with an iterator that
 * returns the records arriving later, which is what LATEST gives, so such requests are answered as LATEST.
 * Must run before the first `require('kinesalite')`, which binds the action functions once.
 */
export function applyAtTimestampFix(): void {
  if (applied) return;
  const actionPath = require.resolve('kinesalite/actions/getShardIterator');
  const indexPath = require.resolve('kinesalite');
  if (require.cache[indexPath] !== undefined) {
    throw new Error(
      'kinesalite was loaded before the AT_TIMESTAMP fix could be applied: start it only through startLocalKinesis.',
    );
  }
  const original = require(actionPath) as Action;
  const db = require('kinesalite/db') as KinesaliteDb;
  const patched: Action = (store, data, cb) => {
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
  const cached = require.cache[actionPath];
  if (cached === undefined) throw new Error(`kinesalite module ${actionPath} is not in the require cache`);
  cached.exports = patched;
  applied = true;
}
