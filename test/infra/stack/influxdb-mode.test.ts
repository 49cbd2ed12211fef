import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPipelineConfig } from '#core/config';
import { InvalidStackPropError, TelemetryPipelineStack } from '#infra/stack';
import { instanceName } from '#infra/stack/influxdb-storage';
import { synthPipeline } from './synth-pipeline';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const existingArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:influx-token';

/** The properties of a resource the template must have. */
function propsOf(resources: Resources, id: string | undefined): Record<string, unknown> {
  const found = id === undefined ? undefined : resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found.Properties;
}

/** The logical id of the one function whose Powertools service name is `service`. */
function functionId(resources: Resources, service: string): string {
  const ids = Object.entries(resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.POWERTOOLS_SERVICE_NAME === service,
    )
    .map(([id]) => id);
  expect(ids, `functions of service ${service}`).toHaveLength(1);
  return ids[0] as string;
}

const variablesOf = (resources: Resources, id: string) =>
  (propsOf(resources, id).Environment as { Variables: Record<string, unknown> }).Variables;

const idsOfType = (resources: Resources, type: string) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);

/** Every IAM action granted by the stack's policies. */
function grantedActions(resources: Resources): string[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The statements of the policy attached to a function's role. */
function statementsOfFunction(resources: Resources, fnId: string) {
  const role = ((propsOf(resources, fnId).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? [])[0];
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role),
    )
    .flatMap(
      (r) =>
        (r.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
}

describe('STORAGE=influxdb without INFLUXDB_URL: a Timestream for InfluxDB instance of its own', () => {
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    ({ template } = synthPipeline({ STORAGE: 'influxdb', INFLUXDB_DATABASE: 'plant7' }));
    resources = template.toJSON().Resources as Resources;
  }, 120_000);

  it('creates the smallest single-AZ instance, private, its password from a generated secret', () => {
    const [id] = idsOfType(resources, 'AWS::Timestream::InfluxDBInstance');
    const props = propsOf(resources, id) as Record<string, unknown>;
    expect(props).toMatchObject({
      DbInstanceType: 'db.influx.medium',
      AllocatedStorage: 20,
      DeploymentType: 'SINGLE_AZ',
      PubliclyAccessible: false,
      Port: 8086,
      Bucket: 'plant7',
      Name: 'pipeline-influx',
    });
    // a dynamic reference to the generated admin secret, never the password itself
    const password = JSON.stringify(props.Password);
    expect(password).toContain('{{resolve:secretsmanager:');
    expect(password).toContain(':SecretString:password::}}');
    const adminSecretId = idsOfType(resources, 'AWS::SecretsManager::Secret').find((s) =>
      s.startsWith('InfluxDbAdminSecret'),
    );
    expect(password).toContain(adminSecretId);
  });

  it('creates no Timestream for LiveAnalytics resource, no rejected-writes bucket and no Timestream alarm', () => {
    expect(idsOfType(resources, 'AWS::Timestream::Database')).toEqual([]);
    expect(idsOfType(resources, 'AWS::Timestream::Table')).toEqual([]);
    expect(idsOfType(resources, 'AWS::S3::Bucket')).toEqual([]);
    const alarmText = JSON.stringify(
      idsOfType(resources, 'AWS::CloudWatch::Alarm').map((id) => propsOf(resources, id)),
    );
    expect(alarmText).not.toContain('AWS/Timestream"');
    expect(alarmText).not.toContain('MagneticStore');
  });

  it('grants no timestream:* action to anyone', () => {
    const actions = grantedActions(resources);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.startsWith('timestream:'))).toEqual([]);
  });

  it('builds a VPC with isolated subnets only: no NAT gateway, no internet gateway', () => {
    expect(idsOfType(resources, 'AWS::EC2::VPC')).toHaveLength(1);
    expect(idsOfType(resources, 'AWS::EC2::Subnet')).toHaveLength(2);
    expect(idsOfType(resources, 'AWS::EC2::NatGateway')).toEqual([]);
    expect(idsOfType(resources, 'AWS::EC2::InternetGateway')).toEqual([]);
    for (const id of idsOfType(resources, 'AWS::EC2::Subnet')) {
      expect(propsOf(resources, id).MapPublicIpOnLaunch).toBe(false);
    }
  });

  it("admits only the functions' security group, on port 8086, to the instance", () => {
    const [instanceId] = idsOfType(resources, 'AWS::Timestream::InfluxDBInstance');
    const [instanceSg] = (
      propsOf(resources, instanceId).VpcSecurityGroupIds as { 'Fn::GetAtt': string[] }[]
    ).map((ref) => ref['Fn::GetAtt'][0]);
    const functionsSg = idsOfType(resources, 'AWS::EC2::SecurityGroup').find((id) =>
      id.startsWith('InfluxDbFunctionsSecurityGroup'),
    );
    // no inline rule open to an address range
    const inline = propsOf(resources, instanceSg).SecurityGroupIngress;
    expect(inline).toBeUndefined();
    const ingress = idsOfType(resources, 'AWS::EC2::SecurityGroupIngress')
      .map((id) => propsOf(resources, id) as Record<string, unknown>)
      .filter((p) => (p.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === instanceSg);
    expect(ingress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 8086,
        ToPort: 8086,
        SourceSecurityGroupId: { 'Fn::GetAtt': [functionsSg, 'GroupId'] },
      }),
    ]);
  });

  it('puts the writer and the rollup in the isolated subnets with the functions group, and nothing else', () => {
    const subnets = idsOfType(resources, 'AWS::EC2::Subnet').map((id) => ({ Ref: id }));
    const functionsSg = idsOfType(resources, 'AWS::EC2::SecurityGroup').find((id) =>
      id.startsWith('InfluxDbFunctionsSecurityGroup'),
    );
    for (const service of ['writer', 'rollup']) {
      expect(propsOf(resources, functionId(resources, service)).VpcConfig, service).toEqual({
        SubnetIds: expect.arrayContaining(subnets),
        SecurityGroupIds: [{ 'Fn::GetAtt': [functionsSg, 'GroupId'] }],
      });
    }
    for (const service of ['ingest', 'authorizer']) {
      expect(propsOf(resources, functionId(resources, service)).VpcConfig, service).toBeUndefined();
    }
  });

  it('creates interface endpoints for Secrets Manager and SQS only, open to the functions on 443', () => {
    const endpoints = idsOfType(resources, 'AWS::EC2::VPCEndpoint').map(
      (id) => propsOf(resources, id) as Record<string, unknown>,
    );
    const services = endpoints.map((e) => JSON.stringify(e.ServiceName));
    expect(services).toHaveLength(2);
    expect(services.some((s) => s.includes('.secretsmanager'))).toBe(true);
    expect(services.some((s) => s.includes('.sqs'))).toBe(true);
    for (const e of endpoints) {
      expect(e).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    }
    const endpointsSg = idsOfType(resources, 'AWS::EC2::SecurityGroup').find((id) =>
      id.startsWith('InfluxDbEndpointsSecurityGroup'),
    );
    const functionsSg = idsOfType(resources, 'AWS::EC2::SecurityGroup').find((id) =>
      id.startsWith('InfluxDbFunctionsSecurityGroup'),
    );
    const ingress = idsOfType(resources, 'AWS::EC2::SecurityGroupIngress')
      .map((id) => propsOf(resources, id) as Record<string, unknown>)
      .filter((p) => (p.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] === endpointsSg);
    expect(ingress).toEqual([
      expect.objectContaining({
        FromPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [functionsSg, 'GroupId'] },
      }),
    ]);
  });

  it('gives the writer and the rollup the instance URL and the token secret, and no token as text', () => {
    const [instanceId] = idsOfType(resources, 'AWS::Timestream::InfluxDBInstance');
    const tokenSecret = idsOfType(resources, 'AWS::SecretsManager::Secret').find((s) =>
      s.startsWith('InfluxDbTokenSecret'),
    );
    for (const service of ['writer', 'rollup']) {
      const variables = variablesOf(resources, functionId(resources, service));
      expect(variables.STORAGE).toBe('influxdb');
      expect(variables.INFLUXDB_DATABASE).toBe('plant7');
      expect(variables.INFLUXDB_TOKEN).toBe('');
      expect(variables.INFLUXDB_URL).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [instanceId, 'Endpoint'] }, ':8086']],
      });
      expect(variables.INFLUXDB_TOKEN_SECRET_ARN).toEqual({ Ref: tokenSecret });
      const reads = statementsOfFunction(resources, functionId(resources, service)).filter((s) =>
        [s.Action].flat().includes('secretsmanager:GetSecretValue'),
      );
      expect(reads.map((s) => s.Resource)).toContainEqual({ Ref: tokenSecret });
    }
  });

  it('alarms on the instance CPU and disk', () => {
    const [instanceId] = idsOfType(resources, 'AWS::Timestream::InfluxDBInstance');
    const name = propsOf(resources, instanceId).Name;
    for (const [metric, threshold] of [
      ['CPUUtilization', 90],
      ['DiskUtilization', 80],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Timestream/InfluxDB',
        MetricName: metric,
        Dimensions: [{ Name: 'DbInstanceName', Value: name }],
        Threshold: threshold,
      });
    }
  });

  it('outputs the InfluxDB URL, database and secrets instead of the Timestream names', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'InfluxDbUrl',
        'InfluxDbDatabase',
        'InfluxDbTokenSecretArn',
        'InfluxDbAdminSecretArn',
      ]),
    );
    expect(outputs).not.toContain('TimestreamDatabase');
    expect(outputs).not.toContain('RejectedWritesBucket');
  });
});

describe('STORAGE=influxdb with INFLUXDB_URL: an existing endpoint', () => {
  let resources: Resources;

  beforeAll(() => {
    const { template } = synthPipeline({
      STORAGE: 'influxdb',
      INFLUXDB_URL: 'https://influx.example.com:8086',
      INFLUXDB_TOKEN_SECRET_ARN: existingArn,
    });
    resources = template.toJSON().Resources as Resources;
  }, 120_000);

  it('creates no instance, no VPC and no Timestream resource, and keeps the functions out of any VPC', () => {
    for (const type of [
      'AWS::Timestream::InfluxDBInstance',
      'AWS::EC2::VPC',
      'AWS::EC2::VPCEndpoint',
      'AWS::Timestream::Database',
      'AWS::Timestream::Table',
      'AWS::S3::Bucket',
    ]) {
      expect(idsOfType(resources, type), type).toEqual([]);
    }
    for (const service of ['writer', 'rollup']) {
      expect(propsOf(resources, functionId(resources, service)).VpcConfig).toBeUndefined();
    }
    expect(grantedActions(resources).filter((a) => a.startsWith('timestream:'))).toEqual([]);
  });

  it('passes the URL and the secret ARN, and lets the writer and the rollup read that secret only', () => {
    for (const service of ['writer', 'rollup']) {
      const id = functionId(resources, service);
      const variables = variablesOf(resources, id);
      expect(variables).toMatchObject({
        STORAGE: 'influxdb',
        INFLUXDB_URL: 'https://influx.example.com:8086',
        INFLUXDB_TOKEN_SECRET_ARN: existingArn,
      });
      const reads = statementsOfFunction(resources, id).filter((s) =>
        [s.Action].flat().includes('secretsmanager:GetSecretValue'),
      );
      expect(reads.map((s) => s.Resource)).toContainEqual([existingArn, `${existingArn}-??????`]);
    }
  });
});

describe('STORAGE=influxdb settings the stack refuses', () => {
  const build = (env: Record<string, string>) => () =>
    new TelemetryPipelineStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Pipeline', {
      config: readPipelineConfig(env),
    });

  it('refuses INFLUXDB_TOKEN as text, naming the secret to use instead', () => {
    expect(build({ STORAGE: 'influxdb', INFLUXDB_TOKEN: 't0ken' })).toThrow(InvalidStackPropError);
    expect(build({ STORAGE: 'influxdb', INFLUXDB_TOKEN: 't0ken' })).toThrow(/INFLUXDB_TOKEN_SECRET_ARN/);
  });

  it('refuses an existing endpoint without a token secret', () => {
    expect(build({ STORAGE: 'influxdb', INFLUXDB_URL: 'https://influx.example.com:8086' })).toThrow(
      /set INFLUXDB_TOKEN_SECRET_ARN/,
    );
  });

  it('refuses a token secret without an endpoint (the stack would create its own)', () => {
    expect(build({ STORAGE: 'influxdb', INFLUXDB_TOKEN_SECRET_ARN: existingArn })).toThrow(
      /unset INFLUXDB_TOKEN_SECRET_ARN, or set INFLUXDB_URL/,
    );
  });
});

describe('STORAGE=influxdb in a given VPC', () => {
  it('creates no VPC of its own and uses the given subnets for the instance, functions and endpoints', () => {
    // Prepare: a network stack with isolated subnets
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const network = new Stack(app, 'Network');
    const vpc = new Vpc(network, 'Shared', {
      natGateways: 0,
      maxAzs: 2,
      subnetConfiguration: [{ name: 'Data', subnetType: SubnetType.PRIVATE_ISOLATED }],
    });
    // Act
    const stack = new TelemetryPipelineStack(app, 'Pipeline', {
      config: readPipelineConfig({ STORAGE: 'influxdb' }),
      influxDb: { vpc },
    });
    // Assess
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    expect(idsOfType(resources, 'AWS::EC2::VPC')).toEqual([]);
    const [instanceId] = idsOfType(resources, 'AWS::Timestream::InfluxDBInstance');
    const instanceSubnets = JSON.stringify(propsOf(resources, instanceId).VpcSubnetIds);
    expect(instanceSubnets).toContain('Fn::ImportValue');
    expect(instanceSubnets).toContain('SharedDataSubnet1');
    const writerSubnets = JSON.stringify(
      (propsOf(resources, functionId(resources, 'writer')).VpcConfig as { SubnetIds: unknown }).SubnetIds,
    );
    expect(writerSubnets).toBe(instanceSubnets);
    expect(idsOfType(resources, 'AWS::EC2::VPCEndpoint')).toHaveLength(2);
  });
});

describe('STORAGE=timestream (the default)', () => {
  let resources: Resources;

  beforeAll(() => {
    resources = synthPipeline({}).template.toJSON().Resources as Resources;
  }, 120_000);

  it('creates the Timestream database and tables and no InfluxDB instance, VPC or endpoint', () => {
    expect(idsOfType(resources, 'AWS::Timestream::Database')).toHaveLength(1);
    expect(idsOfType(resources, 'AWS::Timestream::Table')).toHaveLength(2);
    for (const type of ['AWS::Timestream::InfluxDBInstance', 'AWS::EC2::VPC', 'AWS::EC2::VPCEndpoint']) {
      expect(idsOfType(resources, type), type).toEqual([]);
    }
  });

  it('keeps every function out of any VPC, with STORAGE=timestream and Timestream grants', () => {
    for (const service of ['ingest', 'authorizer', 'writer', 'rollup']) {
      expect(propsOf(resources, functionId(resources, service)).VpcConfig, service).toBeUndefined();
    }
    expect(variablesOf(resources, functionId(resources, 'writer')).STORAGE).toBe('timestream');
    expect(grantedActions(resources)).toEqual(expect.arrayContaining(['timestream:WriteRecords']));
  });
});

describe('instanceName', () => {
  it.each([
    ['IotTelemetryPipeline', 'iottelemetrypipeline-influx'],
    ['2nd--Plant_Stack', 'nd-plant-stack-influx'],
    ['A'.repeat(60), `${'a'.repeat(33)}-influx`],
    ['123', 'pipeline-influx'],
  ])('makes %s a valid DB instance name', (stackName, expected) => {
    const name = instanceName(stackName);
    expect(name).toBe(expected);
    expect(name).toMatch(/^[a-z](?!.*--)[a-z0-9-]{2,39}$/);
    expect(name.endsWith('-')).toBe(false);
  });
});
