import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readPipelineConfig } from '#core/config';
import { unitsConfigEnvNames } from '#core/units';
import { TelemetryPipelineStack } from './stack';

/**
 * The CDK app (`npm run synth`, `npm run deploy`). Names and settings come from the same environment
 * variables the local runtime reads (see core/config); the stack name from STACK_NAME.
 */
const app = new App();
new TelemetryPipelineStack(app, process.env.STACK_NAME || 'IotTelemetryPipeline', {
  config: readPipelineConfig(process.env),
  unitsConfigJson: process.env[unitsConfigEnvNames.json] || undefined,
  alarmEmail: process.env.ALARM_EMAIL || undefined,
  // refused by the stack with the reason (no WAF on an HTTP API); read so that setting it is never ignored
  ...(process.env.INGEST_WAF_RATE_LIMIT
    ? { ingestWafRateLimit: Number(process.env.INGEST_WAF_RATE_LIMIT) }
    : {}),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'IoT telemetry pipeline: ingest API -> Kinesis -> writer -> Timestream, daily rollups',
});
// cdk-nag's AWS Solutions checks run at every synth; acknowledged findings carry their reason in code.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
