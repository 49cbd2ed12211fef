/**
 * What the CDK stack deploys, as far as the bill is concerned, and the figures measured by this project's
 * benchmarks that turn readings into Lambda seconds. The stack's own values live in `infra/stack` (which
 * core cannot import): `test/infra/stack/cost-deployment.test.ts` synthesises the stack and fails when they
 * drift apart from these.
 */
export const stackDefaults = {
  /** Memory (MB) of each function (TelemetryPipelineStack's `memorySize` defaults; the authorizer's is fixed). */
  memoryMb: { ingest: 256, authorizer: 128, writer: 1024, rollup: 512 },
  /** API Gateway caches the authorizer's verdict per Authorization header this long (`authorizerCacheTtl`). */
  authorizerCacheTtlSeconds: 300,
  /** Active X-Ray tracing on the four functions (`tracing`, from TRACING). */
  tracing: true,
  /** Level of the four functions' Powertools logs (POWERTOOLS_LOG_LEVEL, from LOG_LEVEL). */
  logLevel: 'INFO',
  /** CloudWatch alarms of PipelineAlarms. */
  alarms: 12,
  /** Customer-managed KMS keys (the queues' and the alarm topic's). */
  customerKeys: 1,
  /** Secrets Manager secrets (the token keys). */
  secrets: 1,
  /** How often a warm ingest or authorizer container re-reads the token keys (README "Device tokens"). */
  secretReadSeconds: 30,
} as const;

/** A measured figure and where it was measured. */
export interface MeasuredFigure {
  readonly value: number;
  readonly source: string;
}

/**
 * CPU time per unit of work on one core of the benchmark machine (2 cores, Node.js 20). Lambda gives a
 * function CPU in proportion to its memory, a whole vCPU at {@link fullVcpuMemoryMb}: below that, CPU-bound
 * work takes `fullVcpuMemoryMb / memoryMb` times longer than on a whole core.
 */
export const measured = {
  writerCpuSecondsPerReading: {
    value: 1 / 62_009,
    source:
      'BENCHMARKS.md `writer`: 62,009 readings/s through the writer handler, whose thread (handler + SDK clients) is the limit: 16.1 us a reading',
  },
  ingestCpuSecondsPerReading: {
    value: 1 / 319_910,
    source:
      "BENCHMARKS.md `transform`: 319,910 readings per CPU-second through decode, parse, validate, convert and map (the ingest's parse and validate, as a proxy): 3.1 us a reading",
  },
  rollupSecondsPerAggregate: {
    value: 7.5 / 90_000,
    source:
      'BENCHMARKS.md `rollup`: 7.5 s for 90,000 aggregates (30 days x 1,000 devices x 3 measures) against the local Timestream, queries included: 83 us an aggregate',
  },
  authorizerSecondsPerInvocation: {
    value: 0.003,
    source: 'README "Device tokens": the authorizer is about 1-3 ms warm; 3 ms taken',
  },
} as const satisfies Record<string, MeasuredFigure>;

/** Lambda memory at which a function has one full vCPU. */
export const fullVcpuMemoryMb = 1769;

/**
 * Waits that no benchmark here can measure (they are AWS round trips). Assumed, stated in the output, and
 * each can be changed with a flag of `npm run cost`.
 */
export const assumedLatency = {
  /** One Kinesis PutRecords call from the ingest function. */
  kinesisPutMs: 20,
  /** One wave of WriteRecords calls from the writer (up to WRITE_CONCURRENCY in flight). */
  timestreamWriteMs: 30,
  /** One Timestream query (billed at least `minSeconds` whatever it takes). */
  querySeconds: 1,
} as const;

/** Lambda polls each shard of a Kinesis stream about once a second (per concurrent batch of the shard). */
export const lambdaPollsPerShardPerSecond = 1;

/** An on-demand stream starts with this many shards and scales to twice its peak write throughput. */
export const onDemandStartShards = 4;

/** X-Ray's default sampling rule: the first request each second, then 5% of the others. */
export const xraySampling = { reservoirPerSecond: 1, fixedRate: 0.05 } as const;
