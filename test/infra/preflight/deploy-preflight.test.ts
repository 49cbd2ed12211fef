import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalTimestream } from 'timestream-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What AWS answers an account that is not a Timestream for LiveAnalytics customer (since 2025-06-20). */
const closedAccountMessage =
  'Only existing Timestream for LiveAnalytics customers can access the service. Reach out to AWS support, for more information.';

/**
 * A Timestream Write endpoint that refuses every call as AWS refuses a new account: 403,
 * AccessDeniedException, with the service's text. It records the calls it received.
 */
async function refusingTimestream(message: string) {
  const calls: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    calls.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(403, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-errortype': 'AccessDeniedException',
        'x-amzn-requestid': 'preflight-test',
      });
      res.end(
        JSON.stringify({ __type: 'com.amazonaws.timestream.v20181101#AccessDeniedException', message }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs a command in the repository with a clean AWS environment; never rejects, returns its outcome. */
function run(command: string, args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_|STORAGE$|TIMESTREAM_ENDPOINT$)/.test(k)),
  );
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      command,
      args,
      { cwd: process.cwd(), env: { ...clean, AWS_REGION: 'eu-west-1', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run deploy preflight', () => {
  it('stops the deploy before cdk deploy when Timestream refuses the account, naming the other store', async () => {
    // Prepare
    const timestream = await refusingTimestream(closedAccountMessage);
    try {
      // Act
      const result = await run('npm', ['run', 'deploy'], { TIMESTREAM_ENDPOINT: timestream.endpoint });
      // Assess
      expect(result.code, result.stderr).not.toBe(0);
      expect(result.stderr).toContain('deploy stopped before CloudFormation (timestream-closed)');
      expect(result.stderr).toContain('cannot use Amazon Timestream for LiveAnalytics in eu-west-1');
      expect(result.stderr).toContain(closedAccountMessage);
      expect(result.stderr).toContain('STORAGE=influxdb (Amazon Timestream for InfluxDB');
      // one cheap Timestream call, and cdk deploy never started (it would synthesise first)
      expect(timestream.calls.map((h) => h['x-amz-target'])).toEqual(['Timestream_20181101.ListDatabases']);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/Synthesis time|Bundling asset/);
    } finally {
      await timestream.close();
    }
  });

  it('stops with the IAM fix when the deploying identity itself is denied', async () => {
    const timestream = await refusingTimestream(
      'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: timestream:ListDatabases',
    );
    try {
      const result = await run('npx', ['tsx', 'infra/preflight/cli.ts'], {
        TIMESTREAM_ENDPOINT: timestream.endpoint,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('(access-denied): The deploying identity may not call Timestream');
      expect(result.stderr).toContain('not authorized to perform: timestream:ListDatabases');
    } finally {
      await timestream.close();
    }
  });

  it('does not check Timestream for LiveAnalytics for a stack on another store (STORAGE)', async () => {
    const timestream = await refusingTimestream(closedAccountMessage);
    try {
      const result = await run('npx', ['tsx', 'infra/preflight/cli.ts'], {
        TIMESTREAM_ENDPOINT: timestream.endpoint,
        STORAGE: 'influxdb',
      });
      expect(result.code, result.stderr).toBe(0);
      expect(timestream.calls).toEqual([]);
    } finally {
      await timestream.close();
    }
  });

  it('stops on a configuration the CDK app would refuse, naming the variable and what is allowed', async () => {
    const timestream = await refusingTimestream(closedAccountMessage);
    try {
      const result = await run('npx', ['tsx', 'infra/preflight/cli.ts'], {
        TIMESTREAM_ENDPOINT: timestream.endpoint,
        STORAGE: 'influx',
      });
      expect(result.code, result.stdout).toBe(1);
      expect(result.stderr).toContain('STORAGE="influx"');
      expect(result.stderr).toMatch(/timestream.*influxdb/);
      expect(timestream.calls).toEqual([]);
    } finally {
      await timestream.close();
    }
  });

  it('stops when the region has no Timestream endpoint', async () => {
    const result = await run('npx', ['tsx', 'infra/preflight/cli.ts'], {
      TIMESTREAM_ENDPOINT: 'http://ingest.timestream.nowhere.invalid',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '(region-without-timestream): Amazon Timestream for LiveAnalytics is not offered',
    );
  });

  describe('against a Timestream that answers', () => {
    let dataDir: string;
    let timestream: Awaited<ReturnType<typeof startLocalTimestream>>;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'preflight-'));
      timestream = await startLocalTimestream({ port: 0, dataDir });
    });
    afterAll(async () => {
      await timestream?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('lets the deploy go on', async () => {
      const result = await run('npx', ['tsx', 'infra/preflight/cli.ts'], {
        TIMESTREAM_ENDPOINT: timestream.endpoint,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Timestream for LiveAnalytics answers for this account and region');
    });
  });
});
