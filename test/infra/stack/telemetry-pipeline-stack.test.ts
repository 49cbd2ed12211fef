import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { configEnvNames, defaults } from '#core/config';
import { synthPipeline } from './synth-pipeline';

let template: Template;

beforeAll(() => {
  ({ template } = synthPipeline());
}, 120_000);

/** The logical id of the one resource of a type whose properties match. */
function logicalId(type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const functionId = (service: string) =>
  logicalId('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) },
  });
/** Every statement of a function's default policy. */
function statementsOf(fnId: string): { Action: string | string[]; Resource: unknown }[] {
  const roleId = template.toJSON().Resources[fnId].Properties.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const actionsOn = (fnId: string, resource: unknown) =>
  statementsOf(fnId)
    .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(resource))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const allActions = (fnId: string) =>
  statementsOf(fnId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('Kinesis stream', () => {
  it('is on-demand, KMS-encrypted, and keeps a week of readings', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: defaults.streamName,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 168,
    });
  });
});

describe('ingest', () => {
  it('runs the ingest handler on Node.js 22, arm64, with the stream name, the secret ARN and Powertools env', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'ingest',
          POWERTOOLS_METRICS_NAMESPACE: 'IotTelemetry',
          [configEnvNames.streamName]: defaults.streamName,
          [configEnvNames.ingestMaxReadings]: String(defaults.ingestMaxReadings),
          TOKEN_SECRET_ARN: { Ref: logicalId('AWS::SecretsManager::Secret') },
        }),
      },
    });
  });

  it('generates the token secret and lets only the ingest function read it', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
    });
    const secret = { Ref: logicalId('AWS::SecretsManager::Secret') };
    expect(actionsOn(functionId('ingest'), secret)).toContain('secretsmanager:GetSecretValue');
    expect(actionsOn(functionId('writer'), secret)).toEqual([]);
  });

  it('lets the ingest function put records on the stream, nothing more on it', () => {
    const stream = arnOf(logicalId('AWS::Kinesis::Stream'));
    expect(actionsOn(functionId('ingest'), stream).sort()).toEqual(
      ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'].sort(),
    );
  });

  it('serves an HTTP API with throttling and JSON access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: arnOf(functionId('ingest')),
    });
  });
});

/** The logical id of the resource of a type whose id starts with the construct id. */
function idOf(type: string, constructId: string): string {
  const found = Object.keys(template.findResources(type)).filter((id) => id.startsWith(constructId));
  expect(found, `${type} ${constructId}`).toHaveLength(1);
  return found[0]!;
}

describe('writer', () => {
  it('reads the stream with the configured event source tuning and partial batch responses', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('writer') },
      EventSourceArn: arnOf(logicalId('AWS::Kinesis::Stream')),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: defaults.writerBatchSize,
      MaximumBatchingWindowInSeconds: defaults.writerBatchingWindowSeconds,
      ParallelizationFactor: defaults.writerParallelizationFactor,
      BisectBatchOnFunctionError: defaults.writerBisectOnError,
      MaximumRetryAttempts: defaults.writerMaxRetryAttempts,
      MaximumRecordAgeInSeconds: defaults.writerMaxRecordAgeSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(idOf('AWS::SQS::Queue', 'BatchFailureQueue')) } },
    });
  });

  it('has two KMS-encrypted, SSL-only queues: batch metadata and rejected readings', () => {
    // the third is the rollup schedule's dead-letter queue (device-auth-and-schedule.test.ts)
    template.resourceCountIs('AWS::SQS::Queue', 3);
    const key = arnOf(logicalId('AWS::KMS::Key'));
    for (const id of ['BatchFailureQueue', 'ReadingsDeadLetterQueue']) {
      const queue = idOf('AWS::SQS::Queue', id);
      template.hasResource('AWS::SQS::Queue', {
        Properties: { KmsMasterKeyId: key, MessageRetentionPeriod: 14 * 86_400 },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('gets the dead-letter queue URL and may send to it', () => {
    const dlq = idOf('AWS::SQS::Queue', 'ReadingsDeadLetterQueue');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'writer',
          DEAD_LETTER_QUEUE_URL: { Ref: dlq },
          [configEnvNames.rawTable]: defaults.rawTable,
          [configEnvNames.recordLayout]: defaults.recordLayout,
        }),
      },
      Timeout: defaults.writerTimeoutSeconds,
    });
    expect(actionsOn(functionId('writer'), arnOf(dlq))).toContain('sqs:SendMessage');
  });
});

describe('Timestream', () => {
  it('creates the database and both tables with retention from the configuration', () => {
    template.resourceCountIs('AWS::Timestream::Database', 1);
    template.resourceCountIs('AWS::Timestream::Table', 2);
    template.hasResourceProperties('AWS::Timestream::Database', { DatabaseName: defaults.database });
    for (const [name, memory, magnetic, prefix] of [
      [defaults.rawTable, defaults.rawMemoryRetentionHours, defaults.rawMagneticRetentionDays, 'raw/'],
      [
        defaults.aggregateTable,
        defaults.aggregateMemoryRetentionHours,
        defaults.aggregateMagneticRetentionDays,
        'aggregate/',
      ],
    ] as const) {
      template.hasResource('AWS::Timestream::Table', {
        Properties: {
          DatabaseName: defaults.database,
          TableName: name,
          RetentionProperties: {
            MemoryStoreRetentionPeriodInHours: String(memory),
            MagneticStoreRetentionPeriodInDays: String(magnetic),
          },
          MagneticStoreWriteProperties: {
            EnableMagneticStoreWrites: true,
            MagneticStoreRejectedDataLocation: {
              S3Configuration: {
                BucketName: { Ref: idOf('AWS::S3::Bucket', 'TimestreamRejectedWrites') },
                EncryptionOption: 'SSE_S3',
                ObjectKeyPrefix: prefix,
              },
            },
          },
        },
        DependsOn: [logicalId('AWS::Timestream::Database')],
        DeletionPolicy: 'RetainExceptOnCreate',
      });
    }
  });

  it('reports rejected magnetic writes to an encrypted, private, SSL-only bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('least privilege on Timestream', () => {
  const raw = () => arnOf(idOf('AWS::Timestream::Table', 'TimestreamRawTable'));
  const aggregate = () => arnOf(idOf('AWS::Timestream::Table', 'TimestreamAggregateTable'));

  it('lets the writer write the raw table only', () => {
    const writer = functionId('writer');
    expect(actionsOn(writer, raw())).toEqual(['timestream:WriteRecords']);
    expect(actionsOn(writer, aggregate())).toEqual([]);
    expect(actionsOn(writer, '*')).toContain('timestream:DescribeEndpoints');
    expect(allActions(writer)).not.toContain('timestream:Select');
  });

  it('lets the rollup read the raw table and write the aggregate table', () => {
    const rollup = functionId('rollup');
    expect(actionsOn(rollup, raw()).sort()).toEqual(['timestream:DescribeTable', 'timestream:Select']);
    expect(actionsOn(rollup, aggregate())).toEqual(['timestream:WriteRecords']);
  });

  it('gives Timestream actions on "*" only for DescribeEndpoints', () => {
    for (const service of ['ingest', 'writer', 'rollup']) {
      const onStar = actionsOn(functionId(service), '*').filter((a) => a.startsWith('timestream:'));
      expect(
        onStar.every((a) => a === 'timestream:DescribeEndpoints'),
        service,
      ).toBe(true);
    }
    expect(allActions(functionId('ingest')).some((a) => a.startsWith('timestream:'))).toBe(false);
  });
});

describe('rollup', () => {
  it('is invoked by EventBridge Scheduler in the configured time zone with the scheduled time', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    const rollup = functionId('rollup');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: defaults.rollupSchedule,
      GroupName: scheduleGroupName(),
      ScheduleExpressionTimezone: defaults.rollupTimezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: arnOf(rollup),
        Input: JSON.stringify({ time: '<aws.scheduler.scheduled-time>' }),
        RoleArn: Match.anyValue(),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([arnOf(rollup)]) }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })]),
      },
    });
  });

  it('gets the tables, time zone and lookback from the configuration', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'rollup',
          [configEnvNames.aggregateTable]: defaults.aggregateTable,
          [configEnvNames.rollupTimezone]: defaults.rollupTimezone,
          [configEnvNames.rollupLookbackDays]: String(defaults.rollupLookbackDays),
        }),
      },
    });
  });
});

describe('functions', () => {
  it('are four, each with its own log group with retention', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    for (const service of ['ingest', 'authorizer', 'writer', 'rollup']) {
      const fn = template.toJSON().Resources[functionId(service)];
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(30);
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });
});

const scheduleGroupName = () =>
  template.toJSON().Resources[logicalId('AWS::Scheduler::ScheduleGroup')].Properties.Name as string;

const alarmOn = (props: Record<string, unknown>) =>
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmActions: [{ Ref: logicalId('AWS::SNS::Topic') }],
    ...props,
  });

describe('alarms', () => {
  it('watch writer lag, writer errors, dead-lettered readings, queue depth and rollup failures', () => {
    alarmOn({
      MetricName: 'InvocationDroppedCount',
      Namespace: 'AWS/Scheduler',
      Dimensions: [{ Name: 'ScheduleGroup', Value: scheduleGroupName() }],
    });
    // the stream and Timestream magnetic-store alarms: first-deploy.test.ts
    template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    const topic = { Ref: logicalId('AWS::SNS::Topic') };
    const alarm = (props: Record<string, unknown>) =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic], ...props });
    alarm({
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 300_000,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('writer') } }],
    });
    alarm({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('writer') } }],
    });
    alarm({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('rollup') } }],
    });
    alarm({
      MetricName: 'ReadingsDeadLettered',
      Namespace: 'IotTelemetry',
      Dimensions: [{ Name: 'service', Value: 'writer' }],
      Statistic: 'Sum',
    });
    alarm({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [idOf('AWS::SQS::Queue', 'ReadingsDeadLetterQueue'), 'QueueName'] },
        },
      ],
    });
  });

  it('notify an encrypted topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(logicalId('AWS::KMS::Key')) });
  });
});

describe('outputs', () => {
  it('name the ingest URL, stream, tables, dead-letter queue and secret', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'IngestUrl',
        'StreamName',
        'StreamArn',
        'TimestreamDatabase',
        'RawTable',
        'AggregateTable',
        'DeadLetterQueueUrl',
        'TokenSecretArn',
        'RevokedDevicesParameter',
        'RollupDeadLetterQueueUrl',
        'RejectedWritesBucket',
        'PipelineKeyArn',
      ]),
    );
    expect(outputs.RevokedDevicesParameter!.Value).toEqual({ Ref: logicalId('AWS::SSM::Parameter') });
    expect(outputs.TimestreamDatabase!.Value).toBe(defaults.database);
    expect(outputs.RawTable!.Value).toBe(defaults.rawTable);
    expect(outputs.AggregateTable!.Value).toBe(defaults.aggregateTable);
    expect(outputs.DeadLetterQueueUrl!.Value).toEqual({
      Ref: idOf('AWS::SQS::Queue', 'ReadingsDeadLetterQueue'),
    });
    expect(JSON.stringify(outputs.IngestUrl!.Value)).toContain('readings');
  });
});
