import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { InvalidStackPropError, requireIntegerIn } from './errors';

/** The repository root (entries, lock file and tsconfig are resolved from it). */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Metric namespace of the pipeline's Powertools metrics (the writer's `ReadingsDeadLettered`, ...). */
export const metricsNamespace = 'IotTelemetry';

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
   * Active X-Ray tracing.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY (logs are not pipeline data)
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A pipeline Lambda: Node.js 22 on arm64, bundled by the local esbuild (never Docker) as ESM with the AWS
 * SDK inside (the versions the code was tested with, not the runtime's), its own log group with retention,
 * Powertools environment and optional active tracing.
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
      tracing: (props.tracing ?? true) ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        externalModules: [],
        // ESM output: CommonJS dependencies still call require(), which ESM does not define.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        tsconfig: `${projectRoot}tsconfig.json`,
      },
    });
  }
}
