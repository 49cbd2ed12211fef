import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsSdkNodeWarningSwitch } from '#adapters/node-support';
import { createTimestreamQueryClient } from '#adapters/service-clients';
import { queryAll } from '#adapters/timestream-query';
import { createHistory, historyZoneDays } from '#producers/simulator/history';
import {
  HistoryNotStoredError,
  storedHistoryQuery,
  waitForStoredHistory,
} from '#producers/simulator/history-stored';
import { startTestPipeline, type TestPipeline } from '../../helpers/local-pipeline';

const dayMs = 86_400_000;

// The commands must be quiet on their own, not because this process's environment says so.
delete process.env[awsSdkNodeWarningSwitch];

describe('npm run simulate -- --history, against the real local pipeline', () => {
  let pipeline: TestPipeline;
  let query: TimestreamQueryClient;
  let output: string;
  let startedAt: number;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ ROLLUP_TIMEZONE: 'Asia/Tokyo' });
    query = createTimestreamQueryClient({ timestreamEndpoint: pipeline.endpoints.timestream });
    startedAt = Date.now();
    const result = await pipeline.runNpm(
      'run simulate -- --history 3d --devices 3 --interval 10m --seed 5'.split(' '),
    );
    output = `${result.stdout}\n${result.stderr}`;
  }, 300_000);
  afterAll(async () => {
    query?.destroy();
    await pipeline?.close();
  });

  /** The history the command sent: the same fleet, seed and span, ending when the command started (or a bit after). */
  const sentHistory = () => {
    const [, from, to] = /from (\S+) to (\S+),/.exec(output) ?? [];
    expect(from, `the command prints its span:\n${output}`).toBeDefined();
    const lastMs = Date.parse(to!);
    expect(lastMs).toBeGreaterThanOrEqual(startedAt - 10 * 60_000);
    return createHistory({
      devices: 3,
      seed: 5,
      fromMs: Date.parse(from!),
      toMs: lastMs + 1,
      intervalMs: 600_000,
      batch: 500,
    });
  };

  it('stores every reading of the history and ends with aggregate rows for each day, over all of it', async () => {
    const history = sentHistory();
    expect(history.readingCount).toBeGreaterThanOrEqual(3 * 432);
    expect(output).toContain(`Sent ${history.readingCount} readings`);
    const raw = await queryAll(
      query,
      `SELECT COUNT(*) AS n FROM "RoomCondition"."conditions" WHERE deviceId IN ('sim-0000', 'sim-0001', 'sim-0002')`,
    );
    expect(raw[0]?.n).toBe(history.readingCount);

    // Every Tokyo day of the history has a co2 aggregate per device, and together they count every reading:
    // a rollup that ran before the writer had stored the history would have counted fewer.
    const days = historyZoneDays(history, 'Asia/Tokyo');
    const rows = await queryAll(
      query,
      `SELECT deviceId, time, count FROM "RoomCondition"."conditions_daily" WHERE measure = 'co2' ORDER BY time, deviceId`,
    );
    const dates = [
      ...new Set(rows.map((r) => new Date((r.time as number) + 9 * 3_600_000).toISOString().slice(0, 10))),
    ];
    const expectedDates: string[] = [];
    for (let t = Date.parse(`${days.from}T00:00:00Z`); t <= Date.parse(`${days.to}T00:00:00Z`); t += dayMs) {
      expectedDates.push(new Date(t).toISOString().slice(0, 10));
    }
    expect(expectedDates.length).toBeGreaterThanOrEqual(4);
    expect(dates).toEqual(expectedDates);
    expect(rows).toHaveLength(3 * expectedDates.length);
    const counted = rows.reduce((sum, r) => sum + Number(r.count), 0);
    expect(counted).toBe(history.readingCount);
  });

  it('prints no AWS SDK Node.js advisory, from the simulator or the rollup it runs', () => {
    expect(output).toContain('Rolling up');
    expect(output).not.toContain('NodeVersionSupportWarning');
  });

  it('counts a history of a large fleet (by id range) as well as by a list of ids', async () => {
    const history = sentHistory();
    const large = createHistory({ ...history.options, devices: 1_500 });
    expect(storedHistoryQuery(large, 'RoomCondition', 'conditions')).toContain('BETWEEN');
    const [row] = await queryAll(query, storedHistoryQuery(large, 'RoomCondition', 'conditions'));
    expect(row?.stored).toBe(history.readingCount);
  });

  it('fails with the count and what to check when the writer stores no more of a history', async () => {
    const never = createHistory({
      devices: 2,
      seed: 5,
      devicePrefix: 'never-sent',
      fromMs: Date.now() - dayMs,
      toMs: Date.now(),
      intervalMs: 600_000,
      batch: 500,
    });
    const error = await waitForStoredHistory(never, {
      query,
      database: 'RoomCondition',
      table: 'conditions',
      stallTimeoutMs: 1_000,
      pollMs: 100,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryNotStoredError);
    expect((error as HistoryNotStoredError).message).toMatch(
      /holds 0 of the history's 288 readings, and no more arrived in \d+ s: is the pipeline .* \(npm run dlq -- list\)/,
    );
  });
});
