import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthPipeline } from './synth-pipeline';

/** The stack in each storage mode: Timestream, InfluxDB instance of its own, existing InfluxDB endpoint. */
const modes: [string, Record<string, string>][] = [
  ['STORAGE=timestream', {}],
  ['STORAGE=influxdb (own instance)', { STORAGE: 'influxdb' }],
  [
    'STORAGE=influxdb (existing endpoint)',
    {
      STORAGE: 'influxdb',
      INFLUXDB_URL: 'https://influx.example.com:8086',
      INFLUXDB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:influx-token',
    },
  ],
];

/** Every acknowledgement recorded in the construct tree, with the path it was recorded on. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => {
        const data = m.data as Record<string, string>;
        return Object.entries(data).map(([id, reason]) => ({ path: c.node.path, id, reason }));
      }),
  );
}

describe.each(modes)('cdk-nag AwsSolutions checks, %s', (_mode, env) => {
  let app: App;
  let stack: Stack;

  beforeAll(() => {
    ({ app, stack } = synthPipeline(env));
  }, 120_000);

  it('find no unacknowledged error or warning in the stack', () => {
    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);
    // Assess
    const findings = report.violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('leave no unacknowledged warning or error annotation on the stack', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledge every finding with a reason of substance', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // besides ours (AwsSolutions-*, W3697), CDK records CloudFormation-Validate ones itself for the InfluxDB
      // VPC (W3010 literal AZs, F3002/F3003 of the flow log): each must carry a reason too
      expect(ack.id, ack.path).toMatch(/(AwsSolutions-|CloudFormation-Validate::[EFW]\d{4}$)/);
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(60);
    }
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('would report the acknowledged findings on an unacknowledged copy (the checks are live)', () => {
    // Prepare: a bucket without SSL enforcement, nothing acknowledged
    const bare = new App();
    const stack = new Stack(bare, 'Bare');
    new Bucket(stack, 'Plain');
    // Act
    const report = new AwsSolutionsChecks(bare).validateScope(bare);
    // Assess
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});
