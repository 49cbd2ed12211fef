/**
 * `npm start`: the whole pipeline on this machine. Prints the endpoints, a device token and a ready curl
 * line; Ctrl-C (SIGINT) or SIGTERM drains the batch in flight and persists checkpoints before exit.
 * A service thread that dies is restarted on the same endpoint; one that cannot be restarted stops the
 * process with exit code 1 and the reason.
 */
import '#adapters/quiet-aws-sdk';
import { nodeSupportNotice } from '#adapters/node-support';
import { ConfigError } from '#core/config';
import { type LocalPipeline, type ServiceThread, startLocalPipeline } from './local-pipeline';
import type { ServiceFailedError } from './service-worker';
import { deliveryStatus, describeFailedBatch } from './status-line';

const seedBody = '{"co2": 550, "temperature": 24.2, "humidity": 48.2}';
/** Longest wait for the pipeline to close after a service failed for good, before exiting anyway. */
const failedCloseTimeoutMs = 10_000;

async function main() {
  let delivered = 0;
  let failedBatches = 0;
  // why the newest failed batch failed, shown on the status line (a retried batch is not lost, but a user
  // watching the count grow should see the reason without turning the logs up)
  let lastFailure: string | undefined;
  let pipeline: LocalPipeline | undefined;
  let stopping = false;
  const failed = async (error: ServiceFailedError) => {
    if (stopping) return;
    stopping = true;
    console.error(`\nThe local pipeline cannot go on: ${error.message}`);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, failedCloseTimeoutMs).unref());
    await Promise.race([pipeline?.close().catch(() => undefined), timeout]);
    console.error('Stopped (exit code 1).');
    process.exit(1);
  };
  pipeline = await startLocalPipeline({
    onEvent: (event) => {
      if (event.type === 'batch-succeeded') delivered += event.batchSize;
      if (event.type === 'batch-failed') {
        failedBatches++;
        lastFailure = describeFailedBatch(event);
      }
    },
    onServiceFailed: (error) => void failed(error),
  });
  const started = pipeline;
  const { config, endpoints, settings } = started;
  const notice = nodeSupportNotice();
  if (notice) console.error(`note: ${notice}`);
  for (const warning of settings.warnings) console.error(`warning: ${warning}`);
  console.log(
    [
      'Local IoT telemetry pipeline is running.',
      '',
      `  ingest      ${endpoints.ingest}   (POST /  POST /readings  GET /health)`,
      `  kinesis     ${endpoints.kinesis}   stream "${config.streamName}"`,
      ...(endpoints.timestream
        ? [
            `  timestream  ${endpoints.timestream}   "${config.database}"."${config.rawTable}" (${config.recordLayout} layout), "${config.database}"."${config.aggregateTable}"`,
          ]
        : []),
      ...(endpoints.influxdb
        ? [
            `  influxdb    ${endpoints.influxdb}   database "${config.influxdbDatabase || config.database}", measurement "${config.rawTable}"`,
          ]
        : []),
      `  dashboard   ${endpoints.dashboard}   (open it in a browser)`,
      `  data        ${settings.dataDir}`,
      `  rollup      ${config.rollupSchedule} in ${config.rollupTimezone}`,
      '',
      `A token for device_1:  ${started.sampleToken}`,
      '(npm run token -- <deviceId> prints one for any device)',
      '',
      'Post the seed reading:',
      `  curl -X POST -H "Content-Type: application/json" -H "Authorization: Bearer ${started.sampleToken}" -d '${seedBody}' ${endpoints.ingest}/`,
      '',
      ...(endpoints.influxdb
        ? [
            'Query it (InfluxQL over HTTP):',
            `  curl -G ${endpoints.influxdb}/query --data-urlencode 'db=${config.influxdbDatabase || config.database}' --data-urlencode 'q=SELECT * FROM "${config.rawTable}" ORDER BY time DESC LIMIT 10'`,
          ]
        : [
            'Query it (AWS CLI):',
            `  aws timestream-query query --endpoint-url ${endpoints.timestream} --region us-east-1 --query-string 'SELECT * FROM "${config.database}"."${config.rawTable}" ORDER BY time DESC LIMIT 10'`,
          ]),
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );

  let last = 0;
  let lastFailed = 0;
  const status = setInterval(() => {
    if (delivered !== last || failedBatches !== lastFailed) {
      console.log(`${new Date().toISOString()}  ${deliveryStatus(delivered, failedBatches, lastFailure)}`);
      last = delivered;
      lastFailed = failedBatches;
    }
  }, 10_000);
  status.unref();

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: draining the batch in flight and saving checkpoints...`);
    clearInterval(status);
    await started.close();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Drills and tests of the supervision: a parent that started this process with an IPC channel (fork, or
  // spawn with 'ipc' in stdio) may send {type: 'terminate-service', service, reason}; no channel, no control.
  process.on('message', (message: { type?: string; service?: ServiceThread; reason?: string }) => {
    if (message?.type !== 'terminate-service' || message.service === undefined) return;
    void started.terminateService(message.service, message.reason ?? 'asked by the parent process');
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else
    console.error(
      `The local pipeline could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  process.exit(1);
});
