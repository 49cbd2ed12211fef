import { describe, expect, it } from 'vitest';
import { ConfigError, defaults, readPipelineConfig } from '#core/config';

describe('readPipelineConfig', () => {
  it('takes the documented defaults when nothing is set', () => {
    const config = readPipelineConfig({});
    expect(config).toMatchObject({
      database: 'RoomCondition',
      rawTable: 'conditions',
      aggregateTable: 'conditions_daily',
      streamName: 'readings',
      recordLayout: 'multi',
      rollupTimezone: 'UTC',
    });
    expect(config.dedupeCacheSize).toBe(defaults.dedupeCacheSize);
  });

  it('reads and coerces the environment variables', () => {
    const config = readPipelineConfig({
      RAW_TABLE: 'raw_readings',
      RECORD_LAYOUT: 'single',
      ROLLUP_TIMEZONE: 'Asia/Tokyo',
      WRITE_CONCURRENCY: '8',
      WRITER_BISECT_ON_ERROR: 'false',
      INGEST_PUBLISH_TIMEOUT_MS: '2500',
    });
    expect(config.ingestPublishTimeoutMs).toBe(2500);
    expect(config.rawTable).toBe('raw_readings');
    expect(config.recordLayout).toBe('single');
    expect(config.rollupTimezone).toBe('Asia/Tokyo');
    expect(config.writeConcurrency).toBe(8);
    expect(config.writerBisectOnError).toBe(false);
  });

  it('lists every bad variable with its value and what is allowed', () => {
    let error: unknown;
    try {
      readPipelineConfig({
        RECORD_LAYOUT: 'wide',
        ROLLUP_TIMEZONE: 'Mars/Olympus',
        WRITE_CONCURRENCY: '0',
        INGEST_PUBLISH_TIMEOUT_MS: '30000',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^RECORD_LAYOUT="wide": .*multi.*single/);
    expect(problems.join('\n')).toContain('ROLLUP_TIMEZONE="Mars/Olympus": must be an IANA time zone');
    expect(problems.join('\n')).toContain('WRITE_CONCURRENCY="0": must be at least 1');
    expect(problems.join('\n')).toContain('INGEST_PUBLISH_TIMEOUT_MS="30000": must be at most 25000');
  });

  it('reads DIMENSIONS as a comma-separated list; deviceId is implied, alone it means no other dimension', () => {
    expect(readPipelineConfig({}).dimensions).toEqual(defaults.dimensions);
    expect(readPipelineConfig({ DIMENSIONS: ' building, room ,,floor' }).dimensions).toEqual([
      'building',
      'room',
      'floor',
    ]);
    expect(readPipelineConfig({ DIMENSIONS: 'deviceId' }).dimensions).toEqual([]);
    expect(readPipelineConfig({ DIMENSIONS: 'deviceId,room' }).dimensions).toEqual(['room']);
  });

  it('refuses a dimension that is a measure, a letter-case twin, a reserved or invalid name, at load', () => {
    let error: unknown;
    try {
      readPipelineConfig({ DIMENSIONS: 'room,Room,CO2,DeviceId,time,wing-2,room' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const [problem] = (error as ConfigError).problems;
    expect(problem).toMatch(/^DIMENSIONS="room,Room,CO2,DeviceId,time,wing-2,room": /);
    expect(problem).toContain('"Room": differs from "room" only in letter case');
    expect(problem).toContain(
      '"CO2": is the built-in measure "co2": a name is either a measure or a dimension',
    );
    expect(problem).toContain('"DeviceId": differs from deviceId only in letter case');
    expect(problem).toContain('"time": "time" is reserved by Timestream');
    expect(problem).toContain('"wing-2": dimension name "wing-2" must start with a letter');
    expect(problem).toContain('"room": is listed twice');
  });
});

describe('LOG_LEVEL and TRACING', () => {
  it('default to INFO and on, as the stack deployed before either setting existed', () => {
    const config = readPipelineConfig({});
    expect(config.logLevel).toBe('INFO');
    expect(config.tracing).toBe(true);
    expect(defaults.logLevel).toBe(config.logLevel);
    expect(defaults.tracing).toBe(config.tracing);
  });

  it.each([
    ['WARN', 'WARN'],
    ['warn', 'WARN'],
    [' Error ', 'ERROR'],
    ['critical', 'CRITICAL'],
    ['SILENT', 'SILENT'],
    ['debug', 'DEBUG'],
    ['trace', 'TRACE'],
  ])('reads LOG_LEVEL=%j in any letter case as Powertools level %s', (raw, level) => {
    expect(readPipelineConfig({ LOG_LEVEL: raw }).logLevel).toBe(level);
  });

  it.each([
    ['on', true],
    ['off', false],
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
  ])('reads TRACING=%j as %s', (raw, tracing) => {
    expect(readPipelineConfig({ TRACING: raw }).tracing).toBe(tracing);
  });

  it('refuses a level Powertools does not know and a TRACING that is not on or off, naming each value', () => {
    let error: unknown;
    try {
      readPipelineConfig({ LOG_LEVEL: 'verbose', TRACING: 'sometimes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL="verbose": must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT (any letter case)',
      'TRACING="sometimes": must be on or off (or true/false, 1/0)',
    ]);
  });
});
