import {
  createFleetSchema,
  decodeKinesisPayload,
  dedupe,
  type FleetSchema,
  type Reading,
  type ReadingIssue,
  type RecentKeys,
  toReadingInput,
  type UnitRegistry,
} from '#core';
import type { Storage } from '#core/config';
import {
  type DeadLetter,
  DeadLetterCode,
  type DeadLetterSink,
  type KinesisCoordinates,
} from './dead-letter/dead-letter-sink';
import { oneOutcomePerItem, type ReadingSink } from './reading-sink';

/** The parts of a Kinesis record the writer needs (from a Lambda event, or from GetRecords on replay). */
export interface StreamRecord {
  /** base64, as in the Lambda event */
  readonly data: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly shardId: string;
  /** epoch ms */
  readonly approximateArrivalMs: number;
  readonly eventSourceArn?: string;
}

/** What a batch did, for logs and metrics. */
export interface BatchSummary {
  readonly records: number;
  readonly readingsIn: number;
  readonly written: number;
  readonly duplicates: number;
  readonly converted: number;
  /** dead-lettered readings or payloads, by code */
  readonly deadLettered: Partial<Record<DeadLetterCode, number>>;
  /** stream records that must be retried */
  readonly failedRecords: number;
  /** epoch ms of the earliest and latest reading stored (undefined when none was) */
  readonly minTimeMs?: number;
  readonly maxTimeMs?: number;
}

export interface BatchResult {
  /** sequence number -> why the record could not be settled (retry it) */
  readonly failures: ReadonlyMap<string, Error>;
  readonly summary: BatchSummary;
  /** every dead letter sent, for logs */
  readonly deadLetters: readonly DeadLetter[];
}

export interface BatchWriterDeps {
  /** Maps the readings to the store's form itself (Timestream records, InfluxDB lines) and writes them. */
  readonly sink: Pick<ReadingSink, 'writeReadings'>;
  readonly deadLetters: DeadLetterSink;
  /** The measures (and their units) readings may carry. */
  readonly units: UnitRegistry;
  /**
   * The dimension names readings may carry besides deviceId (the configuration's DIMENSIONS, as the ingest
   * has them): a reading with another name is dead-lettered with the reason before it reaches Timestream.
   * @default the configuration's default
   */
  readonly dimensions?: readonly string[];
  /** The configuration's STORAGE: with InfluxDB, dimension values it cannot keep are dead-lettered. @default 'timestream' */
  readonly storage?: Storage;
  /** Keys of readings stored by earlier batches of this container. */
  readonly recent: RecentKeys;
  readonly now?: () => number;
}

/** Sorts a rejection reason from Timestream into a dead-letter code. */
function classifyRejection(reason: string): DeadLetterCode {
  const r = reason.toLowerCase();
  if (r.includes('record version') || r.includes('higher version')) return DeadLetterCode.versionConflict;
  if (r.includes('future')) return DeadLetterCode.futureTimestamp;
  if (r.includes('time range') || r.includes('retention') || r.includes('memory store')) {
    return DeadLetterCode.outsideRetention;
  }
  return DeadLetterCode.rejected;
}

const describeIssues = (issues: readonly ReadingIssue[]) =>
  issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');

const toBase64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * Writes a batch of stream records (one shard's, in order) to the raw table: decode, validate, dedupe,
 * convert units, map to records, write in <= 100-record requests. Every record ends settled (all its
 * readings stored, dropped as duplicates or dead-lettered with their reason) or listed in `failures`, to be
 * retried by the event source: nothing acknowledged is lost and nothing is dropped silently.
 */
export class BatchWriter {
  private readonly schema: FleetSchema;

  /** Fails with a ConfigError when a configured dimension is also a registered measure. */
  constructor(private readonly deps: BatchWriterDeps) {
    this.schema = createFleetSchema({
      units: deps.units,
      ...(deps.dimensions ? { dimensions: deps.dimensions } : {}),
      ...(deps.storage ? { storage: deps.storage } : {}),
    });
  }

  async write(
    records: readonly StreamRecord[],
    options: { readonly deadline: number },
  ): Promise<BatchResult> {
    const { sink, deadLetters, recent } = this.deps;
    const schema = this.schema;
    const now = this.deps.now ?? Date.now;
    const failures = new Map<string, Error>();
    const letters: DeadLetter[] = [];
    const addLetter = (record: StreamRecord, letter: Omit<DeadLetter, 'source' | 'deadLetteredAt'>) => {
      const full: DeadLetter = {
        ...letter,
        source: coordinates(record),
        deadLetteredAt: new Date(now()).toISOString(),
      };
      letters.push(full);
      return full;
    };

    // decode and validate; remember which stream record each reading came from
    const readings: Reading[] = [];
    const recordOf: number[] = [];
    let converted = 0;
    const nowMs = now();
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      const decoded = decodeKinesisPayload(record.data, { schema, nowMs });
      if (!decoded.ok) {
        addLetter(record, {
          id: `${record.shardId}:${record.sequenceNumber}`,
          code: DeadLetterCode.invalidPayload,
          reason: describeIssues(decoded.issues),
          payload: record.data,
        });
        continue;
      }
      for (const rejected of decoded.rejected) {
        addLetter(record, {
          id: `${record.shardId}:${record.sequenceNumber}:${rejected.index}`,
          code: DeadLetterCode.invalidPayload,
          reason: describeIssues(rejected.issues),
          payload: toBase64(JSON.stringify(rejected.input)),
        });
      }
      for (const reading of decoded.readings) {
        readings.push(reading);
        recordOf.push(r);
        for (const name in reading.measures) if (reading.measures[name]!.original) converted++;
      }
    }

    const { fresh, keys, indexes, duplicates } = dedupe(readings, recent);
    const recordOfFresh = (i: number) => records[recordOf[indexes[i]!]!]!;
    // a sink breaking its port (another number of outcomes than readings) has every reading retried
    const outcomes = oneOutcomePerItem(
      await sink.writeReadings(
        {
          readings: fresh,
          version: (_reading, i) => Math.max(1, Math.floor(recordOfFresh(i).approximateArrivalMs)),
        },
        { deadline: options.deadline },
      ),
      fresh.length,
      (n) =>
        new Error(
          `the reading sink answered ${n} outcome${n === 1 ? '' : 's'} for ${fresh.length} readings (one per reading expected): the batch is retried; the sink adapter is at fault`,
        ),
    );

    const storedKeys: string[] = [];
    let minTimeMs = Number.POSITIVE_INFINITY;
    let maxTimeMs = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < fresh.length; i++) {
      const reading = fresh[i]!;
      const outcome = outcomes[i]!;
      if (outcome.status === 'written') {
        storedKeys.push(keys[i]!);
        if (reading.timeMs < minTimeMs) minTimeMs = reading.timeMs;
        if (reading.timeMs > maxTimeMs) maxTimeMs = reading.timeMs;
        continue;
      }
      const record = recordOfFresh(i);
      if (outcome.status === 'failed') {
        if (!failures.has(record.sequenceNumber)) failures.set(record.sequenceNumber, outcome.error);
        continue;
      }
      addLetter(record, {
        id: `${record.shardId}:${record.sequenceNumber}:${keys[i]}`,
        code: classifyRejection(outcome.reason),
        reason: outcome.reason,
        payload: toBase64(JSON.stringify(toReadingInput(reading))),
        ...(outcome.existingVersion !== undefined ? { existingVersion: outcome.existingVersion } : {}),
      });
    }

    // the letters of a record that must be retried anyway are produced again by the retry
    const toSend = letters.filter((l) => !failures.has(l.source.sequenceNumber));
    let sent = toSend;
    if (toSend.length > 0) {
      try {
        await deadLetters.send(toSend);
      } catch (error) {
        const cause = error instanceof Error ? error : new Error(String(error));
        const err = new Error(`dead-letter sink ${deadLetters.target} failed: ${cause.message}`, { cause });
        for (const l of toSend) failures.set(l.source.sequenceNumber, err);
        sent = [];
      }
    }
    // Remember only what is stored: a retried record's other readings are then skipped as the duplicates they
    // are, and a reading not yet stored is never mistaken for one. A dead-lettered reading is not remembered:
    // `npm run dlq -- redrive` sends it back through the stream after the fix, and this writer must store it
    // then, not drop it as a duplicate (a retried record may dead-letter it again: a second letter, whose
    // redrive stores the same reading once more, which changes nothing).
    recent.rememberAll(storedKeys);

    const deadLettered: Partial<Record<DeadLetterCode, number>> = {};
    for (const l of sent) deadLettered[l.code] = (deadLettered[l.code] ?? 0) + 1;
    return {
      failures,
      deadLetters: sent,
      summary: {
        records: records.length,
        readingsIn: readings.length,
        written: storedKeys.length,
        duplicates: duplicates.length,
        converted,
        deadLettered,
        failedRecords: failures.size,
        ...(storedKeys.length > 0 ? { minTimeMs, maxTimeMs } : {}),
      },
    };
  }
}

function coordinates(record: StreamRecord): KinesisCoordinates {
  return {
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    partitionKey: record.partitionKey,
    approximateArrivalTime: new Date(record.approximateArrivalMs).toISOString(),
    ...(record.eventSourceArn ? { eventSourceArn: record.eventSourceArn } : {}),
  };
}
