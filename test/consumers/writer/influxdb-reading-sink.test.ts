import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxDbClient, InfluxDbNetworkError } from '#adapters/influxdb-client';
import { InfluxDbConfigurationError, InfluxDbReadingSink } from '#consumers/writer/influxdb-reading-sink';
import type { ReadingBatch, RecordOutcome, WriteRequest } from '#consumers/writer/reading-sink';
import { type Reading, toWriteChunks } from '#core';
import { selectRows, startTestInfluxd, type TestInfluxd } from '../../helpers/influxd';
import { readingFactory } from '../../helpers/readings';

const deadline = () => Date.now() + 20_000;
const requestsOf = (chunks: ReturnType<typeof toWriteChunks>): WriteRequest[] =>
  chunks.map((c) => ({ commonAttributes: c.commonAttributes, records: c.records }));
const statuses = (outcomes: RecordOutcome[]) => outcomes.map((o) => o.status);
/** The writer's batch: InfluxDB never asks for versions. */
const batchOf = (readings: Reading[]): ReadingBatch => ({
  readings,
  version: () => {
    throw new Error('InfluxDB has no record versions: the sink must not ask for one');
  },
});

/** Dimension values that line protocol must escape, and values only a careless encoder would mangle. */
const hostileValues = [
  'a,b=c d',
  ' leading and trailing ',
  '=starts with equals',
  '"double" and \'single\' quotes',
  'back\\slash inside',
  'C:\\path\\to',
  'Zürich 東京 🌡',
  'tab\there',
  'comma,',
  '#not a comment',
];

describe('InfluxDbReadingSink against a real influxd', () => {
  let influx: TestInfluxd;
  beforeAll(async () => {
    influx = await startTestInfluxd();
  });
  afterAll(async () => {
    await influx?.close();
  });

  const sink = (
    database: string,
    options: Partial<ConstructorParameters<typeof InfluxDbReadingSink>[0]> = {},
  ) =>
    new InfluxDbReadingSink({
      client: influx.client,
      database,
      measurement: 'conditions',
      concurrency: 2,
      ...options,
    });

  it.each(['readings', 'multi', 'single'] as const)(
    'round-trips hostile tag values exactly, with every measure a float field (%s)',
    async (path) => {
      // Prepare
      const database = `hostile_${path}`;
      const base = Date.parse('2022-04-20T00:00:00Z');
      const readings = hostileValues.map((room, i) =>
        readingFactory({
          deviceId: `device_${i}`,
          timeMs: base + i * 1000,
          dimensions: { room },
          measures: { co2: { value: 550, unit: 'ppm' }, temperature: { value: 24.2, unit: 'degC' } },
        }),
      );
      // Act: the writer's path (readings straight to lines), or prebuilt records of either layout
      const outcomes =
        path === 'readings'
          ? await sink(database).writeReadings(batchOf(readings), { deadline: deadline() })
          : (
              await sink(database).write(requestsOf(toWriteChunks(readings, { layout: path, version: 1 })), {
                deadline: deadline(),
              })
            ).flat();
      // Assess
      expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set(['written']));
      const rows = await selectRows(influx.client, database, 'SELECT * FROM "conditions" ORDER BY time');
      expect(rows.map((r) => [r.deviceId, r.room, r.co2, r.temperature, r.time])).toEqual(
        readings.map((r) => [r.deviceId, r.dimensions.room, 550, 24.2, r.timeMs]),
      );
      const [fields] = await influx.client.query(database, 'SHOW FIELD KEYS FROM "conditions"');
      expect(fields?.series?.[0]?.values).toEqual([
        ['co2', 'float'],
        ['temperature', 'float'],
      ]);
    },
  );

  it('escapes hostile measurement names, tag keys and field keys (prebuilt records)', async () => {
    const database = 'hostile_names';
    const measurement = 'room conditions,v2';
    const outcomes = await sink(database, { measurement }).write(
      [
        {
          records: [
            {
              Dimensions: [{ Name: 'tag key,=x', Value: 'v' }],
              MeasureName: 'reading',
              MeasureValueType: 'MULTI',
              MeasureValues: [{ Name: 'field key,=y', Value: '1', Type: 'DOUBLE' }],
              Time: '1650412800000',
              TimeUnit: 'MILLISECONDS',
            },
          ],
        },
      ],
      { deadline: deadline() },
    );
    expect(statuses(outcomes.flat())).toEqual(['written']);
    const rows = await selectRows(influx.client, database, `SELECT * FROM "${measurement}"`);
    expect(rows).toEqual([{ time: 1650412800000, 'tag key,=x': 'v', 'field key,=y': 1 }]);
  });

  it('refuses a reading with a tag value line protocol cannot carry, without sending it, and writes the rest', async () => {
    const database = 'unstorable';
    const readings = ['fine', 'ends with backslash\\', 'line\nbreak', 'also fine'].map((room, i) =>
      readingFactory({
        deviceId: `d${i}`,
        timeMs: Date.parse('2022-04-20T00:00:00Z') + i,
        dimensions: { room },
      }),
    );
    const outcomes = await sink(database).writeReadings(batchOf(readings), { deadline: deadline() });
    const byRoom = new Map(readings.map((r, i) => [r.dimensions.room, outcomes[i]]));
    expect(byRoom.get('fine')).toEqual({ status: 'written' });
    expect(byRoom.get('also fine')).toEqual({ status: 'written' });
    expect(byRoom.get('ends with backslash\\')).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/tag "room" ends with a backslash/),
    });
    expect(byRoom.get('line\nbreak')).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/line break/),
    });
    const rows = await selectRows(influx.client, database, 'SELECT co2, room FROM "conditions"');
    expect(rows.map((r) => r.room).sort()).toEqual(['also fine', 'fine']);
  });

  it('writes readings with sub-millisecond times in a nanosecond batch, the others in milliseconds', async () => {
    const database = 'precisions';
    const base = Date.parse('2022-04-20T00:00:00Z');
    const readings = [
      readingFactory({ deviceId: 'ms_1', timeMs: base }),
      readingFactory({ deviceId: 'ns_1', timeMs: base + 1, timeSubMsNanos: 250_000 }),
      readingFactory({ deviceId: 'ms_2', timeMs: base + 2 }),
    ];
    const writes: number[] = [];
    const outcomes = await sink(database, {
      observer: { onWrite: (_ms, lines) => writes.push(lines) },
    }).writeReadings(batchOf(readings), { deadline: deadline() });
    expect(statuses(outcomes)).toEqual(['written', 'written', 'written']);
    expect(writes.sort()).toEqual([1, 2]);
    const [result] = await influx.client.query(database, 'SELECT co2 FROM "conditions"', {});
    expect(result?.series?.[0]?.values.map((v) => v[0])).toEqual([base, base + 1, base + 2]);
    const ns = await fetch(
      `${influx.client.url}/query?${new URLSearchParams({ db: database, q: 'SELECT co2 FROM "conditions" WHERE "deviceId" = \'ns_1\'' })}`,
    ).then((r) => r.json() as Promise<{ results: { series: { values: [string][] }[] }[] }>);
    expect(ns.results[0]?.series[0]?.values[0]?.[0]).toBe('2022-04-20T00:00:00.00125Z');
  });

  it('answers prebuilt records request by request, in order, refusing one it cannot carry', async () => {
    const record = (deviceId: string, ms: number) => ({
      Dimensions: [{ Name: 'deviceId', Value: deviceId }],
      MeasureName: 'reading',
      MeasureValueType: 'MULTI' as const,
      MeasureValues: [{ Name: 'co2', Value: '600', Type: 'DOUBLE' as const }],
      Time: String(Date.parse('2022-04-20T00:00:00Z') + ms),
      TimeUnit: 'MILLISECONDS' as const,
    });
    const outcomes = await sink('records_in_order').write(
      [
        { records: [record('a', 0), record('b', 1)] },
        { records: [record('c', 2), record('bad\\', 3), record('d', 4)] },
      ],
      { deadline: deadline() },
    );
    expect(outcomes.map((o) => statuses(o))).toEqual([
      ['written', 'written'],
      ['written', 'rejected', 'written'],
    ]);
    const rows = await selectRows(
      influx.client,
      'records_in_order',
      'SELECT co2, deviceId FROM "conditions"',
    );
    expect(rows.map((r) => r.deviceId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it("bisects a batch the server refuses in part: the refused point is rejected with the server's reason, the others are stored", async () => {
    // Prepare: co2 is a string field in the shard of 2022-01-03 (shards are a week long), so a float co2 of
    // that week conflicts; InfluxDB 1.x answers "partial write ... dropped=1" without saying which line
    const database = 'conflict';
    await influx.client.createDatabase(database);
    await influx.client.write(database, 'conditions,deviceId=old co2="not a number" 1641168000000', 'ms');
    const week = Date.parse('2022-04-20T00:00:00Z');
    const readings = Array.from({ length: 9 }, (_, i) =>
      readingFactory({ deviceId: `d${i}`, timeMs: i === 5 ? 1641168000000 + 60_000 : week + i * 1000 }),
    );
    const writes: number[] = [];
    // Act
    const outcomes = await sink(database, {
      observer: { onWrite: (_ms, lines) => writes.push(lines) },
    }).writeReadings(batchOf(readings), { deadline: deadline() });
    // Assess
    const byDevice = new Map(readings.map((r, i) => [r.deviceId, outcomes[i]]));
    expect(byDevice.get('d5')).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/field type conflict/),
    });
    for (const device of ['d0', 'd1', 'd2', 'd3', 'd4', 'd6', 'd7', 'd8']) {
      expect(byDevice.get(device), device).toEqual({ status: 'written' });
    }
    expect(writes[0]).toBe(9);
    expect(writes.length).toBeGreaterThan(2);
    const rows = await selectRows(
      influx.client,
      database,
      `SELECT co2 FROM "conditions" WHERE time >= ${week}ms`,
    );
    expect(rows).toHaveLength(8);
  });

  it('sends thousands of lines per request', async () => {
    const database = 'bulk';
    const base = Date.parse('2022-04-20T00:00:00Z');
    const readings = Array.from({ length: 12_000 }, (_, i) =>
      readingFactory({ deviceId: `d${i % 100}`, timeMs: base + Math.floor(i / 100) * 1000 }),
    );
    const writes: number[] = [];
    const outcomes = await sink(database, {
      observer: { onWrite: (_ms, lines) => writes.push(lines) },
    }).writeReadings(batchOf(readings), { deadline: deadline() });
    expect(new Set(statuses(outcomes))).toEqual(new Set(['written']));
    expect(writes.sort((a, b) => b - a)).toEqual([5000, 5000, 2000]);
    const rows = await selectRows(influx.client, database, 'SELECT count(co2) FROM "conditions"');
    expect(rows[0]?.count).toBe(12_000);
  });

  it('creates a missing database on the first write', async () => {
    const outcomes = await sink('created_on_write').writeReadings(batchOf([readingFactory()]), {
      deadline: deadline(),
    });
    expect(statuses(outcomes)).toEqual(['written']);
    const [result] = await influx.client.query(undefined, 'SHOW DATABASES');
    expect(result?.series?.[0]?.values.flat()).toContain('created_on_write');
  });

  it('fails the readings (a configuration error, not dead letters) when the database does not exist', async () => {
    const outcomes = await sink('never_created', { createDatabase: false }).writeReadings(
      batchOf([readingFactory()]),
      { deadline: deadline() },
    );
    const [outcome] = outcomes;
    expect(outcome?.status).toBe('failed');
    const error = (outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(InfluxDbConfigurationError);
    expect(error.message).toMatch(/has no database "never_created".*INFLUXDB_DATABASE/);
  });

  it('retries an unreachable server until the deadline, then fails the readings with the network error', async () => {
    // a port that was just free on loopback: nothing listens there
    const closed = await startTestInfluxd();
    const url = closed.server.endpoint;
    await closed.close();
    const retries: unknown[] = [];
    const outcomes = await new InfluxDbReadingSink({
      client: new InfluxDbClient({ url }),
      database: 'x',
      measurement: 'conditions',
      concurrency: 1,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      observer: { onRetry: (e) => retries.push(e) },
    }).writeReadings(batchOf([readingFactory()]), { deadline: Date.now() + 1_000 });
    const [outcome] = outcomes;
    expect(outcome?.status).toBe('failed');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toBeInstanceOf(InfluxDbNetworkError);
    expect((retries[0] as InfluxDbNetworkError).code).toBe('ECONNREFUSED');
  });
});
