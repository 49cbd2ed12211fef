import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { RetriesExhaustedError, retry } from '#adapters/retry';
import type { DeadLetterSink, StoredDeadLetter } from './dead-letter-sink';

export interface RedriveResult {
  readonly considered: number;
  readonly redriven: number;
}

const putRecordsLimit = 500;

/**
 * Sends dead letters back into the stream (their payloads, with their original partition keys), after the
 * cause was fixed, and removes from the sink only those the stream accepted. Entries that Kinesis refuses
 * are resent a few times with backoff; what still fails stays in the sink for the next redrive.
 */
export async function redriveDeadLetters(
  sink: DeadLetterSink,
  kinesis: KinesisClient,
  streamName: string,
  options: { readonly limit: number; readonly code?: string; readonly attempts?: number },
): Promise<RedriveResult> {
  const letters = (await sink.list(options.limit)).filter(
    (l) => !options.code || l.letter.code === options.code,
  );
  let redriven = 0;
  for (let i = 0; i < letters.length; i += putRecordsLimit) {
    const accepted = await putAll(
      kinesis,
      streamName,
      letters.slice(i, i + putRecordsLimit),
      options.attempts ?? 5,
    );
    await sink.remove(accepted.map((l) => l.handle));
    redriven += accepted.length;
  }
  return { considered: letters.length, redriven };
}

/** Some letters of a PutRecords attempt were refused; the next attempt resends only these. */
class LettersRefused extends Error {
  override readonly name = 'LettersRefused';
  constructor(readonly refused: StoredDeadLetter[]) {
    super(`${refused.length} dead letter(s) refused by the stream`);
  }
}

async function putAll(
  kinesis: KinesisClient,
  streamName: string,
  letters: StoredDeadLetter[],
  attempts: number,
): Promise<StoredDeadLetter[]> {
  let pending = letters;
  const accepted: StoredDeadLetter[] = [];
  const attempt = async () => {
    const result = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: pending.map(({ letter }) => ({
          Data: Buffer.from(letter.payload, 'base64'),
          PartitionKey: letter.source.partitionKey || 'redrive',
        })),
      }),
    );
    const refused: StoredDeadLetter[] = [];
    (result.Records ?? []).forEach((r, j) => {
      const letter = pending[j] as StoredDeadLetter;
      if (r.ErrorCode) refused.push(letter);
      else accepted.push(letter);
    });
    if (refused.length > 0) throw new LettersRefused(refused);
  };
  try {
    await retry(attempt, {
      isRetryable: (error) => error instanceof LettersRefused,
      retries: Math.max(0, attempts - 1),
      baseDelayMs: 400,
      maxDelayMs: 5_000,
      onRetry: (error) => {
        pending = (error as LettersRefused).refused;
      },
    });
  } catch (error) {
    // what is still refused stays in the sink for the next redrive; a failed call is the caller's to see
    const last = error instanceof RetriesExhaustedError ? error.cause : error;
    if (!(last instanceof LettersRefused)) throw error;
  }
  return accepted;
}
