import { Logger } from '@aws-lambda-powertools/logger';
import { readPipelineConfig } from '../../core/config';
import {
  createTimestreamQueryClient,
  createTimestreamWriteClient,
  serviceEndpointsFromEnv,
} from '../../infra/service-clients';
import { TimestreamReadingSink } from '../writer/timestream-reading-sink';
import { createScheduledRollup } from './scheduled-rollup';

const config = readPipelineConfig(process.env);
const endpoints = serviceEndpointsFromEnv(process.env);
const logger = new Logger({ serviceName: 'rollup' });

/** Scheduled rollup Lambda (EventBridge Scheduler, in ROLLUP_TIMEZONE). */
export const handler = createScheduledRollup(
  {
    queryClient: createTimestreamQueryClient(endpoints),
    aggregateSink: new TimestreamReadingSink({
      client: createTimestreamWriteClient(endpoints),
      database: config.database,
      table: config.aggregateTable,
      concurrency: config.writeConcurrency,
    }),
    database: config.database,
    rawTable: config.rawTable,
    log: (message, details) => logger.info(message, details),
  },
  { timeZone: config.rollupTimezone, lookbackDays: config.rollupLookbackDays },
);
