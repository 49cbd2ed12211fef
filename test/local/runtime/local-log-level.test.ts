import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readPipelineConfig } from '#core/config';
import { localLogLevel } from '#local/runtime/local-settings';
import { type NpmStartChild, startNpmStart } from './npm-start-child';

describe('localLogLevel: the level of the handlers under npm start', () => {
  const level = (env: Record<string, string>) => localLogLevel(env, readPipelineConfig(env));

  it('is LOG_LEVEL when set, as the stack deploys it, whatever POWERTOOLS_LOG_LEVEL says', () => {
    expect(level({ LOG_LEVEL: 'info' })).toBe('INFO');
    expect(level({ LOG_LEVEL: 'Debug', POWERTOOLS_LOG_LEVEL: 'ERROR' })).toBe('DEBUG');
  });

  it('is POWERTOOLS_LOG_LEVEL (any letter case) without LOG_LEVEL, else WARN: a line per POST would bury the status line', () => {
    expect(level({})).toBe('WARN');
    expect(level({ LOG_LEVEL: '' })).toBe('WARN');
    expect(level({ POWERTOOLS_LOG_LEVEL: 'error' })).toBe('ERROR');
  });

  it('refuses a POWERTOOLS_LOG_LEVEL Powertools would ignore, naming the variable, the value and the levels', () => {
    const act = () => level({ POWERTOOLS_LOG_LEVEL: 'quiet' });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      'POWERTOOLS_LOG_LEVEL="quiet": must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT (any letter case)',
    );
  });
});

describe('npm start with LOG_LEVEL', () => {
  let dataDir: string | undefined;
  let child: NpmStartChild | undefined;
  afterAll(async () => {
    await child?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("writes the ingest's INFO line per POST at LOG_LEVEL=info, over POWERTOOLS_LOG_LEVEL=ERROR", async () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'local-log-level-'));
    child = await startNpmStart({
      DATA_DIR: dataDir,
      INGEST_PORT: '0',
      KINESIS_PORT: '0',
      TIMESTREAM_PORT: '0',
      DASHBOARD_PORT: '0',
      LOG_LEVEL: 'info',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    expect(child.output()).not.toContain('readings accepted');
    // Act
    const response = await fetch(`${child.endpoints.ingest}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${child.token}` },
      body: '{"co2": 550}',
    });
    // Assess
    expect(response.status).toBe(202);
    await expect
      .poll(() => child?.output() ?? '', { timeout: 20_000, message: "the ingest's INFO line" })
      .toMatch(/"level":"INFO".*"message":"readings accepted"|"message":"readings accepted".*"level":"INFO"/);
  }, 120_000);
});
