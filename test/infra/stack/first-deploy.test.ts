import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateMemoryHoursFor, defaults, readPipelineConfig } from '#core/config';
import { addPipelineStack } from '#infra/pipeline-app';
import { InvalidStackPropError, TelemetryPipelineStack } from '#infra/stack';
import { synthPipeline } from './synth-pipeline';

/**
 * What a first real deploy would meet: alarms that can reach the topic, data that a failed first create
 * does not leave behind, aggregates in the memory store, alarms on what Lambda metrics cannot see, HTTP API
 * log variables, no region baked in at synth, an environment that fits Lambda's 4 KB.
 */
let template: Template;

beforeAll(() => {
  ({ template } = synthPipeline());
}, 120_000);

/** The template's resources by logical id (untyped, as `Template.toJSON` gives them). */
const resources = () => template.toJSON().Resources;
interface CfnResource {
  readonly Type: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
const allResources = (): CfnResource[] => Object.values(resources());
const onlyId = (type: string) => {
  const ids = Object.keys(template.findResources(type));
  expect(ids, type).toHaveLength(1);
  return ids[0]!;
};
/** The condition every CloudWatch grant carries: this account, and its alarms in the deploy region. */
const fromThisAccountsAlarms = {
  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  ArnLike: {
    'aws:SourceArn': {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':cloudwatch:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':alarm:*',
        ],
      ],
    },
  },
};

describe('alarm notifications', () => {
  it("let this account's CloudWatch alarms publish to the topic, next to the SSL-only deny", () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: onlyId('AWS::SNS::Topic') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'AllowThisAccountsCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: onlyId('AWS::SNS::Topic') },
            Condition: fromThisAccountsAlarms,
          },
        ]),
      },
    });
  });

  it('let CloudWatch use the topic key only for this account and its alarms', () => {
    const statements = resources()[onlyId('AWS::KMS::Key')]!.Properties.KeyPolicy.Statement as {
      Principal?: { Service?: string };
      Condition?: unknown;
      Action: unknown;
    }[];
    const forCloudWatch = statements.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(forCloudWatch).toHaveLength(1);
    expect(forCloudWatch[0]).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: fromThisAccountsAlarms,
    });
  });
});

describe('deletion policies', () => {
  it('retain the data on update or delete, but not when CloudFormation rolls back the first create', () => {
    const data = [
      'AWS::Kinesis::Stream',
      'AWS::Timestream::Database',
      'AWS::Timestream::Table',
      'AWS::SQS::Queue',
      'AWS::KMS::Key',
      'AWS::SecretsManager::Secret',
      'AWS::SSM::Parameter',
      'AWS::S3::Bucket',
    ];
    const found = allResources().filter((r) => data.includes(r.Type));
    expect(new Set(found.map((r) => r.Type))).toEqual(new Set(data));
    for (const r of found) {
      expect(r.DeletionPolicy, r.Type).toBe('RetainExceptOnCreate');
      expect(r.UpdateReplacePolicy, r.Type).toBe('Retain');
    }
    // no data resource is plainly retained anywhere (a failed first deploy would leave it behind)
    expect(allResources().filter((r) => r.DeletionPolicy === 'Retain')).toEqual([]);
  });
});

describe('aggregate table memory store', () => {
  const aggregateMemoryHours = (t: Template, table: string) =>
    Object.values(t.findResources('AWS::Timestream::Table', { Properties: { TableName: table } }))[0]!
      .Properties.RetentionProperties.MemoryStoreRetentionPeriodInHours;

  it('keeps every day the scheduled rollup rewrites (lookback + 2 days)', () => {
    expect(aggregateMemoryHours(template, defaults.aggregateTable)).toBe(
      String(aggregateMemoryHoursFor(defaults.rollupLookbackDays)),
    );
    expect(Number(aggregateMemoryHours(template, defaults.aggregateTable))).toBeGreaterThan(
      (defaults.rollupLookbackDays + 1) * 24,
    );
    const week = synthPipeline({ ROLLUP_LOOKBACK_DAYS: '7' }).template;
    expect(aggregateMemoryHours(week, defaults.aggregateTable)).toBe('216');
  });
});

describe('alarms a first week needs', () => {
  it("watch the stream's own iterator age, treating no reader as an alarm", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kinesis',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: [{ Name: 'StreamName', Value: { Ref: onlyId('AWS::Kinesis::Stream') } }],
      Statistic: 'Maximum',
      Threshold: 300_000,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: onlyId('AWS::SNS::Topic') }],
    });
  });

  it.each([
    'MagneticStoreRejectedRecordCount',
    'MagneticStoreRejectedUploadUserFailures',
    'MagneticStoreRejectedUploadSystemFailures',
  ])('watch Timestream %s over the database', (metric) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          Expression: `SELECT SUM(${metric}) FROM "AWS/Timestream" WHERE DatabaseName = '${defaults.database}'`,
          Period: 300,
          ReturnData: true,
        }),
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: onlyId('AWS::SNS::Topic') }],
    });
  });
});

/** The logging variables of HTTP APIs (API Gateway developer guide, "Customize HTTP API access logs"). */
const httpApiVariables = new Set([
  'requestId',
  'extendedRequestId',
  'identity.sourceIp',
  'identity.userAgent',
  'requestTime',
  'requestTimeEpoch',
  'httpMethod',
  'routeKey',
  'path',
  'protocol',
  'status',
  'responseLength',
  'responseLatency',
  'integration.status',
  'integration.latency',
  'integration.error',
  'integrationErrorMessage',
  'authorizer.error',
  'error.message',
  'error.responseType',
  'domainName',
  'stage',
]);

describe('ingest API access log', () => {
  it('logs HTTP API variables only (no REST API field such as $context.resourcePath)', () => {
    const stage = resources()[onlyId('AWS::ApiGatewayV2::Stage')]!.Properties;
    const fields = JSON.parse(stage.AccessLogSettings.Format) as Record<string, string>;
    const variables = Object.values(fields).map((v) => v.replace(/^\$context\./, ''));
    expect(variables.filter((v) => !httpApiVariables.has(v))).toEqual([]);
    expect(variables).toEqual(
      expect.arrayContaining(['requestId', 'routeKey', 'status', 'integration.error']),
    );
  });
});

describe('region', () => {
  it('is not baked in when the CDK CLI falls back to us-east-1: ARNs use the deploy-time region', () => {
    // Prepare: what `cdk synth` sets when no region is configured
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    // Act
    const stack = addPipelineStack(app, {
      CDK_DEFAULT_REGION: 'us-east-1',
      CDK_DEFAULT_ACCOUNT: '123456789012',
    });
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    // Assess
    expect(json).not.toContain('us-east-1');
    expect(json).not.toContain('123456789012');
    expect(json).toContain('{"Ref":"AWS::Region"}');
  }, 120_000);
});

describe('function environment', () => {
  /** A valid units file of about `bytes` bytes: extra measures with one unit each. */
  const unitsOfSize = (bytes: number) => {
    const measures: Record<string, unknown> = {};
    for (let i = 0; JSON.stringify({ measures }).length < bytes; i++) {
      measures[`extra_measure_${i}`] = { canonicalUnit: 'ppm', units: { ppb: { factor: 0.001 } } };
    }
    return JSON.stringify({ measures }, null, 2);
  };
  const build = (unitsConfigJson: string) => () =>
    new TelemetryPipelineStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Pipeline', {
      config: readPipelineConfig({}),
      unitsConfigJson,
    });

  it('refuses at synth a units file that would push a function over Lambda 4 KB, naming UNITS_CONFIG', () => {
    const act = build(unitsOfSize(3_000));
    expect(act).toThrow(InvalidStackPropError);
    expect(act).toThrow(
      /IngestFunction\.environment=".*bytes": Lambda allows 4096 bytes .*UNITS_CONFIG \(\d+ bytes\)/,
    );
  });

  it('passes a small units file to the functions compacted', () => {
    const pretty = unitsOfSize(600);
    const stack = build(pretty)();
    const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { UNITS_CONFIG: Match.anyValue() } } },
    });
    expect(Object.keys(fns)).toHaveLength(3);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Environment.Variables.UNITS_CONFIG).toBe(JSON.stringify(JSON.parse(pretty)));
    }
  });
});
