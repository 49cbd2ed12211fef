import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyAggregate } from '#consumers/rollup/daily-aggregates';
import { runDailyRollup, throwIfIncomplete, writeDayAggregates } from '#consumers/rollup/daily-rollup';
import { zoneDays } from '#consumers/rollup/zone-days';
import { type ReadingSink, writtenOutcome } from '#consumers/writer/reading-sink';
import { TimestreamReadingSink } from '#consumers/writer/timestream-reading-sink';

import { createUnitRegistry, parseUnitsConfig } from '#core';
import { readPipelineConfig } from '#core/config';
import { ensureTimestreamTables } from '#local/provision/ensure-timestream-tables';
import { localBatchWriter } from '../../helpers/local-writer';
import { startTimestreamStack, streamRecord, type TimestreamStack } from '../local-stack';

interface Seeded {
  deviceId: string;
  timeMs: number;
  co2: number;
  temperature: number;
}

/** Readings every 20 minutes over four days around the 2026-10-25 change-over in Europe/Berlin. */
function seedReadings(): Seeded[] {
  const out: Seeded[] = [];
  const start = Date.parse('2026-10-23T00:00:00Z');
  for (let t = start, i = 0; t < Date.parse('2026-10-27T00:00:00Z'); t += 20 * 60_000, i++) {
    for (const [d, deviceId] of ['room_a', 'room_b', 'room_c'].entries()) {
      out.push({
        deviceId,
        timeMs: t + d * 1000,
        co2: 400 + ((i * 37 + d * 11) % 500),
        temperature: 18 + ((i + d) % 9) * 0.5,
      });
    }
  }
  return out;
}

/** The zone's calendar date of an instant, worked out independently of the code under test. */
const localDate = (timeZone: string, ms: number) => new Date(ms).toLocaleDateString('sv-SE', { timeZone });

function expected(readings: Seeded[], timeZone: string, date: string) {
  const out = new Map<
    string,
    { avg: number; min: number; max: number; sum: number; count: number; first: number; last: number }
  >();
  for (const measure of ['co2', 'temperature'] as const) {
    for (const deviceId of ['room_a', 'room_b', 'room_c']) {
      const rows = readings
        .filter((r) => r.deviceId === deviceId && localDate(timeZone, r.timeMs) === date)
        .sort((a, b) => a.timeMs - b.timeMs);
      if (rows.length === 0) continue;
      const values = rows.map((r) => r[measure]);
      const sum = values.reduce((a, b) => a + b, 0);
      out.set(`${deviceId}/${measure}`, {
        avg: sum / values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        sum,
        count: values.length,
        first: values[0] as number,
        last: values.at(-1) as number,
      });
    }
  }
  return out;
}

async function seed(stack: TimestreamStack, layout: 'multi' | 'single', readings: Seeded[]) {
  const writer = localBatchWriter(stack, {
    layout,
    deadLetterFile: `${stack.dataDir}/dl-${layout}.jsonl`,
    dedupeCacheSize: 0,
  });
  const records = [];
  for (let i = 0; i < readings.length; i += 50) {
    records.push(
      streamRecord(
        readings.slice(i, i + 50).map((r) => ({
          deviceId: r.deviceId,
          time: r.timeMs,
          measures: { co2: r.co2, temperature: r.temperature },
        })),
      ),
    );
  }
  const result = await writer.write(records, { deadline: Date.now() + 60_000 });
  expect(result.failures.size).toBe(0);
  expect(result.summary.written).toBe(readings.length);
}

async function rollupAndRead(
  stack: TimestreamStack,
  timeZone: string,
  aggregateTable: string,
  from: string,
  to: string,
) {
  const config = readPipelineConfig({ AGGREGATE_TABLE: aggregateTable });
  await ensureTimestreamTables(stack.write, config);
  const days = zoneDays(timeZone, from, to);
  const reports = await runDailyRollup(
    {
      queryClient: stack.query,
      aggregateSink: new TimestreamReadingSink({
        client: stack.write,
        database: config.database,
        table: aggregateTable,
        concurrency: 2,
      }),
      database: config.database,
      rawTable: stack.config.rawTable,
    },
    days,
    { deadline: Date.now() + 60_000, version: Date.now() },
  );
  const [{ n } = { n: 0 }] = await stack.rows(
    `SELECT count(*) AS n FROM "RoomCondition"."${aggregateTable}"`,
  );
  // an empty table has no dimension or measure columns yet, as in Timestream
  if (n === 0) return { days, reports, rows: [] };
  const rows = await stack.rows(
    `SELECT deviceId, measure, to_milliseconds(time) AS day, "avg", "min", "max", "sum", "count", "first", "last" ` +
      `FROM "RoomCondition"."${aggregateTable}" WHERE measure_name = 'daily' ORDER BY day, deviceId, measure`,
  );
  return { days, reports, rows };
}

function assertMatches(
  readings: Seeded[],
  timeZone: string,
  result: Awaited<ReturnType<typeof rollupAndRead>>,
) {
  let compared = 0;
  for (const day of result.days) {
    const want = expected(readings, timeZone, day.date);
    const got = result.rows.filter((r) => r.day === day.startMs);
    expect(got).toHaveLength(want.size);
    for (const row of got) {
      const w = want.get(`${row.deviceId}/${row.measure}`);
      expect(w, `${row.deviceId}/${row.measure} on ${day.date}`).toBeDefined();
      expect(row.count).toBe(w?.count);
      expect(row.avg as number).toBeCloseTo(w?.avg as number, 9);
      expect(row.sum as number).toBeCloseTo(w?.sum as number, 9);
      expect([row.min, row.max, row.first, row.last]).toEqual([w?.min, w?.max, w?.first, w?.last]);
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(0);
}

describe('daily rollup on the local Timestream (multi layout)', () => {
  let stack: TimestreamStack;
  const readings = seedReadings();
  beforeAll(async () => {
    stack = await startTimestreamStack();
    await seed(stack, 'multi', readings);
  });
  afterAll(() => stack.close());

  it('matches aggregates computed independently, per UTC day', async () => {
    const result = await rollupAndRead(stack, 'UTC', 'daily_utc', '2026-10-23', '2026-10-26');
    expect(result.reports.map((r) => r.groups)).toEqual([6, 6, 6, 6]);
    expect(result.rows.filter((r) => r.deviceId === 'room_a' && r.measure === 'co2')[0]?.count).toBe(72);
    assertMatches(readings, 'UTC', result);
  });

  it('matches per Asia/Tokyo calendar day (days start at 15:00 UTC)', async () => {
    const result = await rollupAndRead(stack, 'Asia/Tokyo', 'daily_tokyo', '2026-10-24', '2026-10-26');
    expect(new Date(result.days[0]?.startMs ?? 0).toISOString()).toBe('2026-10-23T15:00:00.000Z');
    assertMatches(readings, 'Asia/Tokyo', result);
  });

  it('matches per Europe/Berlin day, including its 25-hour change-over day', async () => {
    const result = await rollupAndRead(stack, 'Europe/Berlin', 'daily_berlin', '2026-10-24', '2026-10-26');
    const changeOver = result.rows.filter((r) => r.day === result.days[1]?.startMs && r.measure === 'co2');
    expect(changeOver.map((r) => r.count)).toEqual([75, 75, 75]); // 25 hours x 3 readings an hour
    assertMatches(readings, 'Europe/Berlin', result);
  });

  it('writes nothing for a day without data, and folds late data in on a re-run', async () => {
    const empty = await rollupAndRead(stack, 'UTC', 'daily_late', '2026-10-01', '2026-10-01');
    expect(empty.reports[0]?.groups).toBe(0);
    expect(empty.rows).toEqual([]);
    const first = await rollupAndRead(stack, 'UTC', 'daily_late', '2026-10-24', '2026-10-24');
    const late = {
      deviceId: 'room_a',
      timeMs: Date.parse('2026-10-24T12:00:30Z'),
      co2: 5000,
      temperature: 30,
    };
    await seed(stack, 'multi', [late]);
    const second = await rollupAndRead(stack, 'UTC', 'daily_late', '2026-10-24', '2026-10-24');
    const before = first.rows.find((r) => r.deviceId === 'room_a' && r.measure === 'co2');
    const after = second.rows.find((r) => r.deviceId === 'room_a' && r.measure === 'co2');
    expect(after?.count).toBe((before?.count as number) + 1);
    expect(after?.max).toBe(5000);
    expect(second.rows).toHaveLength(first.rows.length);
  });
});

describe('daily rollup (single layout)', () => {
  it('aggregates measure_value::double per measure_name', async () => {
    const stack = await startTimestreamStack({ RECORD_LAYOUT: 'single' });
    try {
      const readings = seedReadings().filter((r) => r.timeMs < Date.parse('2026-10-25T00:00:00Z'));
      await seed(stack, 'single', readings);
      const result = await rollupAndRead(stack, 'UTC', 'daily_single', '2026-10-23', '2026-10-24');
      expect(result.rows).toHaveLength(12);
      assertMatches(readings, 'UTC', result);
    } finally {
      await stack.close();
    }
  });
});

describe('daily rollup with a registry of hundreds of measures', () => {
  it("aggregates the registry's measures only, in queries under Timestream's 262,144-character limit", async () => {
    // Prepare: 300 measures with long names registered on the writer, each stored once on 2026-11-30, in
    // readings of 25 (a record holds at most 2 KB); one SELECT per measure makes ~290,000 characters of SQL
    const stack = await startTimestreamStack();
    try {
      const names = Array.from(
        { length: 300 },
        (_, i) => `${'probe_'.padEnd(56, 'm')}${String(i).padStart(4, '0')}`,
      );
      const unitsConfig = (measures: readonly string[]) =>
        JSON.stringify({
          measures: Object.fromEntries(measures.map((m) => [m, { canonicalUnit: 'index' }])),
        });
      const registry = (measures: readonly string[]) =>
        createUnitRegistry(parseUnitsConfig(unitsConfig(measures)));
      const writer = localBatchWriter(stack, {
        deadLetterFile: `${stack.dataDir}/dl-wide.jsonl`,
        env: { UNITS_CONFIG: unitsConfig(names) },
      });
      const start = Date.parse('2026-11-30T01:00:00Z');
      const readings = [];
      for (let r = 0; r * 25 < names.length; r++) {
        const some = names.slice(r * 25, r * 25 + 25);
        readings.push({
          deviceId: 'wide_1',
          time: start + r * 60_000,
          measures: Object.fromEntries(some.map((m) => [m, Number(m.slice(-4))])),
        });
      }
      const stored = await writer.write([streamRecord(readings)], { deadline: Date.now() + 60_000 });
      expect(stored.summary.written).toBe(12);
      // the rollup knows the built-in measures and 280 of the probes: 20 columns are not its measures
      const known = registry(names.slice(0, 280)).measureNames();
      expect(known.length).toBeGreaterThan(280);
      const config = readPipelineConfig({ AGGREGATE_TABLE: 'daily_wide' });
      await ensureTimestreamTables(stack.write, config);
      // Act
      const reports = await runDailyRollup(
        {
          queryClient: stack.query,
          aggregateSink: new TimestreamReadingSink({
            client: stack.write,
            database: config.database,
            table: config.aggregateTable,
            concurrency: 4,
          }),
          database: config.database,
          rawTable: stack.config.rawTable,
          measures: known,
        },
        zoneDays('UTC', '2026-11-30', '2026-11-30'),
        { deadline: Date.now() + 120_000, version: Date.now() },
      );
      // Assess
      expect(reports[0]).toMatchObject({ groups: 280, written: 280, problems: [] });
      const rows = await stack.rows(
        `SELECT measure, "avg", "count" FROM "RoomCondition"."daily_wide" WHERE deviceId = 'wide_1' ORDER BY measure`,
      );
      expect(rows).toHaveLength(280);
      expect(rows[0]).toEqual({ measure: names[0], avg: 0, count: 1 });
      expect(rows.at(-1)).toEqual({ measure: names[279], avg: 279, count: 1 });
    } finally {
      await stack.close();
    }
  }, 120_000);
});

describe('writing a day of aggregates', () => {
  it('reports the aggregates of a request the sink answered with too few outcomes as not written, so the rollup fails instead of passing', async () => {
    const day = {
      date: '2026-10-24',
      startMs: Date.parse('2026-10-24T00:00:00Z'),
      endMs: Date.parse('2026-10-25T00:00:00Z'),
    };
    const aggregate = (deviceId: string): DailyAggregate => ({
      deviceId,
      measure: 'co2',
      day,
      avg: 500,
      min: 400,
      max: 600,
      sum: 1000,
      count: 2,
      first: 400,
      last: 600,
      firstTime: day.startMs,
      lastTime: day.startMs + 60_000,
    });
    // a sink adapter that answers one outcome fewer than the records of each request
    const sink: ReadingSink = {
      writeReadings: async () => [],
      write: async (requests) => requests.map((r) => r.records.slice(1).map(() => writtenOutcome)),
    };
    const report = await writeDayAggregates(sink, [aggregate('a'), aggregate('b'), aggregate('c')], day, {
      version: 1,
      perRequest: 2,
      deadline: Date.now() + 10_000,
    });
    // no outcome of a short answer can be tied to its record: a, b (one outcome for two) and c (none)
    expect(report.written).toBe(0);
    expect(report.problems).toHaveLength(3);
    for (const problem of report.problems) expect(problem).toMatch(/no outcome from the sink/);
    expect(() => throwIfIncomplete([report])).toThrow(/rollup incomplete for 2026-10-24: a\/co2\/2026-10-24/);
  });
});
