/**
 * `npm start`: the whole pipeline on this machine. Prints the endpoints, a device token and a ready curl
 * line; Ctrl-C (SIGINT) or SIGTERM drains the batch in flight and persists checkpoints before exit.
 */
import { ConfigError } from '#core/config';
import { startLocalPipeline } from './local-pipeline';

const seedBody = '{"co2": 550, "temperature": 24.2, "humidity": 48.2}';

async function main() {
  let delivered = 0;
  let failedBatches = 0;
  const pipeline = await startLocalPipeline({
    onEvent: (event) => {
      if (event.type === 'batch-succeeded') delivered += event.batchSize;
      if (event.type === 'batch-failed') failedBatches++;
    },
  });
  const { config, endpoints, settings } = pipeline;
  console.log(
    [
      'Local IoT telemetry pipeline is running.',
      '',
      `  ingest      ${endpoints.ingest}   (POST /  POST /readings  GET /health)`,
      `  kinesis     ${endpoints.kinesis}   stream "${config.streamName}"`,
      `  timestream  ${endpoints.timestream}   "${config.database}"."${config.rawTable}" (${config.recordLayout} layout), "${config.database}"."${config.aggregateTable}"`,
      `  dashboard   ${endpoints.dashboard}   (open it in a browser)`,
      `  data        ${settings.dataDir}`,
      `  rollup      ${config.rollupSchedule} in ${config.rollupTimezone}`,
      '',
      `A token for device_1:  ${pipeline.sampleToken}`,
      '(npm run token -- <deviceId> prints one for any device)',
      '',
      'Post the seed reading:',
      `  curl -X POST -H "Content-Type: application/json" -H "Authorization: Bearer ${pipeline.sampleToken}" -d '${seedBody}' ${endpoints.ingest}/`,
      '',
      'Query it (AWS CLI):',
      `  aws timestream-query query --endpoint-url ${endpoints.timestream} --region us-east-1 --query-string 'SELECT * FROM "${config.database}"."${config.rawTable}" ORDER BY time DESC LIMIT 10'`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  let last = 0;
  const status = setInterval(() => {
    if (delivered !== last) {
      console.log(
        `${new Date().toISOString()}  ${delivered} stream records delivered to the writer (${failedBatches} failed batches retried)`,
      );
      last = delivered;
    }
  }, 10_000);
  status.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: draining the batch in flight and saving checkpoints...`);
    clearInterval(status);
    await pipeline.close();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else
    console.error(
      `The local pipeline could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  process.exit(1);
});
