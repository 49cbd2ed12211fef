import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter } from '#consumers/writer/batch-writer';
import { FileDeadLetterSink } from '#consumers/writer/dead-letter/file-dead-letter-sink';
import type { ReadingSink } from '#consumers/writer/reading-sink';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';
import { createUnitRegistry, type Reading, RecentKeys } from '#core';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import { startTimestreamStack, streamRecord, type TimestreamStack } from '../local-stack';

const units = createUnitRegistry();
const minutesAgo = (m: number) => Date.now() - m * 60_000;

function writerFor(stack: TimestreamStack, layout: 'multi' | 'single', name: string) {
  const deadLetters = new FileDeadLetterSink(join(stack.dataDir, `${name}.jsonl`));
  const recent = new RecentKeys(1000);
  const writer = new BatchWriter({
    sink: new TimestreamReadingSink({
      client: stack.write,
      database: stack.config.database,
      table: stack.config.rawTable,
      layout,
      concurrency: 4,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    }),
    deadLetters,
    units,
    recent,
  });
  return { writer, deadLetters, recent, file: join(stack.dataDir, `${name}.jsonl`) };
}

const deadline = () => Date.now() + 30_000;

describe('BatchWriter on the local Timestream (multi layout)', () => {
  let stack: TimestreamStack;
  beforeAll(async () => {
    stack = await startTimestreamStack();
  });
  afterAll(() => stack.close());

  it('stores a reading sent twice (a redelivered record) once', async () => {
    // Prepare
    const { writer } = writerFor(stack, 'multi', 'dup');
    const reading = { deviceId: 'dup_1', time: minutesAgo(5), messageId: 'm-1', measures: { co2: 650 } };
    const first = streamRecord([reading], { partitionKey: 'dup_1' });
    // Act
    const a = await writer.write([first], { deadline: deadline() });
    const b = await writer.write([first, streamRecord([reading])], { deadline: deadline() });
    // Assess
    expect(a.summary.written).toBe(1);
    expect(b.summary.written).toBe(0);
    expect(b.summary.duplicates).toBe(2);
    const rows = await stack.rows(`SELECT co2 FROM "RoomCondition"."conditions" WHERE deviceId = 'dup_1'`);
    expect(rows).toEqual([{ co2: 650 }]);
  });

  it('stores every reading of a device whose messageIds restart after a reboot (same ids, later times)', async () => {
    // Prepare
    const { writer } = writerFor(stack, 'multi', 'reboot');
    const boot = (startMs: number) =>
      streamRecord(
        Array.from({ length: 10 }, (_, i) => ({
          deviceId: 'reboot_1',
          time: startMs + i * 1000,
          messageId: String(i),
          measures: { co2: 500 + i },
        })),
        { partitionKey: 'reboot_1' },
      );
    // Act
    const before = await writer.write([boot(minutesAgo(30))], { deadline: deadline() });
    const after = await writer.write([boot(minutesAgo(10))], { deadline: deadline() });
    // Assess
    expect(before.summary).toMatchObject({ written: 10, duplicates: 0 });
    expect(after.summary).toMatchObject({ written: 10, duplicates: 0 });
    const [row] = await stack.rows(
      `SELECT count(*) AS n FROM "RoomCondition"."conditions" WHERE deviceId = 'reboot_1'`,
    );
    expect(row).toEqual({ n: 20 });
  });

  it('keeps device and messageId apart: "sensor:7" / "42" and "sensor" / "7:42" are two readings', async () => {
    const { writer } = writerFor(stack, 'multi', 'ambiguous');
    const t = minutesAgo(6);
    const result = await writer.write(
      [
        streamRecord([
          { deviceId: 'sensor:7', time: t, messageId: '42', measures: { co2: 511 } },
          { deviceId: 'sensor', time: t, messageId: '7:42', measures: { co2: 522 } },
        ]),
      ],
      { deadline: deadline() },
    );
    expect(result.summary).toMatchObject({ written: 2, duplicates: 0 });
    const rows = await stack.rows(
      `SELECT deviceId, co2 FROM "RoomCondition"."conditions" WHERE deviceId LIKE 'sensor%' ORDER BY deviceId`,
    );
    expect(rows).toEqual([
      { deviceId: 'sensor', co2: 522 },
      { deviceId: 'sensor:7', co2: 511 },
    ]);
  });

  it('dead-letters a reading in the stream whose names are outside the fleet schema, before Timestream sees it', async () => {
    // Prepare
    const { writer, file } = writerFor(stack, 'multi', 'schema');
    const t = minutesAgo(2);
    const mixed = streamRecord([
      { deviceId: 'schema_2', time: t, dimensions: { Room: 'b' }, measures: { co2: 601 } },
      { deviceId: 'schema_3', time: t, measures: { CO2: 602 } },
      { deviceId: 'schema_4', time: t, dimensions: { room: 'd' }, measures: { co2: 603 } },
    ]);
    // Act
    const result = await writer.write(
      [
        streamRecord([{ deviceId: 'schema_1', time: t, dimensions: { room: 'a' }, measures: { co2: 600 } }]),
        mixed,
      ],
      { deadline: deadline() },
    );
    // Assess
    expect(result.failures.size).toBe(0);
    expect(result.summary).toMatchObject({ written: 2, deadLettered: { 'invalid-payload': 2 } });
    const letters = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letters.map((l) => [l.code, l.reason])).toEqual([
      [
        'invalid-payload',
        '[0].dimensions.Room: unknown dimension "Room": names are case-sensitive, send it as "room"',
      ],
      [
        'invalid-payload',
        '[1].measures.CO2: unknown measure "CO2": names are case-sensitive, send it as "co2"',
      ],
    ]);
    const rows = await stack.rows(
      `SELECT deviceId, room, co2 FROM "RoomCondition"."conditions" WHERE deviceId LIKE 'schema_%' ORDER BY deviceId`,
    );
    expect(rows).toEqual([
      { deviceId: 'schema_1', room: 'a', co2: 600 },
      { deviceId: 'schema_4', room: 'd', co2: 603 },
    ]);
  });

  it('stores degF as degC and keeps the seed units', async () => {
    const { writer } = writerFor(stack, 'multi', 'units');
    const t = minutesAgo(3);
    const result = await writer.write(
      [
        streamRecord([
          {
            deviceId: 'unit_1',
            time: t,
            measures: { temperature: { value: 75.2, unit: 'degF' }, humidity: 48.2 },
          },
        ]),
      ],
      { deadline: deadline() },
    );
    expect(result.summary).toMatchObject({ written: 1, converted: 1, failedRecords: 0 });
    const rows = await stack.rows(
      `SELECT temperature, humidity, to_milliseconds(time) AS ms FROM "RoomCondition"."conditions" WHERE deviceId = 'unit_1'`,
    );
    expect(rows).toEqual([{ temperature: 24, humidity: 48.2, ms: t }]);
  });

  it('dead-letters a poison record with its coordinates and reason, and writes the rest of the batch', async () => {
    const { writer, file } = writerFor(stack, 'multi', 'poison');
    const good = (id: string) =>
      streamRecord([{ deviceId: id, time: minutesAgo(2), measures: { co2: 700 } }]);
    const poison = streamRecord(null, { raw: '{"deviceId": "p", "measures": ' });
    const badUnit = streamRecord([
      { deviceId: 'poison_3', time: minutesAgo(2), measures: { temperature: { value: 20, unit: 'degR' } } },
    ]);
    const result = await writer.write([good('poison_1'), poison, badUnit, good('poison_2')], {
      deadline: deadline(),
    });
    expect(result.failures.size).toBe(0);
    expect(result.summary.written).toBe(2);
    const letters = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letters).toHaveLength(2);
    expect(letters[0]).toMatchObject({
      code: 'invalid-payload',
      source: { sequenceNumber: poison.sequenceNumber, shardId: 'shardId-000000000000' },
      payload: poison.data,
    });
    expect(letters[0].reason).toMatch(/not base64 JSON/);
    expect(letters[1].reason).toContain('measures.temperature.unit: unknown unit "degR" for temperature');
    const rows = await stack.rows(
      `SELECT deviceId FROM "RoomCondition"."conditions" WHERE deviceId LIKE 'poison_%' ORDER BY deviceId`,
    );
    expect(rows.map((r) => r.deviceId)).toEqual(['poison_1', 'poison_2']);
  });

  it('dead-letters a version conflict: an older arrival with another value for the same time', async () => {
    const { writer, file } = writerFor(stack, 'multi', 'conflict');
    const t = minutesAgo(4);
    const now = Date.now();
    await writer.write(
      [streamRecord([{ deviceId: 'conf_1', time: t, measures: { co2: 500 } }], { arrivalMs: now })],
      {
        deadline: deadline(),
      },
    );
    const late = streamRecord([{ deviceId: 'conf_1', time: t, measures: { co2: 999 } }], {
      arrivalMs: now - 1000,
    });
    const result = await writer.write([late], { deadline: deadline() });
    expect(result.failures.size).toBe(0);
    expect(result.summary.deadLettered).toEqual({ 'version-conflict': 1 });
    const [letter] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letter.existingVersion).toBe(now);
    expect(JSON.parse(Buffer.from(letter.payload, 'base64').toString())).toMatchObject({
      deviceId: 'conf_1',
      measures: { co2: { value: 999, unit: 'ppm' } },
    });
    const rows = await stack.rows(`SELECT co2 FROM "RoomCondition"."conditions" WHERE deviceId = 'conf_1'`);
    expect(rows).toEqual([{ co2: 500 }]);
  });

  it('lets a later correction win', async () => {
    const { writer } = writerFor(stack, 'multi', 'correction');
    const t = minutesAgo(6);
    const now = Date.now();
    await writer.write(
      [streamRecord([{ deviceId: 'fix_1', time: t, measures: { co2: 500 } }], { arrivalMs: now - 5000 })],
      {
        deadline: deadline(),
      },
    );
    await writer.write(
      [streamRecord([{ deviceId: 'fix_1', time: t, measures: { co2: 505 } }], { arrivalMs: now })],
      {
        deadline: deadline(),
      },
    );
    const rows = await stack.rows(`SELECT co2 FROM "RoomCondition"."conditions" WHERE deviceId = 'fix_1'`);
    expect(rows).toEqual([{ co2: 505 }]);
  });
});

describe('BatchWriter (single layout): the seed article queries work unchanged', () => {
  let stack: TimestreamStack;
  beforeAll(async () => {
    stack = await startTimestreamStack({ RAW_TABLE: 'conditions' });
  });
  afterAll(() => stack.close());

  it('writes one DOUBLE record per measure', async () => {
    const { writer } = writerFor(stack, 'single', 'seed');
    const t = minutesAgo(1);
    await writer.write(
      [streamRecord([{ deviceId: '1', time: t, measures: { co2: 550, temperature: 24.2, humidity: 48.2 } }])],
      {
        deadline: deadline(),
      },
    );
    const rows = await stack.rows(
      `SELECT time, measure_name, measure_value::double as co2 FROM "RoomCondition"."conditions" WHERE measure_name = 'co2' ORDER BY time`,
    );
    expect(rows).toEqual([{ time: t, measure_name: 'co2', co2: 550 }]);
  });
});

describe('BatchWriter under faults', () => {
  it('loses nothing when 20% of writes are throttled', async () => {
    const stack = await startTimestreamStack({}, { faults: 'throttle:0.2' });
    try {
      await ensureTimestreamTablesWithRetry(stack);
      const { writer } = writerFor(stack, 'multi', 'faults');
      const records = Array.from({ length: 40 }, (_, r) =>
        streamRecord(
          Array.from({ length: 25 }, (_, i) => ({
            deviceId: `f_${i}`,
            time: minutesAgo(10) + r * 1000,
            measures: { co2: 400 + r, humidity: 40 + i },
          })),
        ),
      );
      const result = await writer.write(records, { deadline: deadline() });
      expect(result.failures.size).toBe(0);
      expect(result.summary.written).toBe(1000);
      const [row] = await stack.rows(`SELECT count(*) AS n FROM "RoomCondition"."conditions"`);
      expect(row?.n).toBe(1000);
    } finally {
      await stack.close();
    }
  });

  it('retries every record of a write whose sink answered fewer outcomes than readings, counting none as stored', async () => {
    const stack = await startTimestreamStack();
    try {
      await ensureTimestreamTablesWithRetry(stack);
      const real = new TimestreamReadingSink({
        client: stack.write,
        database: stack.config.database,
        table: stack.config.rawTable,
        layout: 'multi',
        concurrency: 1,
      });
      // an adapter that loses the last outcome: its reading must not be taken as stored
      const sink: ReadingSink = {
        writeReadings: async (batch, options) => (await real.writeReadings(batch, options)).slice(0, -1),
        write: (requests, options) => real.write(requests, options),
      };
      const recent = new RecentKeys(100);
      const writer = new BatchWriter({
        sink,
        deadLetters: new FileDeadLetterSink(join(stack.dataDir, 'short.jsonl')),
        units,
        recent,
      });
      const records = [0, 1].map((i) =>
        streamRecord([{ deviceId: `short_${i}`, time: minutesAgo(2), measures: { co2: 500 + i } }]),
      );
      const result = await writer.write(records, { deadline: deadline() });
      expect([...result.failures.keys()].sort()).toEqual(records.map((r) => r.sequenceNumber).sort());
      expect(result.failures.get(records[1]!.sequenceNumber)?.message).toMatch(
        /answered 1 outcome for 2 readings/,
      );
      expect(result.summary.written).toBe(0);
      expect(recent.heldKeys).toBe(0);
    } finally {
      await stack.close();
    }
  });

  it('fails the readings of a WriteRecords request answered with too few outcomes (the Timestream sink trusts none of them)', async () => {
    const stack = await startTimestreamStack();
    try {
      await ensureTimestreamTablesWithRetry(stack);
      class ShortAnswers extends TimestreamReadingSink {
        override async write(...args: Parameters<TimestreamReadingSink['write']>) {
          return (await super.write(...args)).map((request) => request.slice(1));
        }
      }
      const sink = new ShortAnswers({
        client: stack.write,
        database: stack.config.database,
        table: stack.config.rawTable,
        layout: 'multi',
        concurrency: 1,
      });
      const readings: Reading[] = [0, 1].map((i) => ({
        deviceId: 'short_sink',
        timeMs: minutesAgo(2) + i,
        dimensions: {},
        measures: { co2: { value: 500 + i, unit: 'ppm' } },
      }));
      const outcomes = await sink.writeReadings({ readings, version: () => 1 }, { deadline: deadline() });
      expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
      expect(outcomes[0]?.status === 'failed' && outcomes[0].error.message).toMatch(
        /answered with 1 outcomes for 2 records/,
      );
    } finally {
      await stack.close();
    }
  });

  it('reports records for retry when the service cannot be reached, and remembers none of them', async () => {
    const stack = await startTimestreamStack();
    const { writer, recent } = writerFor(stack, 'multi', 'down');
    await stack.close();
    const record = streamRecord([{ deviceId: 'down_1', time: minutesAgo(1), measures: { co2: 1 } }]);
    const result = await writer.write([record], { deadline: Date.now() + 300 });
    expect([...result.failures.keys()]).toEqual([record.sequenceNumber]);
    expect(result.summary.written).toBe(0);
    expect(recent.heldKeys).toBe(0);
  });
});

async function ensureTimestreamTablesWithRetry(stack: TimestreamStack) {
  // control-plane calls are not subject to write faults, but be explicit about it
  await ensureTimestreamTables(stack.write, stack.config);
}
