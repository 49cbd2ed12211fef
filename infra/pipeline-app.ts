import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readPipelineConfig } from '#core/config';
import { unitsConfigEnvNames } from '#core/units';
import { TelemetryPipelineStack } from './stack';

/**
 * Adds the pipeline stack to a CDK app from the environment (`npm run synth`, `npm run deploy`): names and
 * settings from the variables the local runtime reads (core/config), the stack name from STACK_NAME.
 *
 * The stack is environment-agnostic: no account or region is fixed at synth, so every ARN carries
 * CloudFormation's `AWS::Region` and `AWS::AccountId` and resolves to where the stack is deployed. The CDK
 * CLI sets CDK_DEFAULT_REGION to us-east-1 when no region is configured; passing it on would bake
 * us-east-1 into the template of a deploy meant for another region.
 */
export function addPipelineStack(
  app: App,
  env: Readonly<Record<string, string | undefined>>,
): TelemetryPipelineStack {
  const stack = new TelemetryPipelineStack(app, env.STACK_NAME || 'IotTelemetryPipeline', {
    config: readPipelineConfig(env),
    unitsConfigJson: env[unitsConfigEnvNames.json] || undefined,
    alarmEmail: env.ALARM_EMAIL || undefined,
    // refused by the stack with the reason (no WAF on an HTTP API); read so that setting it is never ignored
    ...(env.INGEST_WAF_RATE_LIMIT ? { ingestWafRateLimit: Number(env.INGEST_WAF_RATE_LIMIT) } : {}),
    description: 'IoT telemetry pipeline: ingest API -> Kinesis -> writer -> Timestream, daily rollups',
  });
  // cdk-nag's AWS Solutions checks run at every synth; acknowledged findings carry their reason in code.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
