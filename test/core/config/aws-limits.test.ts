import { describe, expect, it } from 'vitest';
import {
  aggregateMemoryHoursFor,
  ConfigError,
  defaults,
  maxIngestBodyBytes,
  readPipelineConfig,
} from '#core/config';

/** The problems of the ConfigError that reading `env` throws. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    readPipelineConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`readPipelineConfig(${JSON.stringify(env)}) accepted the configuration`);
}

describe('aggregate memory store sized from the rollup lookback', () => {
  it('defaults to lookback + 2 days, so the rollup rewrites its days in the memory store', () => {
    expect(readPipelineConfig({}).aggregateMemoryRetentionHours).toBe(96);
    expect(defaults.aggregateMemoryRetentionHours).toBe(aggregateMemoryHoursFor(defaults.rollupLookbackDays));
    expect(readPipelineConfig({ ROLLUP_LOOKBACK_DAYS: '7' }).aggregateMemoryRetentionHours).toBe(216);
  });

  it('refuses a memory store shorter than the lookback needs, naming both variables and the minimum', () => {
    const problems = problemsOf({ AGGREGATE_MEMORY_RETENTION_HOURS: '24' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^AGGREGATE_MEMORY_RETENTION_HOURS="24": must be at least 96 with ROLLUP_LOOKBACK_DAYS=2 .*magnetic store/,
    );
    expect(problemsOf({ ROLLUP_LOOKBACK_DAYS: '5', AGGREGATE_MEMORY_RETENTION_HOURS: '96' })[0]).toContain(
      'must be at least 168 with ROLLUP_LOOKBACK_DAYS=5',
    );
  });

  it('accepts a longer memory store than needed', () => {
    expect(
      readPipelineConfig({ AGGREGATE_MEMORY_RETENTION_HOURS: '200' }).aggregateMemoryRetentionHours,
    ).toBe(200);
  });

  it('refuses a lookback whose memory store would exceed Timestream 8766 hours', () => {
    expect(readPipelineConfig({ ROLLUP_LOOKBACK_DAYS: '363' }).aggregateMemoryRetentionHours).toBe(8760);
    expect(problemsOf({ ROLLUP_LOOKBACK_DAYS: '364' })[0]).toMatch(
      /^ROLLUP_LOOKBACK_DAYS="364": must be at most 363 .*8766 hours/,
    );
  });
});

describe('INGEST_MAX_BODY_BYTES', () => {
  it('is capped where the base64-encoded body still fits a synchronous Lambda invocation', () => {
    expect(maxIngestBodyBytes).toBe(4 * 1_048_576);
    expect(Math.ceil(maxIngestBodyBytes / 3) * 4).toBeLessThan(6_291_456 - 512 * 1024);
    expect(readPipelineConfig({ INGEST_MAX_BODY_BYTES: String(maxIngestBodyBytes) }).ingestMaxBodyBytes).toBe(
      maxIngestBodyBytes,
    );
    expect(problemsOf({ INGEST_MAX_BODY_BYTES: String(6 * 1_048_576) })[0]).toMatch(
      /^INGEST_MAX_BODY_BYTES="6291456": must be at most 4194304 \(4 MiB\).*base64.*6 MB/,
    );
  });
});
