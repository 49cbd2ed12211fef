import type { Template } from 'aws-cdk-lib/assertions';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { configEnvNames, readPipelineConfig } from '#core/config';
import { pipelineEnvironment } from '#infra/stack';
import { synthPipeline } from './synth-pipeline';

/** Overrides of the shared configuration, as an operator would set them before `npm run synth`. */
const overrides = {
  STREAM_NAME: 'readings-eu',
  STREAM_MODE: 'PROVISIONED',
  STREAM_SHARD_COUNT: '3',
  STREAM_RETENTION_HOURS: '72',
  TIMESTREAM_DATABASE: 'Plant7',
  RAW_TABLE: 'raw_v2',
  AGGREGATE_TABLE: 'daily_v2',
  RAW_MEMORY_RETENTION_HOURS: '48',
  AGGREGATE_MAGNETIC_RETENTION_DAYS: '400',
  RECORD_LAYOUT: 'single',
  WRITER_BATCH_SIZE: '250',
  WRITER_BATCHING_WINDOW_SECONDS: '5',
  WRITER_PARALLELIZATION_FACTOR: '4',
  WRITER_BISECT_ON_ERROR: 'false',
  WRITER_MAX_RETRY_ATTEMPTS: '-1',
  WRITER_MAX_RECORD_AGE_SECONDS: '-1',
  WRITER_TIMEOUT_SECONDS: '120',
  ROLLUP_SCHEDULE: 'cron(30 1 * * ? *)',
  ROLLUP_TIMEZONE: 'Asia/Tokyo',
  LOG_LEVEL: 'warn',
  TRACING: 'off',
};

let template: Template;

beforeAll(() => {
  ({ template } = synthPipeline(overrides));
}, 120_000);

describe('the template follows readPipelineConfig', () => {
  it('names and sizes the stream from STREAM_*', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'readings-eu',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 3,
      RetentionPeriodHours: 72,
    });
  });

  it('names the database and tables and sets their retention', () => {
    template.hasResourceProperties('AWS::Timestream::Database', { DatabaseName: 'Plant7' });
    template.hasResourceProperties('AWS::Timestream::Table', {
      DatabaseName: 'Plant7',
      TableName: 'raw_v2',
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: '48',
        MagneticStoreRetentionPeriodInDays: '3650',
      },
    });
    template.hasResourceProperties('AWS::Timestream::Table', {
      TableName: 'daily_v2',
      RetentionProperties: {
        // unset: sized from ROLLUP_LOOKBACK_DAYS (2 + 2 days)
        MemoryStoreRetentionPeriodInHours: '96',
        MagneticStoreRetentionPeriodInDays: '400',
      },
    });
  });

  it('tunes the event source, leaving -1 (no limit) to the service default', () => {
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0]!.Properties;
    expect(mapping).toMatchObject({
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: false,
    });
    expect(mapping.MaximumRetryAttempts).toBeUndefined();
    expect(mapping.MaximumRecordAgeInSeconds).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'writer' }) },
      Timeout: 120,
    });
  });

  it('schedules the rollup with ROLLUP_SCHEDULE in ROLLUP_TIMEZONE', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 1 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
    });
  });

  it('gives every pipeline function the whole configuration under the same variable names', () => {
    const expected = pipelineEnvironment(readPipelineConfig(overrides));
    // the authorizer reads the token keys only: it gets TOKEN_SECRET_ARN and nothing of the pipeline
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME !== 'authorizer',
    );
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(env).toMatchObject(expected);
      // What the function will read back equals what the stack was built with.
      const strings = Object.fromEntries(
        Object.entries(env).filter(([, v]) => typeof v === 'string'),
      ) as Record<string, string>;
      expect(readPipelineConfig(strings)).toEqual(readPipelineConfig(overrides));
    }
  });
});

describe('LOG_LEVEL and TRACING', () => {
  /** The pipeline's functions (each has a Powertools service name), by service. */
  const pipelineFunctions = (t: Template) =>
    Object.values(
      t.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: Match.anyValue() } } },
      }),
    ).map(
      (fn) =>
        fn.Properties as { Environment: { Variables: Record<string, string> }; TracingConfig?: unknown },
    );

  it('gives every function POWERTOOLS_LOG_LEVEL from LOG_LEVEL, upper-cased as Powertools needs it', () => {
    const functions = pipelineFunctions(template);
    expect(functions.map((fn) => fn.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual([
      'authorizer',
      'ingest',
      'rollup',
      'writer',
    ]);
    for (const fn of functions) expect(fn.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('WARN');
  });

  it('turns active tracing off on every function with TRACING=off (PassThrough, set explicitly)', () => {
    const functions = pipelineFunctions(template);
    expect(functions).toHaveLength(4);
    for (const fn of functions) expect(fn.TracingConfig).toEqual({ Mode: 'PassThrough' });
  });

  it.each([
    ['ERROR', 'on', 'Active'],
    ['debug', 'true', 'Active'],
    ['Silent', 'false', 'PassThrough'],
  ])(
    'LOG_LEVEL=%s TRACING=%s: every function logs at that level with tracing %s',
    (level, tracing, mode) => {
      const { template: t } = synthPipeline({ LOG_LEVEL: level, TRACING: tracing });
      const functions = pipelineFunctions(t);
      expect(functions).toHaveLength(4);
      for (const fn of functions) {
        expect(fn.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe(level.toUpperCase());
        expect(fn.TracingConfig).toEqual({ Mode: mode });
      }
    },
    120_000,
  );
});

describe('pipelineEnvironment', () => {
  it('maps every configuration key to its variable name and value', () => {
    const config = readPipelineConfig({ RAW_TABLE: 'raw_x', WRITER_BISECT_ON_ERROR: 'false' });
    const env = pipelineEnvironment(config);
    expect(Object.keys(env).sort()).toEqual(Object.values(configEnvNames).sort());
    expect(env[configEnvNames.rawTable]).toBe('raw_x');
    expect(env[configEnvNames.writerBisectOnError]).toBe('false');
  });
});
