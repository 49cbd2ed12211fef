import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '#core/config';
import type { DeadLetterSink } from './dead-letter-sink';
import { FileDeadLetterSink } from './file-dead-letter-sink';
import { SqsDeadLetterSink } from './sqs-dead-letter-sink';

/** The dead-letter file of the local stack under a data directory. */
const deadLetterFile = (dataDir: string) => join(dataDir, 'dead-letters.jsonl');

/**
 * The dead-letter sink named by the environment: DEAD_LETTER_QUEUE_URL (SQS, on AWS), else DEAD_LETTER_FILE,
 * else a file under DATA_DIR (the local stack). Fails at start when none is set, rather than dropping readings.
 */
export function deadLetterSinkFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  sqs: () => SQSClient,
): DeadLetterSink {
  if (env.DEAD_LETTER_QUEUE_URL) return new SqsDeadLetterSink(sqs(), env.DEAD_LETTER_QUEUE_URL);
  if (env.DEAD_LETTER_FILE) return new FileDeadLetterSink(env.DEAD_LETTER_FILE);
  if (env.DATA_DIR) return new FileDeadLetterSink(deadLetterFile(env.DATA_DIR));
  throw new ConfigError([
    'no dead-letter target: set DEAD_LETTER_QUEUE_URL (an SQS queue URL), DEAD_LETTER_FILE (a JSONL file) or DATA_DIR',
  ]);
}
