/**
 * `npm run dlq -- list [--limit N] [--aws]` shows the dead letters; `npm run dlq -- redrive [--limit N]
 * [--code CODE] [--aws]` sends them back through the pipeline (into the stream) after a fix, and removes those
 * that were accepted.
 */
import '#adapters/quiet-aws-sdk';
import { Command } from 'commander';
import { cliServiceEndpoints } from '#adapters/cli-endpoints';
import { createKinesisServiceClient, createSqsClient } from '#adapters/service-clients';
import { readPipelineConfig } from '#core/config';
import { deadLetterSinkFromEnv } from './dead-letter-sink-from-env';
import { redriveDeadLetters } from './redrive';

const env: Record<string, string | undefined> = { DATA_DIR: './.data', ...process.env };

function sinkFor(aws: boolean | undefined) {
  const endpoints = cliServiceEndpoints(process.env, { aws });
  if (!aws && env.DEAD_LETTER_QUEUE_URL) {
    console.warn('DEAD_LETTER_QUEUE_URL is set: reading the SQS queue');
  }
  return { sink: deadLetterSinkFromEnv(env, () => createSqsClient(endpoints)), endpoints };
}

const limitOf = (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--limit "${raw}" must be a whole number >= 1`);
  return n;
};

const program = new Command('dlq').description('Inspect and redrive readings the writer could not store');

program
  .command('list')
  .description('show dead letters, oldest first')
  .option('--limit <n>', 'how many', '50')
  .option('--json', 'print each letter as JSON')
  .option('--aws', 'use AWS instead of the local stack')
  .action(async (opts: { limit: string; json?: boolean; aws?: boolean }) => {
    const { sink } = sinkFor(opts.aws);
    const letters = await sink.list(limitOf(opts.limit));
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
    const { considered, redriven } = await redriveDeadLetters(sink, kinesis, config.streamName, {
      limit: limitOf(opts.limit),
      ...(opts.code ? { code: opts.code } : {}),
    });
    console.log(
      `Redrove ${redriven} of ${considered} dead letter(s) into stream "${config.streamName}"` +
        (redriven < considered ? '; the rest stay in the dead-letter sink, run redrive again' : '.'),
    );
    if (redriven < considered) process.exitCode = 1;
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`dlq failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
