import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readPipelineConfig } from '#core/config';
import { TelemetryPipelineStack, type TelemetryPipelineStackProps } from '#infra/stack';

/**
 * Synthesises the pipeline stack for template assertions. Bundling is skipped (context
 * `aws:cdk:bundling-stacks: []`) except when asked: the template is the same, only the assets differ.
 */
export function synthPipeline(
  env: Readonly<Record<string, string>> = {},
  props: Omit<TelemetryPipelineStackProps, 'config'> = {},
  options: { bundle?: boolean; outdir?: string } = {},
) {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }),
  });
  const stack = new TelemetryPipelineStack(app, 'Pipeline', { ...props, config: readPipelineConfig(env) });
  return { app, stack, template: Template.fromStack(stack) };
}
