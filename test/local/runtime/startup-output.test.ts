import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSdkNextNodeMajor, awsSdkNodeWarningSwitch, nodeSupportNotice } from '#adapters/node-support';
import { type NpmStartChild, startNpmStart } from './npm-start-child';

// The child inherits this process's environment: the switch must come from the entry point, not from here.
delete process.env[awsSdkNodeWarningSwitch];

describe('npm start: a quiet, honest start-up', () => {
  let dataDir: string;
  let child: NpmStartChild;
  let output: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'startup-output-'));
    child = await startNpmStart({
      DATA_DIR: dataDir,
      INGEST_PORT: '0',
      KINESIS_PORT: '0',
      TIMESTREAM_PORT: '0',
      DASHBOARD_PORT: '0',
    });
    // A reading through every thread (ingest -> kinesis -> writer -> timestream), so that each has built its clients.
    const response = await fetch(`${child.endpoints.ingest}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${child.token}` },
      body: '{"co2": 550, "temperature": 24.2, "humidity": 48.2}',
    });
    expect(response.status).toBe(202);
    await child.stop();
    output = child.output();
  });
  afterAll(async () => {
    await child?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints no AWS SDK Node.js advisory, and no warning line twice', () => {
    expect(output).not.toContain('NodeVersionSupportWarning');
    const warnings = output.split('\n').filter((line) => /warning/i.test(line));
    expect(warnings.length, `warning lines:\n${warnings.join('\n')}`).toBe(new Set(warnings).size);
  });

  it(`states the Node.js support in one line when Node.js is older than ${awsSdkNextNodeMajor}`, () => {
    const notice = nodeSupportNotice();
    const lines = output.split('\n').filter((line) => line.includes('AWS SDK releases after'));
    expect(lines).toEqual(notice ? [`note: ${notice}`] : []);
  });
});
