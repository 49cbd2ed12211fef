import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import type { PipelineConfig } from '#core/config';

export interface TimestreamStorageProps {
  /** Names and retention (database, rawTable, aggregateTable, *RetentionHours/Days). */
  readonly config: Pick<
    PipelineConfig,
    | 'database'
    | 'rawTable'
    | 'aggregateTable'
    | 'rawMemoryRetentionHours'
    | 'rawMagneticRetentionDays'
    | 'aggregateMemoryRetentionHours'
    | 'aggregateMagneticRetentionDays'
  >;
  /**
   * What happens to the database, the tables and the rejected-writes bucket when the stack is deleted (or a
   * resource replaced); a rolled-back first create removes them whatever the policy says.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Which table a grant is for. */
export const TimestreamTableRole = { raw: 'raw', aggregate: 'aggregate' } as const;
export type TimestreamTableRole = (typeof TimestreamTableRole)[keyof typeof TimestreamTableRole];

/**
 * The Timestream database with the raw and the daily aggregate table. Both tables accept magnetic-store
 * writes (replay and late rollups write days older than the memory store), and Timestream reports the
 * records it rejects there into an encrypted, private, SSL-only bucket. Timestream has L1 constructs
 * only, so access is granted here with table-scoped statements.
 */
export class TimestreamStorage extends Construct {
  readonly database: CfnDatabase;
  readonly rawTable: CfnTable;
  readonly aggregateTable: CfnTable;
  /** Reports of records rejected by magnetic-store writes, under `raw/` and `aggregate/`. */
  readonly rejectedWritesBucket: Bucket;

  constructor(scope: Construct, id: string, props: TimestreamStorageProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

    this.rejectedWritesBucket = new Bucket(this, 'RejectedWrites', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: false,
      removalPolicy,
      autoDeleteObjects: false,
    });
    Validations.of(this.rejectedWritesBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only Timestream reports of rejected magnetic-store writes, written by the service; access ' +
        'logs would need a second bucket and add nothing to the writer alarms that already watch rejections.',
    });

    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W3697',
      reason:
        'Timestream for LiveAnalytics is in maintenance mode (closed to new customers since 2025-06-20): ' +
        'the pipeline targets accounts that already have it; the local Timestream keeps working regardless.',
    });
    this.database = new CfnDatabase(this, 'Database', { databaseName: config.database });
    this.database.applyRemovalPolicy(removalPolicy);
    Validations.of(this.database).acknowledge({
      id: 'AwsSolutions-TS3',
      reason:
        'Timestream always encrypts at rest (AWS managed key); a customer key would add a KMS request to ' +
        'every write and query of the raw table without protecting against anyone the IAM grants do not.',
    });

    const table = (
      logicalId: string,
      tableName: string,
      memoryHours: number,
      magneticDays: number,
      prefix: string,
    ) => {
      const t = new CfnTable(this, logicalId, {
        databaseName: config.database,
        tableName,
        retentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(memoryHours),
          MagneticStoreRetentionPeriodInDays: String(magneticDays),
        },
        magneticStoreWriteProperties: {
          EnableMagneticStoreWrites: true,
          MagneticStoreRejectedDataLocation: {
            S3Configuration: {
              BucketName: this.rejectedWritesBucket.bucketName,
              EncryptionOption: 'SSE_S3',
              ObjectKeyPrefix: prefix,
            },
          },
        },
      });
      t.addResourceDependency(this.database, 'a table needs its database');
      t.applyRemovalPolicy(removalPolicy);
      return t;
    };
    this.rawTable = table(
      'RawTable',
      config.rawTable,
      config.rawMemoryRetentionHours,
      config.rawMagneticRetentionDays,
      'raw/',
    );
    this.aggregateTable = table(
      'AggregateTable',
      config.aggregateTable,
      config.aggregateMemoryRetentionHours,
      config.aggregateMagneticRetentionDays,
      'aggregate/',
    );
  }

  private tableArn(role: TimestreamTableRole): string {
    return (role === TimestreamTableRole.raw ? this.rawTable : this.aggregateTable).attrArn;
  }

  /**
   * Lets the grantee write records into one table: WriteRecords on that table only, DescribeEndpoints
   * (endpoint discovery, which accepts no resource but `*`), and putting rejected-write reports under the
   * table's bucket prefix (magnetic-store writes report rejections with the caller's permissions).
   */
  grantWrite(grantee: IGrantable, role: TimestreamTableRole): Grant {
    this.grantDescribeEndpoints(grantee);
    this.rejectedWritesBucket.grantPut(grantee, `${role}/*`);
    return Grant.addToPrincipal({
      grantee,
      actions: ['timestream:WriteRecords'],
      resourceArns: [this.tableArn(role)],
    });
  }

  /** Lets the grantee query one table (SELECT, DESCRIBE) and discover the query endpoint. */
  grantQuery(grantee: IGrantable, role: TimestreamTableRole): Grant {
    this.grantDescribeEndpoints(grantee);
    return Grant.addToPrincipal({
      grantee,
      actions: ['timestream:Select', 'timestream:DescribeTable'],
      resourceArns: [this.tableArn(role)],
    });
  }

  private grantDescribeEndpoints(grantee: IGrantable): void {
    Grant.addToPrincipal({ grantee, actions: ['timestream:DescribeEndpoints'], resourceArns: ['*'] });
    // No resource-level permission exists for DescribeEndpoints: see the IAM5 acknowledgement of the
    // pipeline functions (telemetry-pipeline-stack.ts).
  }
}
