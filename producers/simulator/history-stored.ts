import { setTimeout as delay } from 'node:timers/promises';
import { type TimestreamQueryClient, ValidationException } from '@aws-sdk/client-timestream-query';
import { type InfluxDbClient, quoteIdentifier as quoteInfluxIdentifier } from '#adapters/influxdb-client';
import { queryAll, quoteIdentifier, quoteLiteral } from '#adapters/timestream-query';
import { multiMeasureName } from '#core/records';
import type { History } from './history';

/** The writer did not store a history within the wait: how far it got, and for how long nothing changed. */
export class HistoryNotStoredError extends Error {
  override readonly name = 'HistoryNotStoredError';
  constructor(
    readonly stored: number,
    readonly expected: number,
    readonly stalledMs: number,
    readonly table: string,
  ) {
    super(
      `the raw table ${table} holds ${stored} of the history's ${expected} readings, and no more arrived in ` +
        `${Math.round(stalledMs / 1000)} s: is the pipeline (npm start, or the writer on AWS) running and ` +
        'reading the stream? Readings it could not store are in the dead letters (npm run dlq -- list) or, ' +
        'for a whole failed batch, in DATA_DIR/on-failure.jsonl; the rollup was not run',
    );
  }
}

/** Options of {@link waitForStoredHistory}: `query` (STORAGE=timestream) or `influx` (STORAGE=influxdb). */
export interface StoredHistoryWait {
  /** Counts with the Timestream Query API. */
  readonly query?: TimestreamQueryClient;
  /** Counts with InfluxQL (`table` is then the raw measurement, `database` the InfluxDB database). */
  readonly influx?: InfluxDbClient;
  readonly database: string;
  readonly table: string;
  /** Gives up when the count has not grown for this long. @default 120_000 */
  readonly stallTimeoutMs?: number;
  /** @default 1_000 */
  readonly pollMs?: number;
  /** Called with each count. */
  readonly onCount?: (stored: number, expected: number) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/**
 * The count, or 0 while the table has no dimension column yet: Timestream adds a table's columns with its first
 * records, and until then a query naming `deviceId` fails with "Column 'deviceId' cannot be resolved".
 */
async function countStored(query: TimestreamQueryClient, sql: string): Promise<number> {
  try {
    const [row] = await queryAll(query, sql);
    return Number(row?.stored ?? 0);
  } catch (error) {
    if (error instanceof ValidationException && /Column '\w+' cannot be resolved/.test(error.message))
      return 0;
    throw error;
  }
}

/** Fleets up to this size are named one by one in the count's IN list; larger ones by their id range. */
const maxListedDevices = 1_000;

/**
 * The query that counts the history's readings in the raw table: one row per reading in either layout (the
 * MULTI record `reading`, or the `co2` record of the single layout), of the fleet's devices, at the history's
 * reading times (multiples of the interval, which `bin` keeps). Live readings are timed to the millisecond, so
 * they fall off the interval's multiples, and the count reaches `readingCount` only once every reading of the
 * history is stored, whether by this run or an earlier one of the same span.
 */
export function storedHistoryQuery(history: History, database: string, table: string): string {
  const { intervalMs } = history.options;
  const ids = history.deviceIds;
  const devices =
    ids.length <= maxListedDevices
      ? `deviceId IN (${ids.map(quoteLiteral).join(', ')})`
      : `deviceId BETWEEN ${quoteLiteral(ids[0]!)} AND ${quoteLiteral(ids.at(-1)!)} AND length(deviceId) = ${ids[0]!.length}`;
  const bin = intervalMs % 1000 === 0 ? `${intervalMs / 1000}s` : `${intervalMs}ms`;
  return [
    `SELECT COUNT(*) AS stored FROM ${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
    `WHERE time BETWEEN from_milliseconds(${history.firstMs}) AND from_milliseconds(${history.lastMs})`,
    `AND measure_name IN (${quoteLiteral(multiMeasureName)}, 'co2')`,
    `AND ${devices}`,
    `AND time = bin(time, ${bin})`,
  ].join(' ');
}

/**
 * The InfluxQL that counts the history's readings in the raw measurement: the points with a `co2` field (every
 * reading of a history has one) of the fleet's devices between the history's first and last reading times.
 * InfluxQL cannot keep only the interval's multiples as Timestream's `bin` does, so live readings of the same
 * devices stored within the span count too (run a history without a live simulation of the same fleet); a
 * history sent again of the same span is not counted twice, as InfluxDB keeps one point per series and time.
 */
function storedHistoryInfluxQl(history: History, measurement: string): string {
  const ids = history.deviceIds.map((id) => id.replace(/[\\^$.|?*+()[\]{}/]/g, '\\$&')).join('|');
  return (
    `SELECT count("co2") AS stored FROM ${quoteInfluxIdentifier(measurement)} ` +
    `WHERE time >= ${history.firstMs}ms AND time <= ${history.lastMs}ms AND "deviceId" =~ /^(?:${ids})$/`
  );
}

async function countStoredInflux(client: InfluxDbClient, database: string, q: string): Promise<number> {
  // POST: a fleet of thousands of devices makes a query longer than a URL may be
  const [result] = await client.query(database, q, { method: 'POST' });
  const row = result?.series?.[0]?.values[0];
  return Number(row?.[1] ?? 0);
}

/**
 * Waits until the raw table holds every reading of `history` (the writer reads the stream on its own time), by
 * counting them with the Query API (or InfluxQL, with `influx`) every `pollMs`. Resolves with the count; fails with
 * {@link HistoryNotStoredError} when the count stops growing for `stallTimeoutMs` short of the total, so a
 * rollup after it never aggregates a day that is still being written.
 */
export async function waitForStoredHistory(history: History, options: StoredHistoryWait): Promise<number> {
  const now = options.now ?? Date.now;
  const stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
  const { query, influx } = options;
  const count = influx
    ? (() => {
        const q = storedHistoryInfluxQl(history, options.table);
        return () => countStoredInflux(influx, options.database, q);
      })()
    : query
      ? (() => {
          const sql = storedHistoryQuery(history, options.database, options.table);
          return () => countStored(query, sql);
        })()
      : undefined;
  if (count === undefined)
    throw new TypeError('waitForStoredHistory needs `query` or `influx` to count with');
  const expected = history.readingCount;
  let best = -1;
  let grewAt = now();
  for (;;) {
    options.signal?.throwIfAborted();
    const stored = await count();
    options.onCount?.(stored, expected);
    if (stored >= expected) return stored;
    if (stored > best) {
      best = stored;
      grewAt = now();
    } else if (now() - grewAt >= stallTimeoutMs) {
      throw new HistoryNotStoredError(
        stored,
        expected,
        now() - grewAt,
        influx
          ? `${quoteInfluxIdentifier(options.table)} (InfluxDB database ${quoteInfluxIdentifier(options.database)})`
          : `${quoteIdentifier(options.database)}.${quoteIdentifier(options.table)}`,
      );
    }
    await delay(options.pollMs ?? 1_000, undefined, options.signal ? { signal: options.signal } : {});
  }
}
