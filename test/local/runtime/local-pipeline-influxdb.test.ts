import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InfluxDbClient } from '#adapters/influxdb-client';
import { selectRows, stopLeftInfluxd } from '../../helpers/influxd';
import {
  freePorts,
  influxOf,
  postJson,
  startTestPipeline,
  type TestPipeline,
} from '../../helpers/local-pipeline';
import { killWhileSending, startNpmStart } from './npm-start-child';

/*
 * The end-to-end tests of `npm start` with STORAGE=influxdb, against the real influxd it starts (Debian's
 * InfluxDB 1.x): the seed body, unit conversion, dedupe, the ingest's 400 for values InfluxDB cannot store,
 * dead letters with the server's reason, a crash of influxd, and a SIGKILL of the whole process.
 */

const seedBody = '{"co2": 550, "temperature": 24.2, "humidity": 48.2}';
const database = 'RoomCondition';

describe('npm start with STORAGE=influxdb: the seed article end to end on a real influxd', () => {
  let pipeline: TestPipeline;
  let influx: InfluxDbClient;
  const rows = (query: string) => selectRows(influx, database, query);

  beforeAll(async () => {
    pipeline = await startTestPipeline({ STORAGE: 'influxdb', WRITER_BATCHING_WINDOW_SECONDS: '0' });
    influx = influxOf(pipeline);
  }, 120_000);
  afterAll(() => pipeline?.close());

  it('starts influxd itself and runs no local Timestream', () => {
    expect(pipeline.endpoints.influxdb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(pipeline.endpoints.timestream).toBeUndefined();
  });

  it("stores the seed's exact body as one point of float fields, tagged with the token's device", async () => {
    const before = Date.now();
    const response = await postJson(`${pipeline.endpoints.ingest}/`, pipeline.sampleToken, seedBody);
    expect(response.status).toBe(202);
    const stored = await vi.waitFor(
      async () => {
        const r = await rows(
          `SELECT co2, temperature, humidity FROM "conditions" WHERE deviceId = 'device_1'`,
        );
        expect(r.length, 'points stored').toBeGreaterThan(0);
        return r;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ co2: 550, temperature: 24.2, humidity: 48.2 });
    expect(stored[0]?.time as number).toBeGreaterThanOrEqual(before - 1);
    const [fields] = await influx.query(database, 'SHOW FIELD KEYS FROM "conditions"');
    expect(new Set(fields?.series?.[0]?.values.map((v) => v[1]))).toEqual(new Set(['float']));
  });

  it("serves the web dashboard from InfluxDB: pickers from the raw readings before any rollup, the seed's co2 drawn", async () => {
    const dashboard = pipeline.endpoints.dashboard;
    expect(dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const variables = (await (await fetch(`${dashboard}/api/variables?range=24h`)).json()) as {
      variables: { name: string; source: string; options: string[] }[];
    };
    expect(variables.variables.find((v) => v.name === 'device')).toMatchObject({
      source: 'raw',
      options: expect.arrayContaining(['device_1']),
    });
    const response = await fetch(`${dashboard}/api/panels/9?range=24h&device=device_1&measure=co2`);
    expect(response.status).toBe(200);
    const panel = (await response.json()) as {
      data: { series: { label: string; unit: string; values: (number | null)[] }[] };
      sql: string;
    };
    expect(panel.sql).toContain('FROM "conditions"');
    expect(panel.data.series.map((s) => [s.label, s.unit])).toEqual([['co2', 'ppm']]);
    expect(panel.data.series[0]!.values.filter((v) => v !== null)).toEqual([550]);
  });

  it('stores canonical units, and drops a redelivered copy by its dedupe key', async () => {
    const token = pipeline.signToken('units_1');
    const time = '2022-04-20T05:51:00+09:00';
    const first = {
      deviceId: 'units_1',
      time,
      messageId: 'm-1',
      dimensions: { room: 'Lab, 2nd floor' },
      measures: { temperature: { value: 75.2, unit: 'degF' }, co2: { value: 0.05, unit: 'percent' } },
    };
    expect(
      (await postJson(`${pipeline.endpoints.ingest}/readings`, token, JSON.stringify(first))).status,
    ).toBe(202);
    // the same message id and time with other values: a copy, dropped (it would overwrite the point otherwise)
    const copy = { ...first, measures: { temperature: 99, co2: 1 } };
    expect(
      (await postJson(`${pipeline.endpoints.ingest}/readings`, token, JSON.stringify(copy))).status,
    ).toBe(202);
    const marker = { deviceId: 'units_1', time: '2022-04-20T06:00:00+09:00', measures: { co2: 1 } };
    expect(
      (await postJson(`${pipeline.endpoints.ingest}/readings`, token, JSON.stringify(marker))).status,
    ).toBe(202);
    const stored = await vi.waitFor(
      async () => {
        const r = await rows(`SELECT * FROM "conditions" WHERE deviceId = 'units_1' ORDER BY time`);
        expect(r.length, 'both points stored').toBe(2);
        return r;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(stored[0]).toMatchObject({ room: 'Lab, 2nd floor', co2: 500, time: Date.parse(time) });
    expect(stored[0]?.temperature as number).toBeCloseTo(24, 10);
  });

  it('refuses at the ingest, with a 400 naming the field, a dimension value InfluxDB cannot store', async () => {
    const token = pipeline.signToken('hostile_1');
    for (const room of ['ends with a backslash\\', 'line\nbreak', 'slash\\,comma']) {
      const body = JSON.stringify({
        deviceId: 'hostile_1',
        time: Date.now(),
        dimensions: { room },
        measures: { co2: 1 },
      });
      const response = await postJson(`${pipeline.endpoints.ingest}/readings`, token, body);
      expect(response.status, room).toBe(400);
      expect(response.body.issues).toEqual([
        expect.objectContaining({
          path: 'dimensions.room',
          code: 'invalid_dimension_value',
          message: expect.stringContaining('STORAGE=influxdb'),
        }),
      ]);
    }
  });

  it("dead-letters a reading InfluxDB refuses, with the server's reason, and stores the rest of its batch", async () => {
    // co2 is a string in the week of 2022-01-03 (a shard of its own): a float co2 of that week conflicts
    await influx.write(database, 'conditions,deviceId=legacy co2="n/a" 1641168000000', 'ms');
    const token = pipeline.signToken('conflict_1');
    const readings = [
      { deviceId: 'conflict_1', time: 1641168060000, measures: { co2: 410 } },
      { deviceId: 'conflict_1', time: '2022-04-20T06:10:00+09:00', measures: { co2: 411 } },
    ];
    expect(
      (await postJson(`${pipeline.endpoints.ingest}/readings`, token, JSON.stringify(readings))).status,
    ).toBe(202);
    const letters = await vi.waitFor(
      () => {
        const file = join(pipeline.dataDir, 'dead-letters.jsonl');
        expect(existsSync(file), 'dead-letter file').toBe(true);
        const lines = readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines.length).toBeGreaterThan(0);
        return lines as { code: string; reason: string; payload: string }[];
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      code: 'rejected',
      reason: expect.stringMatching(/field type conflict/),
    });
    expect(JSON.parse(Buffer.from(letters[0]!.payload, 'base64').toString())).toMatchObject({
      deviceId: 'conflict_1',
      measures: { co2: { value: 410 } },
    });
    await vi.waitFor(
      async () =>
        expect(await rows(`SELECT co2 FROM "conditions" WHERE deviceId = 'conflict_1'`)).toHaveLength(1),
      { timeout: 20_000, interval: 100 },
    );
  });

  it('rolls up yesterday into the aggregate measurement, as the scheduler does', async () => {
    const token = pipeline.signToken('rollup_1');
    const yesterdayNoon = Date.UTC(
      new Date().getUTCFullYear(),
      new Date().getUTCMonth(),
      new Date().getUTCDate() - 1,
      12,
    );
    const readings = [400, 500, 900].map((co2, i) => ({
      deviceId: 'rollup_1',
      time: yesterdayNoon + i * 60_000,
      measures: { co2 },
    }));
    expect(
      (await postJson(`${pipeline.endpoints.ingest}/readings`, token, JSON.stringify(readings))).status,
    ).toBe(202);
    await vi.waitFor(
      async () =>
        expect(await rows(`SELECT co2 FROM "conditions" WHERE deviceId = 'rollup_1'`)).toHaveLength(3),
      { timeout: 20_000, interval: 100 },
    );
    await pipeline.runRollup(new Date());
    const daily = await rows(`SELECT /^co2_/ FROM "conditions_daily" WHERE deviceId = 'rollup_1'`);
    expect(daily).toEqual([
      {
        time: yesterdayNoon - 12 * 3_600_000,
        co2_avg: 600,
        co2_min: 400,
        co2_max: 900,
        co2_sum: 1800,
        co2_count: 3,
        co2_first: 400,
        co2_last: 900,
      },
    ]);
  });

  it('keeps readings in the stream while influxd is down, and stores them once it is restarted', async () => {
    const token = pipeline.signToken('outage_1');
    await pipeline.terminateService('influxdb', 'drill');
    const base = Date.parse('2022-04-21T00:00:00Z');
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({
        deviceId: 'outage_1',
        time: base + i * 1000,
        measures: { co2: 400 + i },
      });
      expect((await postJson(`${pipeline.endpoints.ingest}/readings`, token, body)).status).toBe(202);
    }
    const stored = await vi.waitFor(
      async () => {
        const r = await rows(`SELECT co2 FROM "conditions" WHERE deviceId = 'outage_1'`);
        expect(r).toHaveLength(5);
        return r;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(stored.map((r) => r.co2)).toEqual([400, 401, 402, 403, 404]);
  }, 90_000);
});

describe('npm start with STORAGE=influxdb: a crash loses no acknowledged reading', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-influx-kill-'));
  afterAll(() => {
    stopLeftInfluxd(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const startChild = () =>
    startNpmStart({
      ...freePorts,
      DATA_DIR: dataDir,
      STORAGE: 'influxdb',
      WRITER_BATCHING_WINDOW_SECONDS: '0',
    });

  it('stores every accepted reading after SIGKILL and a restart (the next start stops the orphaned influxd)', async () => {
    const first = await startChild();
    const accepted = await killWhileSending(first);

    const second = await startChild();
    try {
      const client = new InfluxDbClient({ url: second.endpoints.influxdb });
      const stored = await vi.waitFor(
        async () => {
          const r = await selectRows(
            client,
            database,
            `SELECT co2 FROM "conditions" WHERE deviceId = 'device_1'`,
          );
          expect(r.length, 'accepted readings stored after the restart').toBeGreaterThanOrEqual(
            accepted.length,
          );
          return r;
        },
        { timeout: 60_000, interval: 250 },
      );
      const times = new Set(stored.map((r) => r.time as number));
      expect(accepted.filter((t) => !times.has(t))).toEqual([]);
      // the printed dashboard serves the InfluxDB panels, and says InfluxDB bills no query
      const page = await (await fetch(second.dashboard)).text();
      expect(page).toContain('data-query-billing="instance"');
      const layout = (await (await fetch(`${second.dashboard}/api/panels`)).json()) as {
        panels: { id: number }[];
      };
      expect(layout.panels.map((p) => p.id)).toEqual([2, 3, 5, 6, 7, 9]);
      const raw = (await (
        await fetch(`${second.dashboard}/api/panels/9?range=24h&device=device_1&measure=co2`)
      ).json()) as { data: { points: number } };
      expect(raw.data.points).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  }, 240_000);
});
