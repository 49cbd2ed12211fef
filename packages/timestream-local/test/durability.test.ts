import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientConfig,
  createTable,
  multiRecord,
  serveStandalone,
  startFixture,
} from './local-timestream-fixture';

const children: ChildProcess[] = [];
const dirs: string[] = [];

/** `npm run timestream:local`'s entry point in a child process, killed after the test if still running. */
function serve(dataRoot: string, env: Record<string, string> = {}) {
  const server = serveStandalone(dataRoot, env);
  children.push(server.child);
  return server;
}

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-timestream-kill-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('standalone server', () => {
  it('keeps every write answered 200 when killed with SIGKILL right after', async () => {
    const root = tempRoot();
    const server = serve(root);
    const endpoint = await server.endpoint;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new TimestreamWriteClient(clientConfig(endpoint));
    const t = Date.now() - 60_000;
    try {
      await createTable(client, 'Durable', 'readings');
      const answered = await Promise.all(
        Array.from({ length: 8 }, (_, b) =>
          client.send(
            new WriteRecordsCommand({
              DatabaseName: 'Durable',
              TableName: 'readings',
              Records: Array.from({ length: 100 }, (_, i) => multiRecord(`d${b}`, t + i, b * 100 + i)),
            }),
          ),
        ),
      );
      expect(answered.every((a) => a.RecordsIngested?.Total === 100)).toBe(true);
    } finally {
      server.child.kill('SIGKILL');
      client.destroy();
    }
    await server.exited;

    const restarted = await startFixture({ dataDir: join(root, 'timestream') });
    try {
      const out = await restarted.query.send(
        new QueryCommand({
          QueryString: 'SELECT count(*) AS n, sum(co2) AS s FROM "Durable"."readings"',
        }),
      );
      const expectedSum = Array.from({ length: 800 }, (_, i) => i).reduce((a, b) => a + b, 0);
      expect(out.Rows?.[0]?.Data?.map((d) => Number(d.ScalarValue))).toEqual([800, expectedSum]);
    } finally {
      await restarted.close();
    }
  });

  it('closes cleanly on SIGTERM and refuses a malformed TIMESTREAM_FAULTS', async () => {
    const server = serve(tempRoot());
    await server.endpoint;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: closing/);

    const bad = serve(tempRoot(), { TIMESTREAM_FAULTS: 'throttle:lots' });
    await expect(bad.endpoint).rejects.toThrow(/Invalid TIMESTREAM_FAULTS "throttle:lots"/);
    expect(await bad.exited).toBe(1);
  });
});
