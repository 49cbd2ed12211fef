/**
 * `npm run dlq -- list [--limit N] [--aws]` shows the dead letters; `npm run dlq -- redrive [--limit N]
 * [--code CODE] [--aws]` sends them back through the pipeline (into the stream) after a fix, and removes those
 * that were accepted.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { Command } from 'commander';
import { readPipelineConfig } from '../../../core/config';
import { cliServiceEndpoints } from '../../../infra/cli-endpoints';
import { createKinesisServiceClient, createSqsClient } from '../../../infra/service-clients';
import type { StoredDeadLetter } from './dead-letter-sink';
import { deadLetterSinkFromEnv } from './dead-letter-sink-from-env';

const env: Record<string, string | undefined> = { DATA_DIR: './.data', ...process.env };

function sinkFor(aws: boolean | undefined) {
  const endpoints = cliServiceEndpoints(process.env, { aws });
  if (!aws && env.DEAD_LETTER_QUEUE_URL) {
    console.warn('DEAD_LETTER_QUEUE_URL is set: reading the SQS queue');
  }
  return { sink: deadLetterSinkFromEnv(env, () => createSqsClient(endpoints)), endpoints };
}

const program = new Command('dlq').description('Inspect and redrive readings the writer could not store');

program
  .command('list')
  .description('show dead letters, oldest first')
  .option('--limit <n>', 'how many', '50')
  .option('--json', 'print each letter as JSON')
  .option('--aws', 'use AWS instead of the local stack')
  .action(async (opts: { limit: string; json?: boolean; aws?: boolean }) => {
    const { sink } = sinkFor(opts.aws);
    const letters = await sink.list(Number(opts.limit));
    if (letters.length === 0) {
      console.log(`No dead letters in ${sink.target}.`);
      return;
    }
    for (const { letter } of letters) {
      if (opts.json) console.log(JSON.stringify(letter));
      else {
        console.log(
          `${letter.deadLetteredAt}  ${letter.code.padEnd(17)} ${letter.source.shardId}/${letter.source.sequenceNumber}  ${letter.reason}`,
        );
      }
    }
    console.log(`${letters.length} dead letter(s) shown from ${sink.target}.`);
  });

program
  .command('redrive')
  .description('send dead letters back into the stream and remove those accepted')
  .option('--limit <n>', 'how many', '1000')
  .option('--code <code>', 'only letters with this code (e.g. invalid-payload, version-conflict)')
  .option('--aws', 'use AWS instead of the local stack')
  .action(async (opts: { limit: string; code?: string; aws?: boolean }) => {
    const config = readPipelineConfig(process.env);
    const { sink, endpoints } = sinkFor(opts.aws);
    const kinesis = createKinesisServiceClient(endpoints);
    const letters = (await sink.list(Number(opts.limit))).filter(
      (l) => !opts.code || l.letter.code === opts.code,
    );
    let accepted = 0;
    for (let i = 0; i < letters.length; i += 500) {
      const batch = letters.slice(i, i + 500);
      const sent = await putAll(kinesis, config.streamName, batch);
      await sink.remove(sent.map((l) => l.handle));
      accepted += sent.length;
    }
    console.log(
      `Redrove ${accepted} of ${letters.length} dead letter(s) into stream "${config.streamName}"` +
        (accepted < letters.length ? '; the rest stay in the dead-letter sink, run redrive again' : '.'),
    );
    if (accepted < letters.length) process.exitCode = 1;
  });

/** PutRecords, resending the entries that failed a few times; returns the letters the stream accepted. */
async function putAll(
  kinesis: ReturnType<typeof createKinesisServiceClient>,
  streamName: string,
  letters: StoredDeadLetter[],
): Promise<StoredDeadLetter[]> {
  let pending = letters;
  const accepted: StoredDeadLetter[] = [];
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt++) {
    const result = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: pending.map(({ letter }) => ({
          Data: Buffer.from(letter.payload, 'base64'),
          PartitionKey: letter.source.partitionKey || 'redrive',
        })),
      }),
    );
    const failed: StoredDeadLetter[] = [];
    (result.Records ?? []).forEach((r, j) => {
      const letter = pending[j] as StoredDeadLetter;
      if (r.ErrorCode) failed.push(letter);
      else accepted.push(letter);
    });
    pending = failed;
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
  return accepted;
}

program.parseAsync().catch((error: unknown) => {
  console.error(`dlq failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
