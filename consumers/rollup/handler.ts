import { Logger } from '@aws-lambda-powertools/logger';
import {
  createTimestreamQueryClient,
  createTimestreamWriteClient,
  serviceEndpointsFromEnv,
} from '#adapters/service-clients';
import { readPipelineConfig } from '#core/config';
import { rollupDepsFromConfig } from './rollup-deps';
import { createScheduledRollup } from './scheduled-rollup';

const config = readPipelineConfig(process.env);
const endpoints = serviceEndpointsFromEnv(process.env);
const logger = new Logger({ serviceName: 'rollup' });

/** Scheduled rollup Lambda (EventBridge Scheduler, in ROLLUP_TIMEZONE). */
export const handler = createScheduledRollup(
  rollupDepsFromConfig(
    config,
    { query: createTimestreamQueryClient(endpoints), write: createTimestreamWriteClient(endpoints) },
    (message, details) => logger.info(message, details),
  ),
  { timeZone: config.rollupTimezone, lookbackDays: config.rollupLookbackDays },
);
