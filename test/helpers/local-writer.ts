import { join } from 'node:path';
import type { BatchWriter } from '#consumers/writer/batch-writer';
import { batchWriterFromEnv } from '#consumers/writer/batch-writer-from-env';
import type { PipelineConfig } from '#core/config';

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
