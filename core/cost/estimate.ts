import { LogLevel, type RecordLayout, StreamMode } from '../config';
import {
  fullVcpuMemoryMb,
  lambdaPollsPerShardPerSecond,
  measured,
  onDemandStartShards,
  stackDefaults,
  xraySampling,
} from './deployment';
import { CostInputError } from './errors';
import { type MeteredRecord, meteredWriteUnits, storedBytes } from './metering';
import type { RegionPrices } from './prices';
import { measureTraffic, measureWrites, type SampleShape } from './sample-traffic';

/** AWS bills a month as 730 hours. */
export const hoursPerMonth = 730;
const secondsPerMonth = hoursPerMonth * 3600;
const daysPerMonth = hoursPerMonth / 24;
const gb = 2 ** 30;

/** A fleet and the pipeline's settings: everything the monthly bill depends on. */
export interface CostInputs extends SampleShape {
  /** Seconds between two readings of one device. */
  readonly intervalSeconds: number;
  readonly layout: RecordLayout;
  readonly rawMemoryHours: number;
  readonly rawMagneticDays: number;
  readonly aggregateMemoryHours: number;
  readonly aggregateMagneticDays: number;
  /** Months of readings already in the magnetic store (the storage line grows with it). */
  readonly monthsOfHistory: number;
  readonly streamMode: StreamMode;
  /** Shards of a provisioned stream. */
  readonly shards: number;
  readonly streamRetentionHours: number;
  readonly writerBatchSize: number;
  readonly writeConcurrency: number;
  readonly rollupLookbackDays: number;
  /** Dashboard panels (queries) per refresh, and refreshes per day. */
  readonly panels: number;
  readonly refreshesPerDay: number;
  /** Active X-Ray tracing on the functions (TRACING). */
  readonly tracing: boolean;
  /** Level of the functions' Powertools logs (LOG_LEVEL). */
  readonly logLevel: LogLevel;
  readonly authorizerCacheTtlSeconds: number;
  readonly latency: {
    readonly kinesisPutMs: number;
    readonly timestreamWriteMs: number;
    readonly querySeconds: number;
  };
}

/** One line of the bill. */
export interface CostLine {
  readonly component: string;
  /** The usage behind the amount, e.g. "43.8M requests". */
  readonly usage: string;
  readonly monthlyUsd: number;
}

export interface CostEstimate {
  readonly inputs: CostInputs;
  readonly region: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** Derived figures worth showing (readings a month, sizes measured, invocations). */
  readonly figures: Readonly<Record<string, number>>;
  /** Things to know about this estimate (capacity warnings). */
  readonly warnings: readonly string[];
}

/** Builds one aggregate record of the rollup for a device and a measure (the rollup's own code, injected). */
export type AggregateRecordOf = (deviceId: string, measure: string) => MeteredRecord;

/** Billed Lambda cost of `invocations` of `seconds` each (rounded up to the ms) at `memoryMb`. */
function lambdaCost(prices: RegionPrices, invocations: number, seconds: number, memoryMb: number) {
  const billedSeconds = Math.ceil(seconds * 1000 - 1e-9) / 1000;
  const gbSeconds = invocations * billedSeconds * (memoryMb / 1024);
  return {
    gbSeconds,
    usd: (invocations / 1e6) * prices.lambda.perMillionRequests + gbSeconds * prices.lambda.arm64PerGbSecond,
  };
}

/** CPU-bound seconds on Lambda at `memoryMb` for `cpuSeconds` measured on a whole core. */
function lambdaCpuSeconds(cpuSeconds: number, memoryMb: number): number {
  return cpuSeconds * Math.max(1, fullVcpuMemoryMb / memoryMb);
}

/** Traces X-Ray records a second for a function invoked `perSecond` times, under the default sampling rule. */
function tracesPerSecond(perSecond: number): number {
  const reservoir = Math.min(perSecond, xraySampling.reservoirPerSecond);
  return reservoir + xraySampling.fixedRate * Math.max(0, perSecond - reservoir);
}

/** TCU-hours of `queries` queries of `seconds` each, at the minimum TCUs and at least `minSeconds`. */
function tcuHours(prices: RegionPrices, queries: number, seconds: number): number {
  const { minTcu, minSeconds } = prices.timestream;
  return (queries * minTcu * Math.max(minSeconds, seconds)) / 3600;
}

const tiered = (units: number, first: number, tierUnits: number, after: number) =>
  Math.min(units, tierUnits) * first + Math.max(0, units - tierUnits) * after;

function validateInputs(inputs: CostInputs): void {
  const problems: string[] = [];
  const positive = (name: string, value: number, max = Number.POSITIVE_INFINITY) => {
    if (!Number.isFinite(value) || value <= 0 || value > max) {
      problems.push(
        `${name} = ${value}: must be a number above 0${max < Infinity ? ` and at most ${max}` : ''}`,
      );
    }
  };
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} = ${value}: must be a whole number from ${min} to ${max}`);
    }
  };
  whole('devices', inputs.devices, 1, 100_000_000);
  positive('interval (seconds)', inputs.intervalSeconds);
  whole('readings per POST', inputs.readingsPerPost, 1, 500);
  if (inputs.measures.length === 0) problems.push('measures: give at least one measure name');
  whole('raw memory retention (hours)', inputs.rawMemoryHours, 1, 8766);
  whole('raw magnetic retention (days)', inputs.rawMagneticDays, 1, 73_000);
  whole('shards', inputs.shards, 1, 500);
  whole('stream retention (hours)', inputs.streamRetentionHours, 24, 8760);
  whole('panels', inputs.panels, 0, 100);
  if (!Number.isFinite(inputs.refreshesPerDay) || inputs.refreshesPerDay < 0) {
    problems.push(`refreshes per day = ${inputs.refreshesPerDay}: must be 0 or more`);
  }
  if (!Number.isFinite(inputs.monthsOfHistory) || inputs.monthsOfHistory < 0) {
    problems.push(`months of history = ${inputs.monthsOfHistory}: must be 0 or more`);
  }
  if (problems.length > 0) throw new CostInputError(problems);
}

/**
 * The monthly AWS bill of the pipeline for a fleet, component by component. Pure: the sizes come from the
 * pipeline's own code run on sample readings (`sample-traffic.ts`), the CPU figures from the benchmarks
 * (`deployment.ts`), the prices from `prices.ts`.
 */
export function estimateCost(
  inputs: CostInputs,
  prices: RegionPrices,
  aggregateRecordOf: AggregateRecordOf,
): CostEstimate {
  validateInputs(inputs);
  const lines: CostLine[] = [];
  const warnings: string[] = [];
  const add = (component: string, usage: string, monthlyUsd: number) =>
    lines.push({ component, usage, monthlyUsd });

  // The flow.
  const readings = (inputs.devices * secondsPerMonth) / inputs.intervalSeconds;
  const posts = readings / inputs.readingsPerPost;
  const postsPerSecond = posts / secondsPerMonth;
  const traffic = measureTraffic(inputs);

  // API Gateway HTTP API: each request metered in 512 KB increments.
  const apiUnits = posts * Math.ceil(traffic.requestBodyBytes / prices.apiGateway.meteredRequestBytes);
  const api = prices.apiGateway;
  add(
    'API Gateway HTTP API',
    `${count(apiUnits)} requests`,
    tiered(apiUnits / 1e6, api.httpPerMillionFirst300M, 300, api.httpPerMillionAfter300M),
  );

  // Authorizer: invoked once per device per cache TTL (or per request without a cache).
  const postIntervalSeconds = inputs.intervalSeconds * inputs.readingsPerPost;
  const ttl = inputs.authorizerCacheTtlSeconds;
  const authorizerPerDevice =
    ttl <= 0
      ? secondsPerMonth / postIntervalSeconds
      : secondsPerMonth / (Math.ceil(ttl / postIntervalSeconds) * postIntervalSeconds);
  const authorizerInvocations = inputs.devices * authorizerPerDevice;
  const authorizerSeconds = measured.authorizerSecondsPerInvocation.value;
  const authorizer = lambdaCost(
    prices,
    authorizerInvocations,
    authorizerSeconds,
    stackDefaults.memoryMb.authorizer,
  );
  add(
    'Lambda authorizer',
    `${count(authorizerInvocations)} invocations (cache ${ttl} s), ${ms(authorizerSeconds)} each`,
    authorizer.usd,
  );

  // Ingest: one invocation per POST: one PutRecords round trip plus parsing and validating the readings.
  const ingestSeconds =
    inputs.latency.kinesisPutMs / 1000 +
    lambdaCpuSeconds(
      inputs.readingsPerPost * measured.ingestCpuSecondsPerReading.value,
      stackDefaults.memoryMb.ingest,
    );
  const ingest = lambdaCost(prices, posts, ingestSeconds, stackDefaults.memoryMb.ingest);
  add('Ingest Lambda', `${count(posts)} invocations, ${ms(ingestSeconds)} each`, ingest.usd);

  // Kinesis: one record per POST (the ingest packs a request's readings into one record up to 256 KiB).
  const recordsPerPost = Math.ceil(traffic.kinesisRecordBytes / (256 * 1024));
  const recordBytes = traffic.kinesisRecordBytes / recordsPerPost;
  const records = posts * recordsPerPost;
  const recordsPerSecond = records / secondsPerMonth;
  const bytesPerSecond = recordsPerSecond * recordBytes;
  const extendedHours = Math.min(inputs.streamRetentionHours, 168) - 24;
  if (inputs.streamRetentionHours > 168) {
    warnings.push(
      `stream retention ${inputs.streamRetentionHours} h: long-term retention beyond 7 days is not priced here`,
    );
  }
  let shards: number;
  if (inputs.streamMode === StreamMode.onDemand) {
    const k = prices.kinesis.onDemand;
    shards = Math.max(
      onDemandStartShards,
      Math.ceil(2 * Math.max(recordsPerSecond / 1000, bytesPerSecond / 2 ** 20)),
    );
    const inGb = (records * Math.ceil(recordBytes / 1024) * 1024) / gb;
    const outGb = (records * recordBytes) / gb;
    const retainedGb = (inGb / hoursPerMonth) * extendedHours;
    add(
      'Kinesis on-demand',
      `${hoursPerMonth} stream-hours, ${fixed(inGb)} GB in (${fixed(recordBytes, 0)} B records, 1 KiB each), ${fixed(outGb)} GB out` +
        (extendedHours > 0 ? `, ${fixed(retainedGb)} GB-month kept ${extendedHours + 24} h` : ''),
      hoursPerMonth * k.perStreamHour +
        inGb * k.perGbIn +
        outGb * k.perGbOut +
        retainedGb * k.extendedRetentionPerGbMonth,
    );
  } else {
    const k = prices.kinesis.provisioned;
    shards = inputs.shards;
    const needed = Math.ceil(Math.max(recordsPerSecond / 1000, bytesPerSecond / 2 ** 20));
    if (needed > shards) {
      warnings.push(
        `${shards} provisioned shards take 1,000 records/s and 1 MiB/s each: ${fixed(recordsPerSecond, 0)} records/s needs at least ${needed} (--shards ${needed})`,
      );
    }
    const putUnits = records * Math.ceil(recordBytes / k.putUnitBytes);
    add(
      'Kinesis provisioned',
      `${plural(shards, 'shard')} x ${hoursPerMonth} h, ${count(putUnits)} PUT payload units` +
        (extendedHours > 0 ? `, retention ${extendedHours + 24} h` : ''),
      shards * hoursPerMonth * k.perShardHour +
        (putUnits / 1e6) * k.perMillionPutUnits +
        (extendedHours > 0 ? shards * hoursPerMonth * k.extendedRetentionPerShardHour : 0),
    );
  }

  // Writer: the event source polls each shard about once a second; a poll with records is one invocation of
  // up to WRITER_BATCH_SIZE records.
  const perShard = recordsPerSecond / shards;
  const invocationsPerShard = Math.max(
    Math.min(perShard, lambdaPollsPerShardPerSecond),
    perShard / inputs.writerBatchSize,
  );
  const writerInvocations = invocationsPerShard * shards * secondsPerMonth;
  const recordsPerInvocation = records / writerInvocations;
  const readingsPerInvocation = readings / writerInvocations;
  const sampleRecords = Math.max(1, Math.min(inputs.writerBatchSize, Math.round(recordsPerInvocation)));
  const writes = measureWrites(inputs, inputs.layout, sampleRecords);
  const timestreamRecordsPerInvocation = (writes.records / writes.readings) * readingsPerInvocation;
  const waves = Math.ceil(Math.ceil(timestreamRecordsPerInvocation / 100) / inputs.writeConcurrency);
  const writerSeconds =
    (waves * inputs.latency.timestreamWriteMs) / 1000 +
    lambdaCpuSeconds(
      readingsPerInvocation * measured.writerCpuSecondsPerReading.value,
      stackDefaults.memoryMb.writer,
    );
  const writer = lambdaCost(prices, writerInvocations, writerSeconds, stackDefaults.memoryMb.writer);
  add(
    'Writer Lambda',
    `${count(writerInvocations)} invocations (${plural(shards, 'shard')}), ${fixed(readingsPerInvocation, 1)} readings and ${ms(writerSeconds)} each`,
    writer.usd,
  );

  // Timestream writes of the raw table, metered on the writer's own requests.
  const unitsPerReading = writes.writeUnits / writes.readings;
  const rawWrites = readings * unitsPerReading;
  add(
    `Timestream writes (${inputs.layout})`,
    `${count(rawWrites)} 1 KiB writes (${fixed(writes.meteredBytes / writes.readings, 1)} B a reading, ${writes.requests} request${writes.requests === 1 ? '' : 's'} for ${writes.readings} readings)`,
    (rawWrites / 1e6) * prices.timestream.perMillionWrites,
  );

  // Storage: each reading in the memory store for its retention, then in the magnetic store.
  const storedPerReading = writes.storedBytes / writes.readings;
  const readingsPerHour = readings / hoursPerMonth;
  const rawMemoryGb = (readingsPerHour * inputs.rawMemoryHours * storedPerReading) / gb;

  // The rollup's records: one per device, measure and day, re-written for ROLLUP_LOOKBACK_DAYS days.
  const aggregatesPerDay = inputs.devices * inputs.measures.length;
  const sample: MeteredRecord[] = [];
  for (let i = 0; i < Math.min(100, aggregatesPerDay); i++) {
    sample.push(
      aggregateRecordOf(
        `device-${String(Math.floor(i / inputs.measures.length)).padStart(String(Math.max(0, inputs.devices - 1)).length, '0')}`,
        inputs.measures[i % inputs.measures.length]!,
      ),
    );
  }
  const aggregateUnitsPerRecord = meteredWriteUnits({ records: sample }) / sample.length;
  const aggregateStoredPerRecord = storedBytes({ records: sample }) / sample.length;
  const aggregateMemoryGb =
    (aggregatesPerDay * (inputs.aggregateMemoryHours / 24) * aggregateStoredPerRecord) / gb;
  const memoryGb = rawMemoryGb + aggregateMemoryGb;
  add(
    'Timestream memory store',
    `${fixed(memoryGb, 3)} GB x ${hoursPerMonth} h (${fixed(storedPerReading, 0)} B a reading, ${inputs.rawMemoryHours} h)`,
    memoryGb * hoursPerMonth * prices.timestream.memoryPerGbHour,
  );

  const rawMonths = Math.min(inputs.monthsOfHistory, inputs.rawMagneticDays / daysPerMonth);
  const aggregateMonths = Math.min(inputs.monthsOfHistory, inputs.aggregateMagneticDays / daysPerMonth);
  const magneticGb =
    (readings * rawMonths * storedPerReading +
      aggregatesPerDay * daysPerMonth * aggregateMonths * aggregateStoredPerRecord) /
    gb;
  const billedMagneticGb = Math.max(prices.timestream.magneticMinimumGb, magneticGb);
  add(
    'Timestream magnetic store',
    `${fixed(magneticGb)} GB after ${fixed(rawMonths, 1)} months` +
      (billedMagneticGb > magneticGb
        ? `, billed at the ${prices.timestream.magneticMinimumGb} GB minimum`
        : ''),
    billedMagneticGb * prices.timestream.magneticPerGbMonth,
  );

  // Rollup: one run a day, each over ROLLUP_LOOKBACK_DAYS days.
  const runs = daysPerMonth;
  const aggregatesPerRun = aggregatesPerDay * inputs.rollupLookbackDays;
  const rollupSeconds = aggregatesPerRun * measured.rollupSecondsPerAggregate.value;
  const rollup = lambdaCost(prices, runs, rollupSeconds, stackDefaults.memoryMb.rollup);
  const aggregateWrites = runs * aggregatesPerRun * aggregateUnitsPerRecord;
  add(
    'Rollup Lambda and writes',
    `${fixed(runs, 1)} runs of ${fixed(rollupSeconds, 1)} s, ${count(aggregateWrites)} 1 KiB writes`,
    rollup.usd + (aggregateWrites / 1e6) * prices.timestream.perMillionWrites,
  );

  // Queries, billed in TCU time: the rollup's DESCRIBE and one aggregate query per day, and the dashboards.
  const querySeconds = inputs.latency.querySeconds;
  const rollupQueries = runs * (1 + inputs.rollupLookbackDays);
  const dashboardQueries = inputs.panels * inputs.refreshesPerDay * daysPerMonth;
  const perTcu = prices.timestream.perTcuHour;
  add(
    'Timestream queries: dashboards',
    `${count(dashboardQueries)} queries (${inputs.panels} panels x ${fixed(inputs.refreshesPerDay, 0)} refreshes a day), ${fixed(tcuHours(prices, dashboardQueries, querySeconds), 1)} TCU-hours`,
    tcuHours(prices, dashboardQueries, querySeconds) * perTcu,
  );
  add(
    'Timestream queries: rollup',
    `${count(rollupQueries)} queries, ${fixed(tcuHours(prices, rollupQueries, querySeconds), 1)} TCU-hours`,
    tcuHours(prices, rollupQueries, querySeconds) * perTcu,
  );

  // X-Ray: active tracing on every function, default sampling.
  if (inputs.tracing) {
    const traces =
      (tracesPerSecond(postsPerSecond) +
        tracesPerSecond(authorizerInvocations / secondsPerMonth) +
        tracesPerSecond(writerInvocations / secondsPerMonth)) *
        secondsPerMonth +
      runs;
    add(
      'X-Ray traces',
      `${count(traces)} traces recorded (1/s + 5% per function)`,
      (traces / 1e6) * prices.xray.perMillionTracesRecorded,
    );
  }

  // CloudWatch Logs: an access log line per API request; Lambda's START/END/REPORT lines per invocation; the
  // writer's metrics (EMF) line per invocation, whatever the log level; and at INFO or more verbose (the stack
  // sets POWERTOOLS_LOG_LEVEL from LOG_LEVEL) the ingest's INFO line per POST and the writer's per invocation.
  const overhead = prices.cloudWatch.logEventOverheadBytes;
  const infoLines = logsInfoLines(inputs.logLevel);
  const logBytes =
    posts * (accessLogLineBytes + overhead) +
    (posts + authorizerInvocations + writerInvocations + runs) *
      (platformLogBytes(inputs.tracing) + 3 * overhead) +
    writerInvocations * (handlerLogLineBytes.writerMetrics + overhead) +
    (infoLines
      ? posts * (handlerLogLineBytes.ingest + overhead) +
        writerInvocations * (handlerLogLineBytes.writer + overhead)
      : 0);
  add(
    'CloudWatch Logs ingestion',
    infoLines
      ? `${fixed(logBytes / gb)} GB (API access logs, Lambda START/END/REPORT, handlers' INFO and metrics lines)`
      : `${fixed(logBytes / gb)} GB (API access logs, Lambda START/END/REPORT, metrics lines; no INFO lines at LOG_LEVEL=${inputs.logLevel})`,
    (logBytes / gb) * prices.cloudWatch.logsPerGbIngested,
  );

  // Fixed: the token secret and its reads, the customer key, the alarms.
  const containers =
    Math.max(1, Math.ceil(postsPerSecond * ingestSeconds)) +
    Math.max(1, Math.ceil((authorizerInvocations / secondsPerMonth) * authorizerSeconds));
  const secretReads = containers * (secondsPerMonth / stackDefaults.secretReadSeconds);
  add(
    'Secrets Manager, KMS key, alarms',
    `${stackDefaults.secrets} secret, ${count(secretReads)} reads (${containers} warm containers), ${stackDefaults.customerKeys} key, ${stackDefaults.alarms} alarms`,
    stackDefaults.secrets * prices.secretsManager.perSecretMonth +
      (secretReads / 10_000) * prices.secretsManager.per10kApiCalls +
      stackDefaults.customerKeys * prices.kms.perCustomerKeyMonth +
      stackDefaults.alarms * prices.cloudWatch.perStandardAlarmMonth,
  );

  const totalUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  return {
    inputs,
    region: prices.region,
    lines,
    totalUsd,
    warnings,
    figures: {
      readingsPerMonth: readings,
      postsPerMonth: posts,
      requestBodyBytes: traffic.requestBodyBytes,
      kinesisRecordBytes: traffic.kinesisRecordBytes,
      writeUnitsPerReading: unitsPerReading,
      meteredBytesPerReading: writes.meteredBytes / writes.readings,
      storedBytesPerReading: storedPerReading,
      writerInvocationsPerMonth: writerInvocations,
      readingsPerWriterInvocation: readingsPerInvocation,
      recordsPerSecond,
      bytesPerSecond,
      shards,
    },
  };
}

/** The levels at which Powertools writes the handlers' INFO lines (they log nothing at DEBUG or TRACE). */
const infoOrMoreVerbose: ReadonlySet<LogLevel> = new Set([LogLevel.trace, LogLevel.debug, LogLevel.info]);

/** Whether the handlers write their INFO line per request at `level`. */
export function logsInfoLines(level: LogLevel): boolean {
  return infoOrMoreVerbose.has(level);
}

/**
 * Bytes of one API access log line: the stack's format is `AccessLogFormat.jsonWithStandardFields()`;
 * this is such a line with typical values, measured.
 */
const accessLogLineBytes = new TextEncoder().encode(
  JSON.stringify({
    requestId: 'Xk3vUhYJoAMEb2A=',
    ip: '203.0.113.27',
    user: '-',
    caller: '-',
    requestTime: '06/Dec/2026:22:30:00 +0000',
    httpMethod: 'POST',
    resourcePath: '$default',
    status: '202',
    protocol: 'HTTP/1.1',
    responseLength: '71',
  }),
).length;

const jsonBytes = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value)}\n`).length;

/** Powertools Logger's standard keys of a line, with typical values. */
const powertoolsKeys = (service: string, memory: number) => ({
  cold_start: false,
  function_arn: `arn:aws:lambda:us-east-1:123456789012:function:Pipeline-${service}Function3A1B2C3D-AbCdEfGhIjKl`,
  function_memory_size: String(memory),
  function_name: `Pipeline-${service}Function3A1B2C3D-AbCdEfGhIjKl`,
  function_request_id: '3f7e0c5a-9b1d-4e2f-8a6c-1d2e3f4a5b6c',
  level: 'INFO',
  sampling_rate: 0,
  service,
  timestamp: '2026-12-06T22:30:00.123Z',
  xray_trace_id: '1-6753a0b8-2f0c5e7d9a1b3c4d5e6f7a8b',
});

/**
 * Bytes of the handlers' lines at INFO: the ingest's "readings accepted" (producers/ingest/ingest-app.ts)
 * and the writer's "batch written" and its metrics (consumers/writer/kinesis-writer-handler.ts), with the
 * fields those files log and typical values, measured.
 */
const handlerLogLineBytes = {
  ingest: jsonBytes({
    ...powertoolsKeys('ingest', 256),
    message: 'readings accepted',
    requestId: 'Xk3vUhYJoAMEb2A=',
    deviceId: 'device-000042',
    readings: 1,
    records: 1,
    retries: 0,
    bodyBytes: 108,
  }),
  writer: jsonBytes({
    ...powertoolsKeys('writer', 1024),
    message: 'batch written',
    records: 4,
    readingsIn: 4,
    written: 4,
    duplicates: 0,
    converted: 0,
    deadLettered: {},
    failedRecords: 0,
    minTimeMs: 1765060200000,
    maxTimeMs: 1765060203000,
  }),
  writerMetrics: jsonBytes({
    _aws: {
      Timestamp: 1765060204000,
      CloudWatchMetrics: [
        {
          Namespace: 'IotTelemetry',
          Dimensions: [['service']],
          Metrics: [
            'KinesisRecords',
            'ReadingsIn',
            'ReadingsWritten',
            'DuplicatesDropped',
            'ReadingsConverted',
            'ReadingsDeadLettered',
            'RecordsFailed',
          ].map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: 'writer',
    KinesisRecords: 4,
    ReadingsIn: 4,
    ReadingsWritten: 4,
    DuplicatesDropped: 0,
    ReadingsConverted: 0,
    ReadingsDeadLettered: 0,
    RecordsFailed: 0,
  }),
};

/** Bytes of Lambda's text-format START, END and REPORT lines of one invocation (with the X-Ray segment). */
function platformLogBytes(tracing: boolean): number {
  const id = '3f7e0c5a-9b1d-4e2f-8a6c-1d2e3f4a5b6c';
  const lines = [
    `START RequestId: ${id} Version: $LATEST\n`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: 21.52 ms\tBilled Duration: 22 ms\tMemory Size: 256 MB\tMax Memory Used: 92 MB\t` +
      (tracing
        ? 'XRAY TraceId: 1-6753a0b8-2f0c5e7d9a1b3c4d5e6f7a8b\tSegmentId: 5a6b7c8d9e0f1a2b\tSampled: true\t\n'
        : '\n'),
  ];
  return lines.reduce((sum, l) => sum + new TextEncoder().encode(l).length, 0);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function count(n: number): string {
  if (n >= 1e9) return `${fixed(n / 1e9, 2)}B`;
  if (n >= 1e6) return `${fixed(n / 1e6, 1)}M`;
  if (n >= 1e3) return `${fixed(n / 1e3, 1)}k`;
  return fixed(n, 0);
}

function fixed(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ms(seconds: number): string {
  return `${fixed(seconds * 1000, seconds < 0.01 ? 1 : 0)} ms`;
}
