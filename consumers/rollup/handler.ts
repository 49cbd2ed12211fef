import { Logger } from '@aws-lambda-powertools/logger';
import { serviceEndpointsFromEnv } from '#adapters/service-clients';
import { readPipelineConfig } from '#core/config';
import { rollupFromConfig } from './rollup-from-config';
import { createScheduledRollup } from './scheduled-rollup';

const config = readPipelineConfig(process.env);
const logger = new Logger({ serviceName: 'rollup' });

/**
 * Scheduled rollup Lambda (EventBridge Scheduler, in ROLLUP_TIMEZONE), on the store STORAGE names: Timestream,
 * or InfluxDB at INFLUXDB_URL with the token of INFLUXDB_TOKEN_SECRET_ARN.
 */
export const handler = createScheduledRollup(
  rollupFromConfig(config, serviceEndpointsFromEnv(process.env), {
    log: (message, details) => logger.info(message, details),
  }),
  { timeZone: config.rollupTimezone, lookbackDays: config.rollupLookbackDays },
);
