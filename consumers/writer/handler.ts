import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { serviceEndpointsFromEnv } from '#adapters/service-clients';
import { readPipelineConfig } from '#core/config';
import { batchWriterFromEnv } from './batch-writer-from-env';
import { createWriterHandler } from './kinesis-writer-handler';

const config = readPipelineConfig(process.env);
const logger = new Logger({ serviceName: 'writer' });
const metrics = new Metrics({ namespace: 'IotTelemetry', serviceName: 'writer' });

/** Writer Lambda: Kinesis event source -> raw Timestream table. Clients and caches live per container. */
export const handler = createWriterHandler({
  writer: batchWriterFromEnv(process.env, config, serviceEndpointsFromEnv(process.env), {
    onWrite: (ms) => metrics.addMetric('WriteRecordsLatency', MetricUnit.Milliseconds, ms),
    onRetry: () => metrics.addMetric('WriteRecordsRetries', MetricUnit.Count, 1),
  }),
  logger,
  metrics,
  retryBudgetMs: config.writeRetryBudgetMs,
});
