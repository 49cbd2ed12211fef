import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackDefaults } from '#core/cost';
import { synthPipeline } from './synth-pipeline';

/*
 * `npm run cost` prices what the stack deploys from `stackDefaults` (core cannot import infra). This
 * synthesises the stack with its defaults and fails when the two drift apart.
 */

let template: Template;

beforeAll(() => {
  ({ template } = synthPipeline());
}, 120_000);

function functionProps(service: string): Record<string, unknown> {
  const found = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) } },
    }),
  );
  expect(found, service).toHaveLength(1);
  return found[0]!.Properties;
}

describe('what the cost estimate assumes the stack deploys', () => {
  it.each(Object.entries(stackDefaults.memoryMb))(
    'the %s function has %i MB on arm64, the log level and the tracing the estimate assumes',
    (service, memoryMb) => {
      const props = functionProps(service);
      expect(props.MemorySize).toBe(memoryMb);
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.TracingConfig).toEqual({ Mode: stackDefaults.tracing ? 'Active' : 'PassThrough' });
      expect(
        (props.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_LOG_LEVEL,
      ).toBe(stackDefaults.logLevel);
    },
  );

  it("caches the authorizer's verdict as long as the estimate assumes", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerResultTtlInSeconds: stackDefaults.authorizerCacheTtlSeconds,
    });
  });

  it('has the alarms, customer keys and secrets the estimate counts', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', stackDefaults.alarms);
    template.resourceCountIs('AWS::KMS::Key', stackDefaults.customerKeys);
    template.resourceCountIs('AWS::SecretsManager::Secret', stackDefaults.secrets);
  });
});
