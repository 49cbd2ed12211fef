import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LogLevel } from '#core/config';
import { InvalidStackPropError, requireIntegerIn } from './errors';

/** The repository root (entries, lock file and tsconfig are resolved from it). */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Metric namespace of the pipeline's Powertools metrics (the writer's `ReadingsDeadLettered`, ...). */
export const metricsNamespace = 'IotTelemetry';

/** Lambda's limit on a function's environment variables, all keys and values together. */
const lambdaEnvironmentLimitBytes = 4096;

/**
 * Bytes counted for a value CloudFormation fills in at deploy time (a queue URL, a secret ARN, a parameter
 * name): more than any of them takes, so that the check at synth never passes an environment that the deploy
 * would refuse.
 */
const deployTimeValueBytes = 256;

/**
 * The size of a function's environment as Lambda limits it: the keys and values in UTF-8, counted as the
 * JSON text of the map (a few bytes more per variable than the bare sum, so on the safe side).
 */
function environmentBytes(environment: Readonly<Record<string, string>>): number {
  return Object.entries(environment).reduce(
    (sum, [key, value]) =>
      sum +
      Buffer.byteLength(JSON.stringify(key)) +
      (Token.isUnresolved(value) ? deployTimeValueBytes : Buffer.byteLength(JSON.stringify(value))) +
      2,
    2,
  );
}

/** Throws an {@link InvalidStackPropError} naming the largest variables when the environment exceeds 4 KB. */
function requireEnvironmentFits(id: string, environment: Readonly<Record<string, string>>): void {
  const size = environmentBytes(environment);
  if (size <= lambdaEnvironmentLimitBytes) return;
  const largest = Object.entries(environment)
    .map(([key, value]) => [key, environmentBytes({ [key]: value }) - 2] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([key, bytes]) => `${key} (${bytes} bytes)`)
    .join(', ');
  throw new InvalidStackPropError(
    `${id}.environment`,
    `${size} bytes`,
    `Lambda allows ${lambdaEnvironmentLimitBytes} bytes of environment variables per function, and the ` +
      `deploy would fail; the largest are ${largest}. Every pipeline function gets UNITS_CONFIG: keep ` +
      'only the measures and units the fleet sends in it.',
  );
}

export interface PipelineFunctionProps {
  /** Handler file, relative to the repository root, exporting `handler` (e.g. `consumers/writer/handler.ts`). */
  readonly entry: string;
  /** Powertools service name (`POWERTOOLS_SERVICE_NAME`, the metrics' `service` dimension). */
  readonly serviceName: string;
  /** Environment of the function (the pipeline configuration and the resources' names). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Memory in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Active X-Ray tracing; without it the function is PassThrough (set explicitly, so that a deployed function
   * that traced stops tracing on the next deploy).
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Level of the function's Powertools logs (`POWERTOOLS_LOG_LEVEL`; the stack passes LOG_LEVEL).
   * @default LogLevel.info (Powertools' own default)
   */
  readonly logLevel?: LogLevel;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY (logs are not pipeline data)
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The VPC the function runs in (STORAGE=influxdb with the stack's own InfluxDB instance), its subnets and
   * security groups.
   * @default - not in a VPC
   */
  readonly network?: {
    readonly vpc: IVpc;
    readonly vpcSubnets: SubnetSelection;
    readonly securityGroups: readonly ISecurityGroup[];
  };
}

/**
 * A pipeline Lambda: Node.js 22 on arm64, bundled by the local esbuild (never Docker) as ESM with the AWS
 * SDK inside (the versions the code was tested with, not the runtime's), its own log group with retention,
 * Powertools environment (service, metrics namespace, log level) and optional active tracing.
 */
export class PipelineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const memorySize = props.memorySize ?? 512;
    requireIntegerIn(`${id}.memorySize`, memorySize, 128, 10_240, 'Lambda memory is set in MB');
    if (!/^[\w./-]+\.ts$/.test(props.entry) || props.entry.startsWith('/')) {
      throw new InvalidStackPropError(
        `${id}.entry`,
        props.entry,
        'give a .ts file relative to the repository root, e.g. consumers/writer/handler.ts',
      );
    }
    const environment = {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? LogLevel.info,
    };
    requireEnvironmentFits(id, environment);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: `${projectRoot}${props.entry}`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout: props.timeout ?? Duration.seconds(30),
      // PassThrough rather than DISABLED: DISABLED leaves TracingConfig out of the template, and taking a
      // property out is not a reliable way to switch it off on a function already deployed with Active
      tracing: (props.tracing ?? true) ? Tracing.ACTIVE : Tracing.PASS_THROUGH,
      logGroup,
      environment,
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.vpcSubnets,
            securityGroups: [...props.network.securityGroups],
          }
        : {}),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        // Stack traces name the functions (keepNames) instead of applying a source map at run time:
        // --enable-source-maps parsed ~3.4 MB of map at every cold start (+20..53 ms of CPU) and the
        // maps quadrupled each zip (BENCHMARKS.md, "Source maps on Lambda").
        keepNames: true,
        sourceMap: false,
        externalModules: [],
        // ESM output: CommonJS dependencies still call require(), which ESM does not define.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        tsconfig: `${projectRoot}tsconfig.json`,
      },
    });
  }
}
