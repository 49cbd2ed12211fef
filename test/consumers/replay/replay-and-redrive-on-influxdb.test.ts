import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InfluxDbClient } from '#adapters/influxdb-client';
import { awsSdkNodeWarningSwitch } from '#adapters/node-support';
import { selectRows } from '../../helpers/influxd';
import { influxOf, postJson, startTestPipeline, type TestPipeline } from '../../helpers/local-pipeline';

/*
 * `npm run replay` and `npm run dlq -- redrive` with STORAGE=influxdb, against the influxd of a running
 * `npm start`: the commands find it on INFLUXDB_PORT, with no INFLUXDB_URL.
 */

const database = 'RoomCondition';
const dayMs = 86_400_000;

// The commands must be quiet on their own, not because this process's environment says so.
delete process.env[awsSdkNodeWarningSwitch];

describe('replay and dead-letter redrive with STORAGE=influxdb, through npm run replay and npm run dlq', () => {
  let pipeline: TestPipeline;
  let influx: InfluxDbClient;
  const rows = (query: string) => selectRows(influx, database, query);

  beforeAll(async () => {
    pipeline = await startTestPipeline({
      STORAGE: 'influxdb',
      ROLLUP_TIMEZONE: 'UTC',
      WRITER_BATCHING_WINDOW_SECONDS: '0',
    });
    influx = influxOf(pipeline);
  }, 120_000);
  afterAll(() => pipeline?.close());

  it('npm run replay restores a lost raw measurement from the stream, then rolls up the days it touched', async () => {
    // Prepare: two devices, readings on the day before yesterday and yesterday (UTC), stored by the writer
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    const dayBefore = Math.floor(Date.now() / dayMs) * dayMs - 2 * dayMs;
    const sent = ['replay_1', 'replay_2'].flatMap((deviceId, d) =>
      [0, 1].flatMap((day) =>
        [0, 1, 2].map((i) => ({
          deviceId,
          time: dayBefore + day * dayMs + 3_600_000 * (i + 1),
          co2: 400 + 10 * i + 100 * d + day,
        })),
      ),
    );
    for (const deviceId of ['replay_1', 'replay_2']) {
      const readings = sent
        .filter((r) => r.deviceId === deviceId)
        .map((r) => ({ deviceId, time: r.time, measures: { co2: r.co2 } }));
      const response = await postJson(
        `${pipeline.endpoints.ingest}/readings`,
        pipeline.signToken(deviceId),
        JSON.stringify(readings),
      );
      expect(response.status).toBe(202);
    }
    const stored = () => rows(`SELECT deviceId, co2 FROM "conditions" WHERE deviceId =~ /^replay_/`);
    await vi.waitFor(async () => expect(await stored()).toHaveLength(sent.length), {
      timeout: 30_000,
      interval: 100,
    });
    const expected = await stored();
    // the raw data is lost (and no rollup had run)
    await influx.query(database, 'DROP MEASUREMENT "conditions"', { method: 'POST' });
    expect(await stored()).toEqual([]);

    // Act
    const { stdout } = await pipeline.runNpm(['run', '--silent', 'replay', '--', '--from', startedAt], {
      timeout: 120_000,
    });

    // Assess: every reading back once, and the two days rolled up on InfluxDB
    expect(stdout).toContain('Rolled up 2 day(s)');
    expect(await stored()).toEqual(expected);
    const daily = await rows(
      `SELECT deviceId, "co2_count" AS "count", "co2_sum" AS "sum", "co2_first" AS "first", "co2_last" AS "last" FROM "conditions_daily" WHERE deviceId =~ /^replay_/`,
    );
    const want = ['replay_1', 'replay_2'].flatMap((deviceId) =>
      [0, 1].map((day) => {
        const values = sent.filter(
          (r) => r.deviceId === deviceId && Math.floor(r.time / dayMs) * dayMs === dayBefore + day * dayMs,
        );
        return {
          time: dayBefore + day * dayMs,
          deviceId,
          count: values.length,
          sum: values.reduce((s, r) => s + r.co2, 0),
          first: values[0]?.co2,
          last: values.at(-1)?.co2,
        };
      }),
    );
    const key = (r: Record<string, unknown>) => `${r.deviceId}/${r.time}`;
    expect(daily.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      want.sort((a, b) => key(a).localeCompare(key(b))),
    );
  }, 150_000);

  it('npm run dlq -- redrive sends a dead letter back through the stream, and the writer stores it in InfluxDB once the cause is fixed', async () => {
    // Prepare: co2 is a string in the shard of the week of 2022-01-03, so a float co2 there is refused
    await influx.write(database, 'conditions,deviceId=legacy co2="n/a" 1641168000000', 'ms');
    const reading = { deviceId: 'redrive_1', time: 1641168060000, measures: { co2: 410 } };
    const response = await postJson(
      `${pipeline.endpoints.ingest}/readings`,
      pipeline.signToken('redrive_1'),
      JSON.stringify([reading]),
    );
    expect(response.status).toBe(202);
    const file = join(pipeline.dataDir, 'dead-letters.jsonl');
    await vi.waitFor(
      () => {
        expect(existsSync(file), 'dead-letter file').toBe(true);
        expect(readFileSync(file, 'utf8')).toMatch(/field type conflict/);
      },
      { timeout: 30_000, interval: 100 },
    );
    const stored = () => rows(`SELECT co2 FROM "conditions" WHERE deviceId = 'redrive_1'`);
    expect(await stored()).toEqual([]);
    // the fix: that week's shard, with the conflicting field, is dropped
    const [shards] = await influx.query(undefined, 'SHOW SHARDS');
    const ours = shards?.series?.find((s) => s.name === database);
    const column = (name: string) => ours?.columns.indexOf(name) ?? -1;
    const shard = ours?.values.find(
      (v) =>
        Date.parse(String(v[column('start_time')])) <= 1641168000000 &&
        Date.parse(String(v[column('end_time')])) > 1641168000000,
    );
    expect(shard, 'the shard of 2022-01-03').toBeDefined();
    await influx.query(undefined, `DROP SHARD ${shard?.[column('id')]}`, { method: 'POST' });

    // Act
    const { stdout } = await pipeline.runNpm(['run', '--silent', 'dlq', '--', 'redrive'], {
      timeout: 120_000,
    });

    // Assess: redriven into the stream, and stored by the running writer
    expect(stdout).toContain('Redrove 1 of 1 dead letter(s)');
    await vi.waitFor(async () => expect(await stored()).toEqual([{ time: 1641168060000, co2: 410 }]), {
      timeout: 30_000,
      interval: 100,
    });
    expect(readFileSync(file, 'utf8').trim()).toBe('');
  }, 150_000);
});
