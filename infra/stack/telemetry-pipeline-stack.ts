import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import {
  StreamMode as ConfigStreamMode,
  type PipelineConfig,
  readPipelineConfig,
  Storage,
} from '#core/config';
import { parseUnitsConfig, unitsConfigEnvNames } from '#core/units';
import { InvalidStackPropError, requireIntegerIn } from './errors';
import { httpApiAccessLogFormat } from './http-api-access-log';
import { grantExistingTokenRead, InfluxDbStorage, type InfluxDbStorageProps } from './influxdb-storage';
import { PipelineAlarms } from './pipeline-alarms';
import { pipelineEnvironment } from './pipeline-environment';
import { PipelineFunction } from './pipeline-function';
import { TimestreamStorage, TimestreamTableRole } from './timestream-storage';

/** Requests per second the ingest API admits before answering 429. */
export interface IngestThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests admitted at once above the steady rate. */
  readonly burstLimit: number;
}

/** Handler files (relative to the repository root, each exporting `handler`). */
export interface PipelineEntries {
  readonly ingest: string;
  /** The ingest API's Lambda REQUEST authorizer. */
  readonly authorizer: string;
  readonly writer: string;
  readonly rollup: string;
}

/** The pipeline's handler files. */
const defaultEntries: PipelineEntries = {
  ingest: 'producers/ingest/handler.ts',
  authorizer: 'producers/auth/authorizer-handler.ts',
  writer: 'consumers/writer/handler.ts',
  rollup: 'consumers/rollup/handler.ts',
};

export interface TelemetryPipelineStackProps extends StackProps {
  /**
   * Handler files of the three functions.
   * @default defaultEntries (producers/ingest, consumers/writer, consumers/rollup `handler.ts`)
   */
  readonly entries?: Partial<PipelineEntries>;
  /**
   * The pipeline configuration (names, retention, schedule, event-source tuning, layout, limits), the same
   * one the local runtime reads.
   * @default readPipelineConfig(process.env)
   */
  readonly config?: PipelineConfig;
  /**
   * Throttling of the ingest API's default stage.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly ingestThrottle?: IngestThrottle;
  /**
   * How long API Gateway caches the authorizer's verdict for one Authorization header (0 disables the
   * cache; API Gateway allows up to 1 hour). A retired key's tokens pass the authorizer for up to this
   * long, and are still refused by the ingest function, which checks every request.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * A WAF rate-based rule (requests per 5 minutes per IP) in front of the ingest API. Refused: AWS WAF
   * cannot be associated with an API Gateway HTTP API (only REST APIs, ALBs, CloudFront, AppSync, ...);
   * the controls of this API are its stage throttling and the Lambda authorizer. See README "On AWS".
   * @default - none
   */
  readonly ingestWafRateLimit?: number;
  /**
   * Extra units for the writer's unit conversion, as JSON text (the `UNITS_CONFIG` variable), checked at
   * synth with the same reader the writer uses.
   * @default - none: the built-in units only
   */
  readonly unitsConfigJson?: string;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription (subscribe to the `AlarmTopicArn` output)
   */
  readonly alarmEmail?: string;
  /**
   * Writer lag that raises the iterator-age alarm.
   * @default Duration.minutes(5)
   */
  readonly maxIteratorAge?: Duration;
  /**
   * Retention of the Lambda and API access log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Active X-Ray tracing on the functions (PassThrough without it).
   * @default config.tracing (TRACING, on by default)
   */
  readonly tracing?: boolean;
  /**
   * Memory (MB) of the ingest, writer and rollup functions.
   * @default { ingest: 256, writer: 1024, rollup: 512 }
   */
  readonly memorySize?: { readonly ingest?: number; readonly writer?: number; readonly rollup?: number };
  /**
   * Timeout of the rollup function (it aggregates ROLLUP_LOOKBACK_DAYS zone days per run).
   * @default Duration.minutes(5)
   */
  readonly rollupTimeout?: Duration;
  /**
   * What happens to the data (stream, Timestream database and tables, rejected-writes bucket, queues, key,
   * token secret, revocation parameter) when the stack is deleted or a resource replaced. The default keeps
   * them, except when CloudFormation rolls back the stack's first create: a failed first deploy then leaves
   * nothing behind that would bill, or block the next attempt with "already exists".
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (CloudFormation's RetainExceptOnCreate)
   */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /**
   * The Timestream for InfluxDB instance the stack creates with STORAGE=influxdb and no INFLUXDB_URL: an
   * existing VPC and its subnets (default: a VPC of its own with isolated subnets), the instance type
   * (default db.influx.medium) and storage (default 20 GiB).
   * @default - see InfluxDbStorageProps
   */
  readonly influxDb?: Pick<
    InfluxDbStorageProps,
    'vpc' | 'vpcSubnets' | 'instanceType' | 'allocatedStorageGiB'
  >;
}

/**
 * The IoT telemetry pipeline on AWS: HTTP API -> ingest Lambda -> Kinesis -> writer Lambda -> Timestream
 * raw table; EventBridge Scheduler -> rollup Lambda -> daily aggregate table; dead-letter queues, alarms
 * and outputs. Every name and setting comes from the shared {@link PipelineConfig}.
 */
export class TelemetryPipelineStack extends Stack {
  readonly config: PipelineConfig;
  readonly stream: Stream;
  /** Timestream for LiveAnalytics (STORAGE=timestream). */
  readonly storage?: TimestreamStorage;
  /** The stack's own Timestream for InfluxDB instance and its network (STORAGE=influxdb without INFLUXDB_URL). */
  readonly influxDb?: InfluxDbStorage;
  readonly ingestFunction: PipelineFunction;
  readonly writerFunction: PipelineFunction;
  readonly rollupFunction: PipelineFunction;
  readonly authorizerFunction: PipelineFunction;
  readonly deadLetterQueue: Queue;
  /** Rollup runs that EventBridge Scheduler could not deliver after its retries. */
  readonly rollupDeadLetterQueue: Queue;
  /** The device revocation list (SSM String parameter, JSON), read by the ingest function. */
  readonly revokedDevices: StringParameter;
  readonly batchFailureQueue: Queue;
  readonly tokenSecret: Secret;
  readonly api: HttpApi;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: TelemetryPipelineStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? readPipelineConfig(process.env);
    this.config = config;
    const throttle = props.ingestThrottle ?? { rateLimit: 100, burstLimit: 200 };
    validateProps(id, props, throttle);
    validateInfluxConfig(id, config);
    const entries = { ...defaultEntries, ...props.entries };
    const dataRemovalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const tracing = props.tracing ?? config.tracing;
    // every function, the authorizer too (it gets none of the pipeline environment)
    const logLevel = config.logLevel;
    const environment = {
      ...pipelineEnvironment(config),
      // compact: every function gets a copy, and Lambda allows 4 KB of variables in all (PipelineFunction)
      ...(props.unitsConfigJson
        ? { [unitsConfigEnvNames.json]: JSON.stringify(JSON.parse(props.unitsConfigJson)) }
        : {}),
    };

    // One customer-managed key (rotated yearly) for the queues and the alarm topic.
    const key = new Key(this, 'PipelineKey', {
      enableKeyRotation: true,
      description: `IoT telemetry pipeline ${id}: SQS queues, SNS alarm topic`,
      removalPolicy: dataRemovalPolicy,
    });

    this.stream = new Stream(this, 'ReadingsStream', {
      streamName: config.streamName,
      streamMode:
        config.streamMode === ConfigStreamMode.provisioned ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND,
      ...(config.streamMode === ConfigStreamMode.provisioned ? { shardCount: config.streamShardCount } : {}),
      retentionPeriod: Duration.hours(config.streamRetentionHours),
      // KMS with the AWS managed aws/kinesis key: a customer key would bill every producer and consumer call.
      encryption: StreamEncryption.MANAGED,
      removalPolicy: dataRemovalPolicy,
    });

    // Alarms -> SNS topic. The topic policy that enforceSSL creates replaces SNS's default policy, which
    // let same-account CloudWatch alarms publish: allow them again, for this account's alarms only.
    const alarmTopic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsCloudWatchAlarmsToPublish',
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: fromThisAccountsAlarms,
      }),
    );
    // CloudWatch encrypts the notifications it publishes to the topic with this key (same conditions).
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowThisAccountsCloudWatchAlarmsToUseTheKey',
        effect: Effect.ALLOW,
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }),
    );
    if (props.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    // The store: Timestream for LiveAnalytics (tables, rejected-writes bucket), or InfluxDB (an existing endpoint,
    // or a Timestream for InfluxDB instance of the stack's own in private subnets).
    const influx = config.storage === Storage.influxdb;
    if (!influx) {
      this.storage = new TimestreamStorage(this, 'Timestream', { config, removalPolicy: dataRemovalPolicy });
    } else if (config.influxdbUrl === '') {
      this.influxDb = new InfluxDbStorage(this, 'InfluxDb', {
        database: config.influxdbDatabase || config.database,
        ...props.influxDb,
        removalPolicy: dataRemovalPolicy,
        alarmActions: [new SnsAction(alarmTopic)],
      });
    }
    const influxEnvironment: Record<string, string> = influx
      ? this.influxDb
        ? { INFLUXDB_URL: this.influxDb.url, INFLUXDB_TOKEN_SECRET_ARN: this.influxDb.tokenSecret.secretArn }
        : {}
      : {};
    // a token given as text would sit in every function's environment in plain text (refused with STORAGE=influxdb)
    Object.assign(environment, { INFLUXDB_TOKEN: '' }, influxEnvironment);
    const storeNetwork = this.influxDb
      ? {
          vpc: this.influxDb.vpc,
          vpcSubnets: this.influxDb.vpcSubnets,
          securityGroups: [this.influxDb.functionsSecurityGroup],
        }
      : undefined;

    // Two queues: Lambda's on-failure destination receives only batch metadata (shard, sequence range),
    // while readings the writer itself rejects must keep their data to be inspected and replayed.
    const queue = (queueId: string) =>
      new Queue(this, queueId, {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: dataRemovalPolicy,
      });
    this.deadLetterQueue = queue('ReadingsDeadLetterQueue');
    this.batchFailureQueue = queue('BatchFailureQueue');
    for (const q of [this.deadLetterQueue, this.batchFailureQueue]) {
      Validations.of(q).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter destination (rejected readings / failed batch metadata), read ' +
          'by operators and the replay tool; a dead-letter queue behind it would have no consumer.',
      });
    }

    this.tokenSecret = new Secret(this, 'IngestTokenSecret', {
      description: 'HMAC key of the device tokens that the ingest API verifies',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: dataRemovalPolicy,
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is the HMAC key of every device token; rotating it invalidates all tokens and needs a ' +
        'coordinated re-issue to the devices, so it is an operator procedure, not an automatic rotation.',
    });

    // Revoked devices: an SSM parameter, not a secret. The list is not secret, standard parameters cost
    // nothing to store or read (the ingest re-reads it every 30 s per container), and operators edit it
    // with npm run token -- --revoke ... --aws. The stack only sets the initial empty list: CloudFormation
    // rewrites it only if this template value changes.
    this.revokedDevices = new StringParameter(this, 'RevokedDevices', {
      description:
        'Device revocation list of the ingest: {"revoked":[{"deviceId","issuedBefore"?,"kid"?,"reason"?}]}',
      stringValue: '{"revoked":[]}',
      tier: ParameterTier.STANDARD,
    });
    this.revokedDevices.applyRemovalPolicy(dataRemovalPolicy);

    // Ingest: HTTP API -> authorizer -> ingest Lambda -> Kinesis.
    this.ingestFunction = new PipelineFunction(this, 'IngestFunction', {
      entry: entries.ingest,
      serviceName: 'ingest',
      environment: {
        ...environment,
        TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
        REVOKED_DEVICES_PARAMETER: this.revokedDevices.parameterName,
      },
      memorySize: props.memorySize?.ingest ?? 256,
      timeout: Duration.seconds(29),
      logRetention,
      tracing,
      logLevel,
    });
    this.stream.grantWrite(this.ingestFunction);
    this.tokenSecret.grantRead(this.ingestFunction);
    this.revokedDevices.grantRead(this.ingestFunction);

    // The authorizer refuses requests without a well-formed token signed with a current key before they
    // reach (and are billed to) the ingest function or share its concurrency. It checks the HMAC, not only
    // the form: a forged token of the right shape costs one small invocation and is cached as refused.
    this.authorizerFunction = new PipelineFunction(this, 'AuthorizerFunction', {
      entry: entries.authorizer,
      serviceName: 'authorizer',
      environment: { TOKEN_SECRET_ARN: this.tokenSecret.secretArn },
      memorySize: 128,
      timeout: Duration.seconds(5),
      logRetention,
      tracing,
      logLevel,
    });
    this.tokenSecret.grantRead(this.authorizerFunction);
    const authorizer = new HttpLambdaAuthorizer('IngestAuthorizer', this.authorizerFunction, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(5),
    });
    const ingestIntegration = new HttpLambdaIntegration('IngestIntegration', this.ingestFunction);
    this.api = new HttpApi(this, 'IngestApi', {
      description: 'Device readings ingest',
      createDefaultStage: false,
      defaultIntegration: ingestIntegration,
      defaultAuthorizer: authorizer,
    });
    this.api.addRoutes({
      path: '/health',
      methods: [HttpMethod.GET],
      integration: ingestIntegration,
      authorizer: new HttpNoneAuthorizer(),
    });
    const accessLogs = new LogGroup(this, 'IngestApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'IngestApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: httpApiAccessLogFormat,
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every route but GET /health has the Lambda authorizer (device tokens); the health check publishes ' +
        'nothing and answers a constant, so load balancers and monitors can call it without a token.',
    });

    // Writer: Kinesis event source -> raw table; rejected readings -> dead-letter queue.
    this.writerFunction = new PipelineFunction(this, 'WriterFunction', {
      entry: entries.writer,
      serviceName: 'writer',
      environment: { ...environment, DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl },
      memorySize: props.memorySize?.writer ?? 1024,
      timeout: Duration.seconds(config.writerTimeoutSeconds),
      logRetention,
      tracing,
      logLevel,
      ...(storeNetwork ? { network: storeNetwork } : {}),
    });
    this.writerFunction.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: config.writerBatchSize,
        maxBatchingWindow: Duration.seconds(config.writerBatchingWindowSeconds),
        parallelizationFactor: config.writerParallelizationFactor,
        bisectBatchOnError: config.writerBisectOnError,
        // -1 in the configuration means "until the record expires" / "no age limit", CDK's defaults.
        ...(config.writerMaxRetryAttempts >= 0 ? { retryAttempts: config.writerMaxRetryAttempts } : {}),
        ...(config.writerMaxRecordAgeSeconds >= 0
          ? { maxRecordAge: Duration.seconds(config.writerMaxRecordAgeSeconds) }
          : {}),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.batchFailureQueue),
      }),
    );
    this.grantStore(this.writerFunction, (storage) =>
      storage.grantWrite(this.writerFunction, TimestreamTableRole.raw),
    );
    this.deadLetterQueue.grantSendMessages(this.writerFunction);

    // Rollup: EventBridge Scheduler (in ROLLUP_TIMEZONE) -> rollup Lambda: raw table -> aggregate table.
    this.rollupFunction = new PipelineFunction(this, 'RollupFunction', {
      entry: entries.rollup,
      serviceName: 'rollup',
      environment,
      memorySize: props.memorySize?.rollup ?? 512,
      timeout: props.rollupTimeout ?? Duration.minutes(5),
      logRetention,
      tracing,
      logLevel,
      ...(storeNetwork ? { network: storeNetwork } : {}),
    });
    this.grantStore(this.rollupFunction, (storage) => {
      storage.grantQuery(this.rollupFunction, TimestreamTableRole.raw);
      storage.grantWrite(this.rollupFunction, TimestreamTableRole.aggregate);
    });
    const rollupScheduleGroup = new ScheduleGroup(this, 'RollupScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A rollup run EventBridge Scheduler cannot deliver after its retries lands here (and raises an alarm)
    // instead of being dropped. SQS-managed encryption: the scheduler's role needs no grant on a KMS key.
    this.rollupDeadLetterQueue = new Queue(this, 'RollupDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: dataRemovalPolicy,
    });
    Validations.of(this.rollupDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter destination of the rollup schedule: operators read it (an alarm ' +
        'watches its depth) and re-run the rollup for the missed days; a queue behind it would have no consumer.',
    });
    new Schedule(this, 'RollupSchedule', {
      scheduleGroup: rollupScheduleGroup,
      description: `Daily rollup of ${config.rawTable} into ${config.aggregateTable}`,
      schedule: ScheduleExpression.expression(config.rollupSchedule, TimeZone.of(config.rollupTimezone)),
      target: new LambdaInvoke(this.rollupFunction, {
        input: ScheduleTargetInput.fromObject({ time: ContextAttribute.scheduledTime }),
        // the rollup is idempotent (a re-run overwrites its days): retry a throttled or failed invocation
        // with the scheduler's backoff for up to 2 hours, then dead-letter it
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.rollupDeadLetterQueue,
      }),
    });

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      stream: this.stream,
      ...(this.storage
        ? {
            timestream: {
              database: config.database,
              rejectedWritesLocation: `s3://${this.storage.rejectedWritesBucket.bucketName}/{raw,aggregate}/`,
            },
          }
        : {}),
      writer: this.writerFunction,
      rollup: this.rollupFunction,
      rollupScheduleGroup,
      rollupDeadLetterQueue: this.rollupDeadLetterQueue,
      deadLetterQueue: this.deadLetterQueue,
      batchFailureQueue: this.batchFailureQueue,
      actions: [new SnsAction(alarmTopic)],
      ...(props.maxIteratorAge ? { maxIteratorAge: props.maxIteratorAge } : {}),
    });

    acknowledgeFunctionFindings(
      [this.ingestFunction, this.writerFunction, this.rollupFunction, this.authorizerFunction],
      this.storage
        ? [
            ...['raw', 'aggregate'].map(
              (prefix) =>
                `Resource::<${this.getLogicalId(bucketResource(this.storage as TimestreamStorage))}.Arn>/${prefix}/*`,
            ),
            'Action::s3:Abort*',
          ]
        : [],
    );
    if (influx) acknowledgeInfluxFindings(config, [this.writerFunction, this.rollupFunction]);
    // EventBridge Scheduler's role may invoke any version of the rollup function (CDK's LambdaInvoke grant).
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.rollupFunction.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        'The scheduler role created by LambdaInvoke may invoke the rollup function and its versions only ' +
        '(function ARN with the version wildcard).',
    });

    const output = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    output('IngestUrl', `${stage.url}readings`, 'POST readings here with a device token (Bearer)');
    output('StreamName', this.stream.streamName, 'Kinesis stream of readings');
    output('StreamArn', this.stream.streamArn, 'Kinesis stream ARN (replay, consumers)');
    if (influx) {
      output(
        'InfluxDbUrl',
        this.influxDb?.url ?? config.influxdbUrl,
        'InfluxDB endpoint of the writer and the rollup',
      );
      output('InfluxDbDatabase', config.influxdbDatabase || config.database, 'InfluxDB database (bucket)');
      output(
        'InfluxDbTokenSecretArn',
        this.influxDb?.tokenSecret.secretArn ?? config.influxdbTokenSecretArn,
        'Secret holding the InfluxDB API token ({"token": "..."}) that the writer and the rollup send',
      );
      if (this.influxDb) {
        output(
          'InfluxDbAdminSecretArn',
          this.influxDb.adminSecret.secretArn,
          'Secret holding the username and password of the InfluxDB admin user',
        );
      }
      output('RawMeasurement', config.rawTable, 'InfluxDB measurement of raw readings');
      output('AggregateMeasurement', config.aggregateTable, 'InfluxDB measurement of daily aggregates');
    } else {
      output('TimestreamDatabase', config.database, 'Timestream database');
      output('RawTable', config.rawTable, 'Timestream table of raw readings');
      output('AggregateTable', config.aggregateTable, 'Timestream table of daily aggregates');
    }
    output('DeadLetterQueueUrl', this.deadLetterQueue.queueUrl, 'Rejected readings, with their data');
    output('BatchFailureQueueUrl', this.batchFailureQueue.queueUrl, 'Batches the event source gave up on');
    output('TokenSecretArn', this.tokenSecret.secretArn, 'Secret holding the HMAC keys of the device tokens');
    output(
      'RevokedDevicesParameter',
      this.revokedDevices.parameterName,
      'SSM parameter holding the device revocation list',
    );
    output(
      'RollupDeadLetterQueueUrl',
      this.rollupDeadLetterQueue.queueUrl,
      'Rollup runs the scheduler gave up on',
    );
    output('AlarmTopicArn', alarmTopic.topicArn, 'Subscribe to receive the pipeline alarms');
    if (this.storage) {
      output(
        'RejectedWritesBucket',
        this.storage.rejectedWritesBucket.bucketName,
        "Timestream's reports of rejected magnetic-store writes (raw/, aggregate/); kept when the stack is deleted",
      );
    }
    output(
      'PipelineKeyArn',
      key.keyArn,
      'KMS key of the queues and the alarm topic; kept when the stack is deleted',
    );
  }

  /**
   * Lets a function use the store: the Timestream tables (`timestream`), or the InfluxDB token secret (the
   * stack's own, or INFLUXDB_TOKEN_SECRET_ARN of an existing endpoint). No timestream:* with STORAGE=influxdb.
   */
  private grantStore(fn: PipelineFunction, timestream: (storage: TimestreamStorage) => void): void {
    if (this.storage) timestream(this.storage);
    else if (this.influxDb) this.influxDb.grantTokenRead(fn);
    else grantExistingTokenRead(fn, this.config.influxdbTokenSecretArn);
  }
}

/** cdk-nag findings of STORAGE=influxdb, each with its reason. */
function acknowledgeInfluxFindings(config: PipelineConfig, functions: readonly PipelineFunction[]): void {
  for (const fn of functions) {
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWSLambdaVPCAccessExecutionRole lets Lambda create and delete the network interfaces of a function ' +
          'in a VPC (the InfluxDB subnets); it is the role CDK gives every VPC function and grants no data access.',
      },
      ...(config.influxdbUrl !== ''
        ? [
            {
              id: `AwsSolutions-IAM5[Resource::${config.influxdbTokenSecretArn}-??????]`,
              reason:
                'Secrets Manager appends 6 random characters to a secret ARN; INFLUXDB_TOKEN_SECRET_ARN may be ' +
                'given without them, so the grant names the one secret with the suffix wildcard.',
            },
          ]
        : []),
    );
  }
}

/**
 * With STORAGE=influxdb on AWS: no token as text (it would sit in every function's environment), and either
 * INFLUXDB_URL with INFLUXDB_TOKEN_SECRET_ARN (an existing endpoint) or neither (the stack's own instance).
 */
function validateInfluxConfig(id: string, config: PipelineConfig): void {
  if (config.storage !== Storage.influxdb) return;
  if (config.influxdbToken !== '') {
    throw new InvalidStackPropError(
      `${id}.config.influxdbToken (INFLUXDB_TOKEN)`,
      '<set>',
      'a token given as text would be stored in plain text in the environment of every function: put it in ' +
        'a Secrets Manager secret, set INFLUXDB_TOKEN_SECRET_ARN to its ARN and unset INFLUXDB_TOKEN',
    );
  }
  if (config.influxdbUrl !== '' && config.influxdbTokenSecretArn === '') {
    throw new InvalidStackPropError(
      `${id}.config.influxdbTokenSecretArn (INFLUXDB_TOKEN_SECRET_ARN)`,
      '',
      `INFLUXDB_URL=${config.influxdbUrl} is an existing endpoint, reached by the functions outside any VPC: ` +
        'set INFLUXDB_TOKEN_SECRET_ARN to the Secrets Manager secret holding its API token, or unset ' +
        'INFLUXDB_URL to have the stack create a Timestream for InfluxDB instance',
    );
  }
  if (config.influxdbUrl === '' && config.influxdbTokenSecretArn !== '') {
    throw new InvalidStackPropError(
      `${id}.config.influxdbTokenSecretArn (INFLUXDB_TOKEN_SECRET_ARN)`,
      config.influxdbTokenSecretArn,
      'without INFLUXDB_URL the stack creates the InfluxDB instance and its token secret: unset ' +
        'INFLUXDB_TOKEN_SECRET_ARN, or set INFLUXDB_URL too to use an existing endpoint',
    );
  }
}

function validateProps(id: string, props: TelemetryPipelineStackProps, throttle: IngestThrottle): void {
  requireIntegerIn(`${id}.ingestThrottle.rateLimit`, throttle.rateLimit, 1, 10_000, 'requests per second');
  requireIntegerIn(`${id}.ingestThrottle.burstLimit`, throttle.burstLimit, 1, 5_000, 'requests at once');
  if (throttle.burstLimit < throttle.rateLimit / 10) {
    throw new InvalidStackPropError(
      `${id}.ingestThrottle.burstLimit`,
      throttle.burstLimit,
      `is below a tenth of rateLimit (${throttle.rateLimit}): devices sending together would be refused; raise it`,
    );
  }
  if (props.ingestWafRateLimit !== undefined) {
    throw new InvalidStackPropError(
      `${id}.ingestWafRateLimit`,
      props.ingestWafRateLimit,
      'AWS WAF cannot be associated with an API Gateway HTTP API (only with REST API stages, ALBs, ' +
        'CloudFront distributions, AppSync and a few others), so no rate-based rule can be put on this API ' +
        'without a CloudFront distribution in front of it, which this stack does not build. The controls are ' +
        "the stage's throttling (ingestThrottle) and the Lambda authorizer: unset INGEST_WAF_RATE_LIMIT.",
    );
  }
  const cacheTtl = props.authorizerCacheTtl?.toSeconds();
  if (cacheTtl !== undefined)
    requireIntegerIn(`${id}.authorizerCacheTtl (s)`, cacheTtl, 0, 3600, 'API Gateway caches up to 1 hour');
  if (props.unitsConfigJson !== undefined) {
    // Same reader as the writer: a bad units file fails the synth, not the deployed writer.
    parseUnitsConfig(props.unitsConfigJson);
  }
  if (props.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
    throw new InvalidStackPropError(
      `${id}.alarmEmail`,
      props.alarmEmail,
      'must be an e-mail address such as ops@example.com',
    );
  }
  const rollupTimeout = props.rollupTimeout?.toSeconds();
  if (rollupTimeout !== undefined)
    requireIntegerIn(`${id}.rollupTimeout (s)`, rollupTimeout, 10, 900, 'Lambda allows up to 15 minutes');
}

/** cdk-nag findings every pipeline function shares, each with its reason. */
function acknowledgeFunctionFindings(
  functions: readonly PipelineFunction[],
  extraWildcards: readonly string[],
): void {
  const wildcard =
    'Wildcards generated by CDK grants or required by the service: X-Ray PutTraceSegments and Timestream ' +
    'DescribeEndpoints support no resource-level permission ("*"), KMS GenerateDataKey*/ReEncrypt* are ' +
    'action families on the one pipeline key, and the S3 wildcards (objects, s3:Abort* of multipart ' +
    'uploads) are confined to the rejected-writes report prefix of one table in one bucket.';
  for (const fn of functions) {
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWSLambdaBasicExecutionRole only lets the function write its own logs; it is the role CDK gives ' +
          'every function and grants nothing on the pipeline data.',
      },
      ...[...wildcardFindings, ...extraWildcards].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: wildcard,
      })),
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the code is built and tested for (esbuild target node22); moving to a ' +
          'newer runtime is a deliberate upgrade, not a synth-time default.',
      },
    );
  }
}

/** The IAM5 findings of the pipeline functions' policies (see {@link acknowledgeFunctionFindings}). */
const wildcardFindings = ['Resource::*', 'Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'];

function bucketResource(storage: TimestreamStorage): CfnBucket {
  return storage.rejectedWritesBucket.node.defaultChild as CfnBucket;
}
