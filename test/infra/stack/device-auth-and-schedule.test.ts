import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidStackPropError } from '#infra/stack';
import { synthPipeline } from './synth-pipeline';

let template: Template;

beforeAll(() => {
  ({ template } = synthPipeline());
}, 120_000);

/** The template's resources by logical id (untyped, as `Template.toJSON` gives them). */
const resources = () => template.toJSON().Resources;
/** The logical id of the one resource of a type whose properties match. */
function logicalId(type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}
const functionId = (service: string) =>
  logicalId('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) },
  });
/** Every statement of a function's (or role's) default policy. */
function statementsOfRole(roleId: string): { Action: string | string[]; Resource: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const roleOf = (fnId: string) => resources()[fnId]!.Properties.Role['Fn::GetAtt'][0] as string;
const actions = (statements: { Action: string | string[] }[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('rollup schedule delivery', () => {
  it('retries a failed invocation, then sends it to a dead-letter queue instead of dropping it', () => {
    const schedule = resources()[logicalId('AWS::Scheduler::Schedule')]!.Properties;
    const dlqArn = schedule.Target.DeadLetterConfig?.Arn;
    expect(dlqArn, 'DeadLetterConfig.Arn').toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    const queueId = dlqArn['Fn::GetAtt'][0] as string;
    expect(resources()[queueId]!.Type).toBe('AWS::SQS::Queue');
    expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 });
    // encrypted, 14 days to look at it
    expect(resources()[queueId]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    // the scheduler's role may send to it
    const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0] as string;
    const sends = statementsOfRole(roleId).filter((s) => JSON.stringify(s.Resource).includes(queueId));
    expect(actions(sends)).toContain('sqs:SendMessage');
  });

  it('raises an alarm when a rollup run lands in the dead-letter queue', () => {
    const queueId =
      resources()[logicalId('AWS::Scheduler::Schedule')]!.Properties.Target.DeadLetterConfig.Arn[
        'Fn::GetAtt'
      ][0];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      AlarmActions: [{ Ref: logicalId('AWS::SNS::Topic') }],
    });
  });
});

describe('device revocation list', () => {
  it('is an SSM String parameter holding an empty list, read by the ingest function', () => {
    const parameterId = logicalId('AWS::SSM::Parameter', { Type: 'String' });
    expect(resources()[parameterId]!.Properties.Value).toBe('{"revoked":[]}');
    const ingest = functionId('ingest');
    expect(resources()[ingest]!.Properties.Environment.Variables.REVOKED_DEVICES_PARAMETER).toEqual({
      Ref: parameterId,
    });
    const reads = statementsOfRole(roleOf(ingest)).filter((s) =>
      JSON.stringify(s.Resource).includes(parameterId),
    );
    expect(actions(reads)).toEqual(expect.arrayContaining(['ssm:GetParameter']));
    expect(actions(reads)).not.toContain('ssm:PutParameter');
  });
});

describe('ingest authorizer', () => {
  it('refuses requests without a well-formed, correctly signed token before the ingest function', () => {
    const authorizerFn = functionId('authorizer');
    const authorizerId = logicalId('AWS::ApiGatewayV2::Authorizer');
    expect(resources()[authorizerId]!.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(JSON.stringify(resources()[authorizerId]!.Properties.AuthorizerUri)).toContain(authorizerFn);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
    // the health check stays open (it publishes nothing)
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /health',
      AuthorizationType: 'NONE',
    });
    // API Gateway may invoke it
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [authorizerFn, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('is a small function that reads the token keys and nothing else', () => {
    const authorizerFn = functionId('authorizer');
    const fn = resources()[authorizerFn]!.Properties;
    expect(fn.MemorySize).toBe(128);
    expect(fn.Environment.Variables.TOKEN_SECRET_ARN).toEqual({
      Ref: logicalId('AWS::SecretsManager::Secret'),
    });
    expect(fn.Environment.Variables.REVOKED_DEVICES_PARAMETER).toBeUndefined();
    const granted = actions(statementsOfRole(roleOf(authorizerFn)));
    expect(granted).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
    expect(granted.filter((a) => /^(kinesis|timestream|sqs|ssm|secretsmanager:Put)/.test(a))).toEqual([]);
  });

  it('takes its cache TTL as a prop, within what API Gateway allows', () => {
    const { template: uncached } = synthPipeline({}, { authorizerCacheTtl: Duration.seconds(0) });
    uncached.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
    expect(() => synthPipeline({}, { authorizerCacheTtl: Duration.hours(2) })).toThrow(
      /authorizerCacheTtl \(s\)=7200: must be a whole number from 0 to 3600/,
    );
  }, 120_000);
});

describe('WAF', () => {
  it('is refused with the reason: a web ACL cannot be associated with an HTTP API', () => {
    const build = () => synthPipeline({}, { ingestWafRateLimit: 1000 });
    expect(build).toThrow(InvalidStackPropError);
    expect(build).toThrow(
      /ingestWafRateLimit=1000: AWS WAF cannot be associated with an API Gateway HTTP API/,
    );
  });
});
