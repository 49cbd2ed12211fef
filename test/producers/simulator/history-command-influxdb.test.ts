import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfluxDbClient } from '#adapters/influxdb-client';
import { awsSdkNodeWarningSwitch } from '#adapters/node-support';
import { createHistory } from '#producers/simulator/history';
import { HistoryNotStoredError, waitForStoredHistory } from '#producers/simulator/history-stored';
import { selectRows } from '../../helpers/influxd';
import { influxOf, startTestPipeline, type TestPipeline } from '../../helpers/local-pipeline';

const database = 'RoomCondition';

// The commands must be quiet on their own, not because this process's environment says so.
delete process.env[awsSdkNodeWarningSwitch];

describe('npm run simulate -- --history with STORAGE=influxdb, against npm start on a real influxd', () => {
  let pipeline: TestPipeline;
  let influx: InfluxDbClient;
  let output: string;

  beforeAll(async () => {
    pipeline = await startTestPipeline({ STORAGE: 'influxdb', ROLLUP_TIMEZONE: 'UTC' });
    influx = influxOf(pipeline);
    // no INFLUXDB_URL: the simulator and the rollup it runs find influxd on INFLUXDB_PORT
    const result = await pipeline.runNpm(
      'run simulate -- --history 2d --devices 3 --interval 30m --seed 7'.split(' '),
      { timeout: 240_000 },
    );
    output = `${result.stdout}\n${result.stderr}`;
  }, 300_000);
  afterAll(() => pipeline?.close());

  it('waits until InfluxDB holds the whole history, then rolls up every day of it into the aggregate measurement', async () => {
    const [, sent] = /Sent (\d+) readings/.exec(output) ?? [];
    expect(sent, `the command prints what it sent:\n${output}`).toBeDefined();
    expect(output).toContain('Rolling up');
    const [raw] = await selectRows(
      influx,
      database,
      `SELECT count("co2") AS n FROM "conditions" WHERE "deviceId" =~ /^sim-000[0-2]$/`,
    );
    expect(raw?.n).toBe(Number(sent));
    // the rollup ran after every reading was stored: the daily counts add up to the whole history
    const daily = await selectRows(
      influx,
      database,
      `SELECT "co2_count" FROM "conditions_daily" GROUP BY "deviceId"`,
    );
    expect(new Set(daily.map((r) => r.deviceId))).toEqual(new Set(['sim-0000', 'sim-0001', 'sim-0002']));
    expect(daily.reduce((sum, r) => sum + Number(r.co2_count), 0)).toBe(Number(sent));
  });

  it('fails with the count and the measurement when InfluxDB stores no more of a history', async () => {
    const never = createHistory({
      devices: 2,
      seed: 99,
      fromMs: Date.parse('2021-03-01T00:00:00Z'),
      toMs: Date.parse('2021-03-01T01:00:00Z'),
      intervalMs: 600_000,
      batch: 500,
    });
    const error = await waitForStoredHistory(never, {
      influx,
      database,
      table: 'conditions',
      stallTimeoutMs: 1_000,
      pollMs: 100,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryNotStoredError);
    expect((error as HistoryNotStoredError).stored).toBe(0);
    expect((error as Error).message).toContain(`"conditions" (InfluxDB database "${database}") holds 0 of`);
  });
});
