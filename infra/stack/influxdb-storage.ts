import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type IVpc,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnInfluxDBInstance } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';

/** The port InfluxDB serves its HTTP APIs on (Timestream for InfluxDB's default, over TLS). */
const influxDbPort = 8086;

/**
 * CloudWatch namespace of Timestream for InfluxDB instance metrics (dimension `DbInstanceName`): the namespace
 * the service's own role may publish to (AmazonTimestreamInfluxDBServiceRolePolicy, `cloudwatch:namespace`).
 */
const metricsNamespace = 'AWS/Timestream/InfluxDB';

export interface InfluxDbStorageProps {
  /** The InfluxDB database (bucket) the writer and the rollup use: INFLUXDB_DATABASE, else TIMESTREAM_DATABASE. */
  readonly database: string;
  /**
   * A VPC to put the instance, the functions and the endpoints in.
   * @default - a VPC of its own: 2 AZs, isolated subnets only (no NAT gateway, no internet gateway)
   */
  readonly vpc?: IVpc;
  /**
   * The subnets of `vpc` for the instance, the functions and the endpoints.
   * @default { subnetType: SubnetType.PRIVATE_ISOLATED }
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * DB instance type (db.influx.medium is the smallest: 1 vCPU, 8 GiB).
   * @default 'db.influx.medium'
   */
  readonly instanceType?: string;
  /**
   * Storage in GiB (Timestream for InfluxDB allows 20..16384).
   * @default 20
   */
  readonly allocatedStorageGiB?: number;
  /** What happens to the instance and its secrets when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Where the instance alarms notify. */
  readonly alarmActions: readonly IAlarmAction[];
}

/**
 * STORAGE=influxdb without INFLUXDB_URL: an Amazon Timestream for InfluxDB (InfluxDB 2) DB instance in private
 * subnets, reachable on port 8086 only from the security group of the pipeline functions that use it; interface
 * endpoints for the AWS APIs those functions call from the VPC (Secrets Manager for the token, SQS for the
 * writer's dead letters), so that no NAT gateway is needed; the admin password generated into Secrets Manager;
 * an API token secret the functions read (INFLUXDB_TOKEN_SECRET_ARN); CPU and disk alarms.
 */
export class InfluxDbStorage extends Construct {
  readonly vpc: IVpc;
  readonly vpcSubnets: SubnetSelection;
  readonly instance: CfnInfluxDBInstance;
  /** Put the pipeline functions that talk to InfluxDB in this group: the only one the instance admits. */
  readonly functionsSecurityGroup: SecurityGroup;
  readonly instanceSecurityGroup: SecurityGroup;
  readonly endpointsSecurityGroup: SecurityGroup;
  readonly endpoints: readonly InterfaceVpcEndpoint[];
  /** Username and generated password of the initial admin user. */
  readonly adminSecret: Secret;
  /** The API token the writer and the rollup send (`Authorization: Token`); see README "With InfluxDB". */
  readonly tokenSecret: Secret;
  /** `https://<instance endpoint>:8086` (INFLUXDB_URL of the functions). */
  readonly url: string;
  readonly cpuAlarm: Alarm;
  readonly diskAlarm: Alarm;

  constructor(scope: Construct, id: string, props: InfluxDbStorageProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy;

    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      const vpc = new Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      });
      // Rejected connections only: they show a security group that refuses a function or an endpoint.
      vpc.addFlowLog('RejectedFlows', {
        trafficType: FlowLogTrafficType.REJECT,
        destination: FlowLogDestination.toCloudWatchLogs(
          new LogGroup(this, 'RejectedFlowLogs', {
            retention: RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          }),
        ),
      });
      this.vpc = vpc;
    }
    this.vpcSubnets = props.vpcSubnets ?? { subnetType: SubnetType.PRIVATE_ISOLATED };
    const subnetIds = this.vpc.selectSubnets(this.vpcSubnets).subnetIds;

    this.functionsSecurityGroup = new SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'Pipeline functions that use InfluxDB (writer, rollup)',
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup = new SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: this.vpc,
      description: `Timestream for InfluxDB instance: port ${influxDbPort} from the pipeline functions only`,
      allowAllOutbound: false,
    });
    this.endpointsSecurityGroup = new SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from the pipeline functions only',
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup.addIngressRule(
      this.functionsSecurityGroup,
      Port.tcp(influxDbPort),
      'InfluxDB HTTP API from the pipeline functions',
    );
    this.functionsSecurityGroup.addEgressRule(
      this.instanceSecurityGroup,
      Port.tcp(influxDbPort),
      'InfluxDB HTTP API',
    );
    this.endpointsSecurityGroup.addIngressRule(
      this.functionsSecurityGroup,
      Port.tcp(443),
      'AWS APIs from the pipeline functions',
    );
    this.functionsSecurityGroup.addEgressRule(
      this.endpointsSecurityGroup,
      Port.tcp(443),
      'AWS APIs through the interface endpoints',
    );
    // The endpoints' and the instance's groups keep CDK's "no outbound" placeholder rule (allowAllOutbound false).

    // What the functions call from inside the VPC: GetSecretValue (the InfluxDB token, writer and rollup) and
    // SendMessage (the writer's dead letters; SQS itself calls KMS for the queue key). Kinesis is read by the
    // event source mapping outside the VPC; logs, EMF metrics and traces are delivered by Lambda itself.
    this.endpoints = [
      ['SecretsManagerEndpoint', InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ['SqsEndpoint', InterfaceVpcEndpointAwsService.SQS],
    ].map(
      ([endpointId, service]) =>
        new InterfaceVpcEndpoint(this, endpointId as string, {
          vpc: this.vpc,
          service: service as InterfaceVpcEndpointAwsService,
          subnets: this.vpcSubnets,
          securityGroups: [this.endpointsSecurityGroup],
          privateDnsEnabled: true,
          open: false,
        }),
    );

    this.adminSecret = new Secret(this, 'AdminSecret', {
      description: 'Initial admin user of the Timestream for InfluxDB instance (InfluxDB UI and CLI)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'admin' }),
        generateStringKey: 'password',
        // the service takes 8..64 letters and digits
        passwordLength: 32,
        excludePunctuation: true,
      },
      removalPolicy,
    });
    this.tokenSecret = new Secret(this, 'TokenSecret', {
      description:
        'InfluxDB API token of the writer and the rollup ({"token": "..."}); the generated value is a ' +
        'placeholder that InfluxDB refuses (401) until an operator stores a token',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ note: 'replace token with an InfluxDB API token' }),
        generateStringKey: 'token',
        excludePunctuation: true,
        passwordLength: 32,
      },
      removalPolicy,
    });
    for (const secret of [this.adminSecret, this.tokenSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'InfluxDB credentials are changed in InfluxDB itself (the admin password, API tokens); a Secrets ' +
          'Manager rotation would change the secret without changing InfluxDB, so rotation is an operator step.',
      });
    }

    this.instance = new CfnInfluxDBInstance(this, 'Instance', {
      name: instanceName(Stack.of(this).stackName),
      dbInstanceType: props.instanceType ?? 'db.influx.medium',
      allocatedStorage: props.allocatedStorageGiB ?? 20,
      dbStorageType: 'InfluxIOIncludedT1',
      deploymentType: 'SINGLE_AZ',
      publiclyAccessible: false,
      port: influxDbPort,
      username: 'admin',
      // a {{resolve:secretsmanager:...}} reference: the password never appears in the template
      password: this.adminSecret.secretValueFromJson('password').unsafeUnwrap(),
      organization: 'telemetry',
      bucket: props.database,
      vpcSubnetIds: subnetIds,
      vpcSecurityGroupIds: [this.instanceSecurityGroup.securityGroupId],
    });
    this.instance.applyRemovalPolicy(removalPolicy);
    this.url = `https://${this.instance.attrEndpoint}:${influxDbPort}`;

    const metric = (metricName: string) =>
      new Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { DbInstanceName: this.instance.name as string },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      });
    const alarm = (alarmId: string, metricName: string, threshold: number, description: string) => {
      const a = new Alarm(this, alarmId, {
        metric: metric(metricName),
        threshold,
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      for (const action of props.alarmActions) a.addAlarmAction(action);
      return a;
    };
    this.cpuAlarm = alarm(
      'CpuAlarm',
      'CPUUtilization',
      90,
      'The InfluxDB instance used 90% of its CPU or more for 15 minutes: writes and the rollup slow down; ' +
        'move to a larger instance type.',
    );
    this.diskAlarm = alarm(
      'DiskAlarm',
      'DiskUtilization',
      80,
      'The InfluxDB instance filled 80% of its storage or more: raise its allocated storage before writes fail.',
    );
  }

  /** Lets the grantee read the API token. */
  grantTokenRead(grantee: IGrantable): void {
    this.tokenSecret.grantRead(grantee);
  }
}

/**
 * A DB instance name from the stack name: 3..40 lowercase letters, digits and single hyphens, a letter first,
 * no hyphen last (the service's rule; the name is also the prefix of the endpoint).
 *
 * @example
 * instanceName('IotTelemetryPipeline'); // 'iottelemetrypipeline-influx'
 */
export function instanceName(stackName: string): string {
  const base = stackName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 33)
    .replace(/-+$/, '');
  return `${base || 'pipeline'}-influx`;
}

/**
 * Lets the grantee read the token secret of an existing InfluxDB endpoint (INFLUXDB_TOKEN_SECRET_ARN): the ARN
 * as given, and the ARN with Secrets Manager's 6-character suffix when it was given without it.
 */
export function grantExistingTokenRead(grantee: IGrantable, arn: string): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: [arn, `${arn}-??????`],
  });
}
