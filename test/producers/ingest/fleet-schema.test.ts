import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { batchWriterFromEnv } from '#consumers/writer/batch-writer-from-env';
import { readPipelineConfig } from '#core/config';
import { createIngestAppFromConfig } from '#producers/ingest/ingest-app-from-config';
import { startTimestreamStack, streamRecord, type TimestreamStack } from '../../consumers/local-stack';
import { bearer, memoryLogger, testSecret } from '../ingest-fixture';
import { type StreamFixture, startStreamFixture } from '../stream-fixture';

/*
 * The fleet's one schema, end to end: the ingest's HTTP API refuses names outside it with a 400 that says how
 * to add them, and what it answers 202 for is stored by the writer (configured the same way) in the local
 * Timestream, whatever other devices sent before.
 */

let kinesis: StreamFixture;
let timestream: TimestreamStack;
beforeAll(async () => {
  [kinesis, timestream] = await Promise.all([startStreamFixture(), startTimestreamStack()]);
});
afterAll(async () => {
  await Promise.all([kinesis?.close(), timestream?.close()]);
});

/** The ingest app and the writer, wired from the same environment as on Lambda, over a fresh stream. */
async function pipeline(env: Record<string, string> = {}) {
  const streamName = await kinesis.newStream();
  const deadLetterFile = join(timestream.dataDir, `dead-letters-${streamName}.jsonl`);
  const fullEnv = { ...env, STREAM_NAME: streamName, DEAD_LETTER_FILE: deadLetterFile };
  const config = readPipelineConfig(fullEnv);
  const app = createIngestAppFromConfig({
    config,
    kinesis: kinesis.client,
    secret: testSecret,
    units: unitRegistryFromEnv(fullEnv),
    logger: memoryLogger(),
  });
  const writer = batchWriterFromEnv(fullEnv, config, { timestreamEndpoint: timestream.endpoint });
  let delivered = 0;
  return {
    post: (deviceId: string, body: unknown) =>
      app.request('/readings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(deviceId) },
        body: JSON.stringify(body),
      }),
    /** Delivers the stream's new records to the writer, as the event source mapping would. */
    async deliver() {
      const records = (await kinesis.readAll(streamName)).slice(delivered);
      delivered += records.length;
      return writer.write(
        records.map((r) => streamRecord(r.readings, { partitionKey: r.partitionKey })),
        { deadline: Date.now() + 30_000 },
      );
    },
    published: async () => (await kinesis.readAll(streamName)).length,
    deadLetters: () =>
      existsSync(deadLetterFile)
        ? readFileSync(deadLetterFile, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : [],
  };
}

const minutesAgo = (m: number) => Date.now() - m * 60_000;

describe('names outside the fleet schema are refused at the door', () => {
  it("a device's stray dimension names cannot make another device's valid reading fail after 202", async () => {
    // Prepare
    const p = await pipeline();
    // Act
    const hostile = await p.post('device_1', {
      deviceId: 'device_1',
      time: minutesAgo(3),
      dimensions: { pm2_5: 'x', Room: 'a' },
      measures: { co2: 600 },
    });
    const deviceIdTwin = await p.post('device_1', {
      deviceId: 'device_1',
      time: minutesAgo(3),
      dimensions: { DeviceId: 'x' },
      measures: { co2: 600 },
    });
    const valid = await p.post('device_2', {
      deviceId: 'device_2',
      time: minutesAgo(2),
      dimensions: { room: 'kitchen' },
      measures: { pm2_5: 13, co2: 701 },
    });
    const written = await p.deliver();
    // Assess
    expect(hostile.status).toBe(400);
    const body = (await hostile.json()) as { code: string; issues: { path: string; message: string }[] };
    expect(body.code).toBe('invalid_readings');
    expect(body.issues).toEqual([
      {
        path: 'dimensions.pm2_5',
        code: 'unknown_dimension',
        message: '"pm2_5" is a measure, not a dimension: send it in "measures" as "pm2_5"',
      },
      {
        path: 'dimensions.Room',
        code: 'unknown_dimension',
        message: 'unknown dimension "Room": names are case-sensitive, send it as "room"',
      },
    ]);
    expect(deviceIdTwin.status).toBe(400);
    expect(JSON.stringify(await deviceIdTwin.json())).toContain(
      `deviceId is set from the reading's \\"deviceId\\" field`,
    );
    expect(valid.status).toBe(202);
    expect(written.summary).toMatchObject({ readingsIn: 1, written: 1, deadLettered: {} });
    expect(p.deadLetters()).toEqual([]);
    const rows = await timestream.rows(
      `SELECT pm2_5, co2, room FROM "RoomCondition"."conditions" WHERE deviceId = 'device_2'`,
    );
    expect(rows).toEqual([{ pm2_5: 13, co2: 701, room: 'kitchen' }]);
  });

  it('refuses readings that would add columns (unknown measures), publishing nothing, and the table stays as wide', async () => {
    // Prepare
    const p = await pipeline();
    const columnsBefore = await timestream.rows('DESCRIBE "RoomCondition"."conditions"');
    const readings = Array.from({ length: 10 }, (_, r) => ({
      deviceId: 'wide_1',
      time: minutesAgo(1) + r,
      measures: Object.fromEntries(Array.from({ length: 64 }, (_, m) => [`x${r}_${m}`, m])),
    }));
    // Act
    const res = await p.post('wide_1', readings);
    // Assess
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: { path: string; code: string; message: string }[] };
    expect(body.issues[0]).toEqual({
      index: 0,
      path: '[0].measures.x0_0',
      code: 'unknown_measure',
      message:
        'unknown measure "x0_0": register it in UNITS_CONFIG (or UNITS_CONFIG_FILE) on the ingest and the ' +
        'writer, e.g. {"measures": {"x0_0": {"canonicalUnit": "<unit>"}}}',
    });
    expect(await p.published()).toBe(0);
    expect(await timestream.rows('DESCRIBE "RoomCondition"."conditions"')).toEqual(columnsBefore);
  });

  it('takes the dimensions of DIMENSIONS and the measures of UNITS_CONFIG, on the ingest and the writer alike', async () => {
    // Prepare
    const p = await pipeline({
      DIMENSIONS: 'building,wing',
      UNITS_CONFIG: '{"measures": {"radon": {"canonicalUnit": "Bq/m3", "units": {"pCi/L": {"factor": 37}}}}}',
    });
    // Act
    const accepted = await p.post('cfg_1', {
      deviceId: 'cfg_1',
      time: minutesAgo(2),
      dimensions: { building: 'B', wing: 'east' },
      measures: { radon: { value: 2, unit: 'pCi/L' }, co2: 480 },
    });
    const refused = await p.post('cfg_1', {
      deviceId: 'cfg_1',
      time: minutesAgo(1),
      dimensions: { room: 'kitchen' },
      measures: { co2: 480 },
    });
    const written = await p.deliver();
    // Assess
    expect(accepted.status).toBe(202);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain(
      'unknown dimension \\"room\\" (configured: building, wing): add it to DIMENSIONS',
    );
    expect(written.summary).toMatchObject({ written: 1, deadLettered: {} });
    const rows = await timestream.rows(
      `SELECT building, wing, radon, co2 FROM "RoomCondition"."conditions" WHERE deviceId = 'cfg_1'`,
    );
    expect(rows).toEqual([{ building: 'B', wing: 'east', radon: 74, co2: 480 }]);
  });
});

describe('a configuration where a name is both a measure and a dimension', () => {
  it('stops the ingest and the writer at start, naming the name and both variables', () => {
    const env = {
      DIMENSIONS: 'room,radon',
      UNITS_CONFIG: '{"measures": {"radon": {"canonicalUnit": "Bq/m3"}}}',
      DEAD_LETTER_FILE: join(timestream.dataDir, 'never.jsonl'),
    };
    const config = readPipelineConfig(env);
    const reason = /DIMENSIONS: "radon" is also the measure "radon" of the unit registry.*UNITS_CONFIG/;
    expect(() =>
      createIngestAppFromConfig({
        config,
        kinesis: kinesis.client,
        secret: testSecret,
        units: unitRegistryFromEnv(env),
        logger: memoryLogger(),
      }),
    ).toThrow(reason);
    expect(() => batchWriterFromEnv(env, config, { timestreamEndpoint: timestream.endpoint })).toThrow(
      reason,
    );
  });
});
