import { join } from 'node:path';
import type { BatchWriter } from '#consumers/writer/batch-writer';
import { batchWriterFromEnv } from '#consumers/writer/batch-writer-from-env';
import type { PipelineConfig } from '#core/config';
import { streamRecord } from '../consumers/local-stack';

/**
 * The writer on a local Timestream, built as the Lambda, the local runtime and replay build it
 * (`batchWriterFromEnv`), with its dead letters in a file of the test's data directory.
 */
export function localBatchWriter(
  stack: { readonly config: PipelineConfig; readonly endpoint: string; readonly dataDir: string },
  options: {
    readonly layout?: PipelineConfig['recordLayout'];
    /** @default dead-letters.jsonl in the stack's data directory */
    readonly deadLetterFile?: string;
    readonly dedupeCacheSize?: number;
    /** Further variables the writer reads, e.g. UNITS_CONFIG. */
    readonly env?: Readonly<Record<string, string>>;
  } = {},
): BatchWriter {
  return batchWriterFromEnv(
    {
      ...options.env,
      DEAD_LETTER_FILE: options.deadLetterFile ?? join(stack.dataDir, 'dead-letters.jsonl'),
    },
    {
      ...stack.config,
      recordLayout: options.layout ?? stack.config.recordLayout,
      dedupeCacheSize: options.dedupeCacheSize ?? stack.config.dedupeCacheSize,
    },
    { timestreamEndpoint: stack.endpoint },
  );
}

/** A reading as a device sends it to the ingest. */
export interface DeviceReading {
  readonly deviceId: string;
  readonly time: number | string;
  readonly measures: Readonly<Record<string, unknown>>;
}

/**
 * Stores readings through the writer (`localBatchWriter`, without dedupe), 50 to a stream record as the ingest
 * packs them; fails, saying how many were stored, unless every one was.
 */
export async function writeThroughWriter(
  stack: Parameters<typeof localBatchWriter>[0],
  readings: readonly DeviceReading[],
  options: { readonly layout?: PipelineConfig['recordLayout'] } = {},
): Promise<void> {
  const writer = localBatchWriter(stack, { ...options, dedupeCacheSize: 0 });
  const records = [];
  for (let i = 0; i < readings.length; i += 50) records.push(streamRecord(readings.slice(i, i + 50)));
  const result = await writer.write(records, { deadline: Date.now() + 60_000 });
  if (result.failures.size > 0 || result.summary.written !== readings.length) {
    throw new Error(
      `seeding wrote ${result.summary.written} of ${readings.length} readings (${result.failures.size} failed records)`,
    );
  }
}
