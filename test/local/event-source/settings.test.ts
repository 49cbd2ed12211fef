import { describe, expect, it } from 'vitest';
import { readPipelineConfig } from '#core/config';
import {
  EventSourceSettingsError,
  eventSourceSettingsFrom,
  parseEventSourceSettings,
} from '#local/event-source';

describe('eventSourceSettingsFrom', () => {
  it('takes the writer tuning from the shared pipeline configuration', () => {
    const config = readPipelineConfig({
      WRITER_BATCH_SIZE: '250',
      WRITER_BATCHING_WINDOW_SECONDS: '5',
      WRITER_BISECT_ON_ERROR: 'false',
      WRITER_MAX_RETRY_ATTEMPTS: '-1',
      WRITER_MAX_RECORD_AGE_SECONDS: '3600',
      WRITER_TIMEOUT_SECONDS: '30',
    });
    expect(eventSourceSettingsFrom(config)).toEqual({
      batchSize: 250,
      maximumBatchingWindowInSeconds: 5,
      parallelizationFactor: 1,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeInSeconds: 3600,
      reportBatchItemFailures: true,
      startingPosition: 'TRIM_HORIZON',
      functionTimeoutSeconds: 30,
    });
  });

  it('gives settings that pass Lambda’s ranges with the defaults', () => {
    const settings = eventSourceSettingsFrom(readPipelineConfig({}));
    expect(parseEventSourceSettings(settings)).toBe(settings);
  });
});

describe('parseEventSourceSettings', () => {
  it('lists every setting outside Lambda’s ranges with its value', () => {
    const base = eventSourceSettingsFrom(readPipelineConfig({}));
    const bad = {
      ...base,
      batchSize: 10_001,
      maximumRecordAgeInSeconds: 30,
      startingPosition: 'AT_TIMESTAMP' as const,
    };
    let caught: unknown;
    try {
      parseEventSourceSettings(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EventSourceSettingsError);
    const { problems } = caught as EventSourceSettingsError;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('batchSize=10001: must be at most 10000');
    expect(problems[1]).toBe('maximumRecordAgeInSeconds=30: must be -1 (no limit) or 60..604800');
    expect(problems[2]).toMatch(/^startingPositionTimestamp=undefined: is required/);
  });
});
