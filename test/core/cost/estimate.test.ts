import { describe, expect, it } from 'vitest';
import { StreamMode } from '#core/config';
import {
  type CostEstimate,
  CostInputError,
  type CostInputs,
  costLevers,
  estimateCost,
  pricesByRegion,
} from '#core/cost';

/*
 * Hand-computed bills. Every figure below is worked out in the comments from the prices (us-east-1 in
 * core/cost/prices.ts), the documented metering rules and the measured figures of BENCHMARKS.md, not by
 * calling the code: the test fails when the model's arithmetic drifts from the written one.
 *
 * Constants used: a month = 730 h = 2,628,000 s = 30.416667 days; GB = 2^30 bytes.
 * Lambda arm64 $0.0000133334 per GB-s, $0.20 per million requests, duration rounded up to the ms; CPU-bound
 * time is scaled by 1769 / memory MB (ingest 256 MB: x6.91016; writer 1024 MB: x1.72754).
 * Writer CPU 1/62,009 s = 16.127 us a reading; ingest CPU 1/319,910 s = 3.1259 us a reading;
 * rollup 7.5 s / 90,000 = 83.333 us an aggregate; authorizer 3 ms at 128 MB.
 */

const prices = pricesByRegion['us-east-1']!;

/** The rollup's aggregate record, as README's table states it: deviceId and measure, `daily`, 7 columns. */
const aggregateRecordOf = (deviceId: string, measure: string) => ({
  Dimensions: [
    { Name: 'deviceId', Value: deviceId },
    { Name: 'measure', Value: measure },
  ],
  MeasureName: 'daily',
  MeasureValueType: 'MULTI',
  MeasureValues: ['avg', 'min', 'max', 'sum', 'first', 'last']
    .map((Name) => ({ Name, Value: '1.5', Type: 'DOUBLE' }))
    .concat([{ Name: 'count', Value: '1440', Type: 'BIGINT' }]),
});

const base: CostInputs = {
  devices: 1000,
  intervalSeconds: 60,
  readingsPerPost: 1,
  measures: ['co2'],
  dimensions: {},
  layout: 'multi',
  rawMemoryHours: 24,
  rawMagneticDays: 3650,
  aggregateMemoryHours: 24,
  aggregateMagneticDays: 3650,
  monthsOfHistory: 12,
  streamMode: StreamMode.onDemand,
  shards: 4,
  streamRetentionHours: 24,
  writerBatchSize: 100,
  writeConcurrency: 4,
  rollupLookbackDays: 2,
  panels: 0,
  refreshesPerDay: 0,
  tracing: false,
  logLevel: 'INFO',
  authorizerCacheTtlSeconds: 300,
  latency: { kinesisPutMs: 20, timestreamWriteMs: 30, querySeconds: 1 },
};

function line(estimate: CostEstimate, component: string): number {
  const found = estimate.lines.find((l) => l.component === component);
  if (found === undefined)
    throw new Error(`no line "${component}" in ${estimate.lines.map((l) => l.component)}`);
  return found.monthlyUsd;
}

describe('estimateCost, hand-computed', () => {
  it('1,000 devices, one co2 reading a minute, one per POST, on-demand, no dashboards, no tracing', () => {
    const e = estimateCost(base, prices, aggregateRecordOf);

    // readings = 1000 x 2,628,000 / 60 = 43,800,000 = POSTs
    expect(e.figures.readingsPerMonth).toBe(43_800_000);
    // body [{"deviceId":"device-000","time":1768469400000,"measures":{"co2":550}}] = 71 bytes -> 1 request each
    // 43.8M x $1.00 / M = 43.80
    expect(e.figures.requestBodyBytes).toBe(71);
    expect(line(e, 'API Gateway HTTP API')).toBeCloseTo(43.8, 6);
    // authorizer: a POST every 60 s, cache 300 s -> a miss every ceil(300/60) x 60 = 300 s
    // -> 2,628,000 / 300 = 8,760 a device, 8.76M: 8.76 x 0.20 = 1.752; 8.76M x 0.003 s x 0.125 GB = 3,285 GB-s
    // x 0.0000133334 = 0.043800 -> 1.795800
    expect(line(e, 'Lambda authorizer')).toBeCloseTo(1.7958, 4);
    // ingest: 20 ms + 3.1259 us x 6.91016 = 20.0216 ms -> 21 ms billed; 43.8M x 0.021 x 0.25 = 229,950 GB-s
    // x 0.0000133334 = 3.066016; requests 43.8 x 0.20 = 8.76 -> 11.826016
    expect(line(e, 'Ingest Lambda')).toBeCloseTo(11.826016, 4);
    // Kinesis record: [{"deviceId":"device-000","time":1768469400000,"measures":{"co2":{"value":550,"unit":"ppm"}}}]
    // = 94 bytes + partition key device-000 (10) = 104 -> 1 KiB each in
    // in: 43.8M x 1024 / 2^30 = 41.770935 GB x 0.08 = 3.341675; out: 43.8M x 104 / 2^30 = 4.242282 GB x 0.04
    // = 0.169691; 730 stream-hours x 0.04 = 29.2; 24 h retention: nothing extended -> 32.711366
    expect(e.figures.kinesisRecordBytes).toBe(104);
    expect(line(e, 'Kinesis on-demand')).toBeCloseTo(32.711366, 4);
    // writer: 16.667 records/s over 4 shards = 4.1667 a shard, polled once a second -> 4 invocations/s
    // = 10,512,000 a month, 4.1667 readings each; one request -> one wave: 30 ms + 4.1667 x 16.127 us x 1.72754
    // = 30.116 ms -> 31 ms; 10.512M x 0.031 x 1 GB = 325,872 GB-s x 0.0000133334 = 4.344978; requests
    // 10.512 x 0.20 = 2.1024 -> 6.447378
    expect(e.figures.writerInvocationsPerMonth).toBeCloseTo(10_512_000, 0);
    expect(line(e, 'Writer Lambda')).toBeCloseTo(6.447378, 4);
    // writes: 4 devices' readings in one request: common MeasureName 'reading' 7 B, each record
    // 8 + deviceId+device-00N 18 + co2 3+8 = 37 -> 7 + 4 x 37 = 155 B -> 1 unit for 4 readings
    // 43.8M x 0.25 = 10.95M writes x $0.50 / M = 5.475
    expect(e.figures.meteredBytesPerReading).toBeCloseTo(155 / 4, 6);
    expect(line(e, 'Timestream writes (multi)')).toBeCloseTo(5.475, 6);
    // memory: stored 37 + 7 = 44 B a reading; 60,000 readings/h x 24 h x 44 = 63,360,000 B; aggregates
    // 1,000 a day x 123 B (8 + deviceId+device-000 18 + measure+co2 10 + daily 5 + avg/min/max/sum 4 x 11
    // + count 13 + first 13 + last 12) = 123,000 B -> 63,483,000 / 2^30 = 0.0591235 GB x 730 x 0.036 = 1.553764
    expect(line(e, 'Timestream memory store')).toBeCloseTo(1.553764, 4);
    // magnetic: 43.8M x 12 x 44 + 1,000 x 30.416667 x 12 x 123 = 23,171,295,000 B = 21.58 GB < 100 GB minimum
    // -> 100 x 0.03 = 3.00
    expect(line(e, 'Timestream magnetic store')).toBeCloseTo(3, 6);
    // rollup: 30.416667 runs of 2 days x 1,000 aggregates x 83.333 us = 0.16667 s -> 167 ms; GB-s 30.416667
    // x 0.167 x 0.5 = 2.539792 x 0.0000133334 = 0.0000338641; requests 30.416667 x 0.0000002 = 0.0000060833;
    // writes: 100 records x 123 B = 12,300 B = 13 units a request -> 0.13 an aggregate x 60,833.33
    // = 7,908.33 x 0.0000005 = 0.0039542 -> 0.0039941
    expect(line(e, 'Rollup Lambda and writes')).toBeCloseTo(0.0039941, 6);
    // queries: no panels -> 0; rollup: 30.416667 x (1 DESCRIBE + 2 days) = 91.25 queries x 4 TCU x 30 s
    // = 3.041667 TCU-h x 0.518 = 1.575583
    expect(line(e, 'Timestream queries: dashboards')).toBe(0);
    expect(line(e, 'Timestream queries: rollup')).toBeCloseTo(1.575583, 5);
    // logs: access line 224 B + 26; platform lines 71 + 52 + 141 = 264 B + 3 x 26 an invocation; the ingest's
    // INFO line 569 B + 26 a POST; the writer's INFO line 611 B and metrics line 582 B + 2 x 26 an invocation:
    // 43.8M x 250 + (43.8M + 8.76M + 10.512M + 30.4) x 342 + 43.8M x 595 + 10.512M x 1,245
    // = 71,669,074,402 B / 2^30 x 0.5 = 33.373513
    expect(line(e, 'CloudWatch Logs ingestion')).toBeCloseTo(33.373513, 3);
    // fixed: 2 warm containers (ingest 16.7/s x 20 ms, authorizer 3.3/s x 3 ms: under 1 each)
    // x 87,600 reads = 175,200 x 0.05 / 10,000 = 0.876; + secret 0.40 + key 1.00 + 12 alarms 1.20 = 3.476
    expect(line(e, 'Secrets Manager, KMS key, alarms')).toBeCloseTo(3.476, 6);
    expect(e.lines.some((l) => l.component === 'X-Ray traces')).toBe(false);
    // total = 43.8 + 1.7958 + 11.826016 + 32.711366 + 6.447378 + 5.475 + 1.553764 + 3 + 0.0039941 + 0
    // + 1.575583 + 33.373513 + 3.476 = 145.038413
    expect(e.totalUsd).toBeCloseTo(145.0384, 2);
  });

  it('100 devices every 30 s, 10 readings per POST, provisioned, no cache, tracing, dashboards', () => {
    const e = estimateCost(
      {
        ...base,
        devices: 100,
        intervalSeconds: 30,
        readingsPerPost: 10,
        streamMode: StreamMode.provisioned,
        shards: 1,
        streamRetentionHours: 48,
        panels: 5,
        refreshesPerDay: 100,
        tracing: true,
        authorizerCacheTtlSeconds: 0,
        latency: { kinesisPutMs: 20, timestreamWriteMs: 30, querySeconds: 45 },
      },
      prices,
      aggregateRecordOf,
    );
    // readings 100 x 2,628,000 / 30 = 8,760,000; POSTs 876,000 (0.3333/s)
    // body: 10 readings of 68 B ({"deviceId":"device-00",...}) + 9 commas + [] = 691 B -> 1 request each: 0.876
    expect(e.figures.requestBodyBytes).toBe(691);
    expect(line(e, 'API Gateway HTTP API')).toBeCloseTo(0.876, 6);
    // no cache: 876,000 authorizer invocations: 0.1752 + 876,000 x 0.003 x 0.125 x 0.0000133334 = 0.004380
    expect(line(e, 'Lambda authorizer')).toBeCloseTo(0.17958, 5);
    // ingest: 20 ms + 10 x 3.1259 us x 6.91016 = 20.216 ms -> 21 ms: 876,000 x 0.021 x 0.25 = 4,599 GB-s
    // x 0.0000133334 = 0.061320 + 0.1752 = 0.236520
    expect(line(e, 'Ingest Lambda')).toBeCloseTo(0.23652, 5);
    // Kinesis record: 10 x 91 B + 9 + 2 = 921 + partition key 9 = 930 B -> 1 PUT unit (25 KiB)
    // 1 shard x 730 h x 0.015 = 10.95; 876,000 units x 0.014 / M = 0.012264; retention 48 h: 730 x 0.02 = 14.6
    expect(e.figures.kinesisRecordBytes).toBe(930);
    expect(line(e, 'Kinesis provisioned')).toBeCloseTo(25.562264, 5);
    expect(e.warnings).toEqual([]);
    // writer: 0.3333 records/s on one shard -> 0.3333 invocations/s = 876,000, 10 readings each:
    // 30 ms + 10 x 16.127 us x 1.72754 = 30.279 ms -> 31 ms: 27,156 GB-s x 0.0000133334 = 0.362086 + 0.1752
    expect(line(e, 'Writer Lambda')).toBeCloseTo(0.537286, 5);
    // writes: one device's 10 readings: common deviceId+device-00 17 + reading 7 = 24; each record 8 + co2 11
    // = 19 -> 24 + 190 = 214 B -> 1 unit for 10 readings: 876,000 writes x 0.0000005 = 0.438
    expect(line(e, 'Timestream writes (multi)')).toBeCloseTo(0.438, 6);
    // memory: stored 8 + 17 + 7 + 11 = 43 B; 12,000/h x 24 x 43 = 12,384,000 + aggregates 100 x 122 B = 12,200
    // -> 12,396,200 / 2^30 = 0.01154494 GB x 730 x 0.036 = 0.303401
    expect(line(e, 'Timestream memory store')).toBeCloseTo(0.303401, 5);
    // dashboards: 5 panels x 100 refreshes x 30.416667 days = 15,208.33 queries x 4 TCU x 45 s / 3600
    // = 760.4167 TCU-h x 0.518 = 393.895833
    expect(line(e, 'Timestream queries: dashboards')).toBeCloseTo(393.895833, 4);
    // rollup: 91.25 queries x 4 x 45 / 3600 = 4.5625 TCU-h x 0.518 = 2.363375
    expect(line(e, 'Timestream queries: rollup')).toBeCloseTo(2.363375, 5);
    // X-Ray: ingest, authorizer and writer each 0.3333/s, all under the 1/s reservoir: 1 trace/s
    // = 2,628,000 + 30.4 rollup runs = 2,628,030.4 x 5 / M = 13.140152
    expect(line(e, 'X-Ray traces')).toBeCloseTo(13.140152, 5);
    // logs with the X-Ray segment in REPORT: platform 356 B; 876,000 x 250 + (3 x 876,000 + 30.4) x 434
    // + 876,000 x 595 + 876,000 x 1,245 = 2,971,405,201 B / 2^30 x 0.5 = 1.383668
    expect(line(e, 'CloudWatch Logs ingestion')).toBeCloseTo(1.383668, 5);
  });

  it('warns when provisioned shards cannot take the load', () => {
    // 100,000 devices a reading every 10 s, one per POST: 10,000 records/s -> 10 shards at 1,000 records/s
    const e = estimateCost(
      { ...base, devices: 100_000, intervalSeconds: 10, streamMode: StreamMode.provisioned, shards: 4 },
      prices,
      aggregateRecordOf,
    );
    expect(e.warnings).toEqual([expect.stringContaining('needs at least 10 (--shards 10)')]);
  });

  it('refuses values it cannot use, naming each', () => {
    expect(() =>
      estimateCost({ ...base, devices: 0, readingsPerPost: 501, measures: [] }, prices, aggregateRecordOf),
    ).toThrowError(CostInputError);
    try {
      estimateCost({ ...base, devices: 0, readingsPerPost: 501, measures: [] }, prices, aggregateRecordOf);
    } catch (error) {
      expect((error as CostInputError).problems).toEqual([
        'devices = 0: must be a whole number from 1 to 100000000',
        'readings per POST = 501: must be a whole number from 1 to 500',
        'measures: give at least one measure name',
      ]);
    }
  });
});

describe('estimateCost follows LOG_LEVEL and TRACING', () => {
  it("drops the handlers' INFO lines from CloudWatch Logs at WARN, keeping access, platform and metrics lines", () => {
    const info = estimateCost(base, prices, aggregateRecordOf);
    const warn = estimateCost({ ...base, logLevel: 'WARN' }, prices, aggregateRecordOf);
    // the first bill's logs without the ingest's INFO line (569 B + 26 a POST) and the writer's (611 B + 26 an
    // invocation): 43.8M x 250 + (43.8M + 8.76M + 10.512M + 30.4) x 342 + 10.512M x (582 + 26)
    // = 38,911,930,402 B / 2^30 x 0.5 = 18.119780
    expect(line(warn, 'CloudWatch Logs ingestion')).toBeCloseTo(18.11978, 4);
    expect(line(info, 'CloudWatch Logs ingestion')).toBeCloseTo(33.373513, 3);
    expect(warn.totalUsd).toBeCloseTo(
      info.totalUsd - line(info, 'CloudWatch Logs ingestion') + line(warn, 'CloudWatch Logs ingestion'),
      9,
    );
    expect(warn.lines.find((l) => l.component === 'CloudWatch Logs ingestion')?.usage).toContain(
      'no INFO lines at LOG_LEVEL=WARN',
    );
  });

  it.each(['ERROR', 'CRITICAL', 'SILENT'] as const)(
    'prices %s as WARN: the handlers log nothing above INFO in a normal run',
    (logLevel) => {
      const warn = estimateCost({ ...base, logLevel: 'WARN' }, prices, aggregateRecordOf);
      const quieter = estimateCost({ ...base, logLevel }, prices, aggregateRecordOf);
      expect(line(quieter, 'CloudWatch Logs ingestion')).toBe(line(warn, 'CloudWatch Logs ingestion'));
    },
  );

  it.each(['DEBUG', 'TRACE'] as const)('prices %s as INFO: the handlers have no DEBUG lines', (logLevel) => {
    const info = estimateCost(base, prices, aggregateRecordOf);
    const verbose = estimateCost({ ...base, logLevel }, prices, aggregateRecordOf);
    expect(line(verbose, 'CloudWatch Logs ingestion')).toBe(line(info, 'CloudWatch Logs ingestion'));
  });

  it('prices X-Ray and the trace ids in the REPORT lines only with tracing on', () => {
    const off = estimateCost(base, prices, aggregateRecordOf);
    const on = estimateCost({ ...base, tracing: true }, prices, aggregateRecordOf);
    expect(off.lines.some((l) => l.component === 'X-Ray traces')).toBe(false);
    // ingest 16.667/s: 1 + 5% x 15.667 = 1.783333; authorizer 3.3333/s: 1 + 5% x 2.3333 = 1.116667; writer
    // 4/s: 1 + 5% x 3 = 1.15 -> 4.05 traces/s x 2,628,000 + 30.4 rollup runs = 10,643,430.4 x $5 / M = 53.217152
    expect(line(on, 'X-Ray traces')).toBeCloseTo(53.217152, 5);
    // REPORT with the X-Ray segment: platform 356 B instead of 264: 43.8M x 250 + 63,072,030.4 x (356 + 78)
    // + 43.8M x 595 + 10.512M x 1,245 = 77,471,701,201 B / 2^30 x 0.5 = 36.075572
    expect(line(on, 'CloudWatch Logs ingestion')).toBeCloseTo(36.075572, 4);
  });
});

describe('costLevers', () => {
  it('prices each lever alone, cheapest first, and more readings per POST cut the per-request lines tenfold', () => {
    const e = estimateCost(base, prices, aggregateRecordOf);
    const levers = costLevers(e, prices, aggregateRecordOf);
    const totals = levers.map((l) => l.totalUsd);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    const perPost = levers.find((l) => l.lever === 'readings per POST')!;
    const tenPerPost = estimateCost({ ...base, readingsPerPost: 10 }, prices, aggregateRecordOf);
    expect(perPost.totalUsd).toBeCloseTo(tenPerPost.totalUsd, 6);
    // 43.8M -> 4.38M requests: API Gateway 43.80 -> 4.38
    expect(line(tenPerPost, 'API Gateway HTTP API')).toBeCloseTo(4.38, 6);
    expect(perPost.ratio).toBeCloseTo(tenPerPost.totalUsd / e.totalUsd, 9);
  });

  it('prices LOG_LEVEL=WARN and TRACING=off from a deployment at INFO with tracing', () => {
    const deployed = { ...base, tracing: true };
    const e = estimateCost(deployed, prices, aggregateRecordOf);
    const levers = costLevers(e, prices, aggregateRecordOf);
    const logLevel = levers.find((l) => l.lever === 'log level (LOG_LEVEL)');
    const tracing = levers.find((l) => l.lever === 'X-Ray tracing (TRACING)');
    expect(logLevel?.change).toBe('INFO -> WARN');
    expect(logLevel?.totalUsd).toBeCloseTo(
      estimateCost({ ...deployed, logLevel: 'WARN' }, prices, aggregateRecordOf).totalUsd,
      9,
    );
    expect(tracing?.change).toBe('on -> off');
    expect(tracing?.totalUsd).toBeCloseTo(
      estimateCost({ ...deployed, tracing: false }, prices, aggregateRecordOf).totalUsd,
      9,
    );
    // each cuts the bill: fewer log bytes at WARN; no traces and shorter REPORT lines without tracing
    expect(logLevel!.ratio).toBeLessThan(1);
    expect(tracing!.ratio).toBeLessThan(1);
  });

  it('prices going back to INFO and tracing from a deployment at WARN without tracing', () => {
    const e = estimateCost({ ...base, logLevel: 'ERROR' }, prices, aggregateRecordOf);
    const levers = costLevers(e, prices, aggregateRecordOf);
    expect(levers.find((l) => l.lever === 'log level (LOG_LEVEL)')?.change).toBe('ERROR -> INFO');
    expect(levers.find((l) => l.lever === 'X-Ray tracing (TRACING)')?.change).toBe('off -> on');
  });
});
