import {
  CancelQueryCommand,
  paginateQuery,
  QueryCommand,
  type TimestreamQueryClient,
  ValidationException,
} from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LocalTimestreamOptions } from '../src';
import { LocalTimestreamSettingError } from '../src/errors';
import { timestreamTuningFromEnv } from '../src/settings-from-env';
import { createTable, doubleRecord, type Fixture, startFixture } from './local-timestream-fixture';

// A heavy query must not starve the service: it is stopped by its timeout, by CancelQuery and by its client
// going away, and writes and light queries are answered while it runs.

/** A cross join of the table's 100 rows with itself six times: 10^12 combinations, runs until stopped. */
const heavy = `SELECT count(*) FROM "lim"."readings" a, "lim"."readings" b, "lim"."readings" c,
  "lim"."readings" d, "lim"."readings" e, "lim"."readings" f WHERE a.time > b.time - 1h`;
const light = 'SELECT count(*) FROM "lim"."readings"';

const started: Fixture[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

async function fixture(options: Partial<LocalTimestreamOptions>): Promise<Fixture> {
  const f = await startFixture(options);
  started.push(f);
  await createTable(f.write, 'lim', 'readings');
  const now = Date.now();
  await f.write.send(
    new WriteRecordsCommand({
      DatabaseName: 'lim',
      TableName: 'readings',
      Records: Array.from({ length: 100 }, (_, i) => doubleRecord(`d${i}`, 'v', String(i), now - i * 1000)),
    }),
  );
  return f;
}

/**
 * The light query's count. A page still running after the page wait comes back empty with a NextToken (as
 * Timestream answers), so the pages are followed until the row comes: on a loaded machine the light query
 * may take longer than the fixtures' 200 ms page wait.
 */
async function count(client: TimestreamQueryClient): Promise<string | undefined> {
  for await (const page of paginateQuery({ client }, { QueryString: light })) {
    const value = page.Rows?.[0]?.Data?.[0]?.ScalarValue;
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Waits (deadline 15 s) until the service runs `n` queries. */
const runningBecomes = (f: Fixture, n: number) =>
  vi.waitFor(() => expect(f.ts.runningQueries()).toBe(n), { timeout: 15_000, interval: 20 });

describe('query limits', () => {
  it('CancelQuery stops a running query; its next page says so and its connection is free again', async () => {
    const f = await fixture({ queryPageWaitMs: 200, queryConnections: 1 });
    const first = await f.query.send(new QueryCommand({ QueryString: heavy }));
    expect(first.Rows).toEqual([]);
    expect(first.NextToken).toBeDefined();
    expect(first.QueryStatus?.ProgressPercentage).toBeLessThan(100);
    expect(f.ts.runningQueries()).toBe(1);
    const cancelled = await f.query.send(new CancelQueryCommand({ QueryId: first.QueryId }));
    expect(cancelled.CancellationMessage).toContain(first.QueryId);
    await runningBecomes(f, 0);
    await expect(
      f.query.send(new QueryCommand({ QueryString: heavy, NextToken: first.NextToken })),
    ).rejects.toThrow(/cancelled/);
    // the one query connection answers again
    expect(await count(f.query)).toBe('100');
  });

  it('stops a query past the timeout with a ValidationException that names the timeout', async () => {
    const f = await fixture({ queryTimeoutMs: 500 });
    const error = await f.query.send(new QueryCommand({ QueryString: heavy })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(
      /ran longer than the query timeout of 500 ms.*TIMESTREAM_QUERY_TIMEOUT_MS/,
    );
    await runningBecomes(f, 0);
    expect(await count(f.query)).toBe('100');
  });

  it('answers a write and a light query while a heavy query runs', async () => {
    const f = await fixture({ queryPageWaitMs: 200 });
    const first = await f.query.send(new QueryCommand({ QueryString: heavy }));
    expect(first.NextToken).toBeDefined();
    expect(f.ts.runningQueries()).toBe(1);
    await f.write.send(
      new WriteRecordsCommand({
        DatabaseName: 'lim',
        TableName: 'readings',
        Records: [doubleRecord('late', 'v', '1', Date.now())],
      }),
    );
    expect(await count(f.query)).toBe('101');
    // the heavy query was running all along
    expect(f.ts.runningQueries()).toBe(1);
    await f.query.send(new CancelQueryCommand({ QueryId: first.QueryId }));
    await runningBecomes(f, 0);
  });

  it('stops the query of a client that disconnects while waiting for it', async () => {
    const f = await fixture({ queryConnections: 1 });
    const abort = new AbortController();
    const pending = f.query.send(new QueryCommand({ QueryString: heavy }), { abortSignal: abort.signal });
    pending.catch(() => undefined);
    await runningBecomes(f, 1);
    abort.abort();
    await expect(pending).rejects.toThrow();
    await runningBecomes(f, 0);
    expect(await count(f.query)).toBe('100');
  });
});

describe('query settings from the environment', () => {
  it('reads the query timeout, DuckDB memory limit and threads', () => {
    expect(
      timestreamTuningFromEnv({
        TIMESTREAM_QUERY_TIMEOUT_MS: '90000',
        TIMESTREAM_DUCKDB_MEMORY_MB: '2048',
        TIMESTREAM_DUCKDB_THREADS: '1',
      }),
    ).toEqual({ queryTimeoutMs: 90_000, memoryLimitMb: 2048, threads: 1 });
  });

  it.each([
    ['TIMESTREAM_QUERY_TIMEOUT_MS', '0', /TIMESTREAM_QUERY_TIMEOUT_MS "0".*milliseconds >= 1/],
    ['TIMESTREAM_QUERY_TIMEOUT_MS', '60s', /TIMESTREAM_QUERY_TIMEOUT_MS "60s".*milliseconds >= 1/],
    ['TIMESTREAM_DUCKDB_MEMORY_MB', '10', /TIMESTREAM_DUCKDB_MEMORY_MB "10".*MiB >= 64/],
    ['TIMESTREAM_DUCKDB_THREADS', '0', /TIMESTREAM_DUCKDB_THREADS "0".*threads >= 1/],
  ])('refuses %s=%s, naming it and what is allowed', (name, value, message) => {
    expect(() => timestreamTuningFromEnv({ [name]: value })).toThrow(LocalTimestreamSettingError);
    expect(() => timestreamTuningFromEnv({ [name]: value })).toThrow(message);
  });
});
