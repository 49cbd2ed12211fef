/**
 * Local Timestream: WriteRecords throughput (100-record MULTI batches, 4 clients) and a daily aggregate over 10M rows via Query.
 *
 * Usage: npm run bench -- timestream [--records 200000] [--rows 10000000] [--skip-write] [--skip-query] [--skip-influxdb]
 *        [--profile <dir>]   (the server writes a V8 CPU profile there)
 * Each figure is printed with its baseline measured in the same run (straight DuckDB) and the ratio.
 * A write is answered once it is in the journal; right after the writes, a count query (which waits for the
 * journal to be applied) checks that every record is queryable. The throughput compared with the target
 * counts that catch-up: records / (time to answer every call + time until all of them are queryable).
 */

import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { DuckDBInstance, DuckDBTimestampNanosecondsValue } from '@duckdb/node-api';
import { spawnTimestreamProcess } from '../src/child-process';
import { relationName } from '../src/storage/storage-layout';
import { influxdPath, startInfluxd } from './influxdb-baseline';
import { benchMultiRecord } from './timestream-records';

const { values: options } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    rows: { type: 'string', default: '10000000' },
    profile: { type: 'string' },
    'skip-write': { type: 'boolean', default: false },
    'skip-query': { type: 'boolean', default: false },
    'skip-influxdb': { type: 'boolean', default: false },
  },
});
/** `--name N`: a positive whole number. */
function count(name: 'records' | 'rows'): number {
  const v = Number(options[name]);
  if (!Number.isInteger(v) || v <= 0)
    throw new Error(`--${name} needs a positive whole number, got ${options[name]}`);
  return v;
}
const flag = (name: 'skip-write' | 'skip-query' | 'skip-influxdb') => options[name] === true;
const totalRecords = count('records');
const profileDir = options.profile;
const storedRows = count('rows');
const clients = 4;
const batch = 100;
const database = 'Bench';
const devices = 1000;
const days = 30;

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

/** The server in its own process (it gets its own core), as `npm run timestream:local` runs it. */
async function startServer(dataRoot: string) {
  const service = spawnTimestreamProcess({
    dataRoot,
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  return { ...service, endpoint: await service.endpoint };
}

/** Rounds of the query measurements (each: SDK, HTTP + parse, HTTP unparsed, DuckDB, DuckDB with BIN's day). */
const rounds = 9;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** CPU seconds (user + system, all threads) a process has used so far; undefined where /proc is missing. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function benchWrites(dataRoot: string): Promise<void> {
  const server = await startServer(dataRoot);
  const writers = Array.from(
    { length: clients },
    () => new TimestreamWriteClient(clientConfig(server.endpoint)),
  );
  try {
    await writers[0]!.send(new CreateDatabaseCommand({ DatabaseName: database }));
    await writers[0]!.send(
      new CreateTableCommand({
        DatabaseName: database,
        TableName: 'writes',
        RetentionProperties: {
          MemoryStoreRetentionPeriodInHours: 24,
          MagneticStoreRetentionPeriodInDays: 30,
        },
      }),
    );
    const calls = Math.ceil(totalRecords / batch);
    const base = Date.now() - 3_600_000;
    const batchOf = (call: number) =>
      Array.from({ length: batch }, (_, j) => {
        const i = call * batch + j;
        return benchMultiRecord(i % devices, base + Math.floor(i / devices), i);
      });
    // warm-up: connections, JIT, the table's first columns
    await Promise.all(
      writers.map((w, k) =>
        w.send(
          new WriteRecordsCommand({
            DatabaseName: database,
            TableName: 'writes',
            Records: batchOf(calls + k),
          }),
        ),
      ),
    );
    let next = 0;
    const serverCpuStart = cpuSeconds(server.child.pid);
    const clientCpuStart = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      writers.map(async (w) => {
        for (let call = next++; call < calls; call = next++) {
          await w.send(
            new WriteRecordsCommand({ DatabaseName: database, TableName: 'writes', Records: batchOf(call) }),
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const answeredRate = (calls * batch) / seconds;
    const reader = new TimestreamQueryClient(clientConfig(server.endpoint));
    const countStarted = performance.now();
    const counted = await reader.send(
      new QueryCommand({ QueryString: `SELECT count(*) FROM "${database}"."writes"` }),
    );
    const catchUpMs = performance.now() - countStarted;
    const rate = (calls * batch) / (seconds + catchUpMs / 1000);
    const serverCpuEnd = cpuSeconds(server.child.pid);
    const clientCpu = process.cpuUsage(clientCpuStart);
    reader.destroy();
    const stored = Number(counted.Rows?.[0]?.Data?.[0]?.ScalarValue);
    if (stored !== (calls + clients) * batch) {
      throw new Error(
        `expected ${(calls + clients) * batch} rows after the writes, the table holds ${stored}`,
      );
    }

    // baseline: the same rows appended straight into DuckDB with the Appender, one commit per 100-row batch
    const dir = mkdtempSync(join(tmpdir(), 'ts-bench-baseline-'));
    const instance = await DuckDBInstance.create(join(dir, 'baseline.duckdb'));
    const connection = await instance.connect();
    await connection.run(
      'CREATE TABLE t (time TIMESTAMP_NS, measure_name VARCHAR, deviceId VARCHAR, co2 DOUBLE, temperature DOUBLE, humidity DOUBLE, __ts_version BIGINT)',
    );
    const baseStarted = performance.now();
    for (let call = 0; call < calls; call++) {
      const appender = await connection.createAppender('t');
      for (let j = 0; j < batch; j++) {
        const i = call * batch + j;
        appender.appendTimestampNanoseconds(
          new DuckDBTimestampNanosecondsValue(BigInt(base + Math.floor(i / devices)) * 1_000_000n),
        );
        appender.appendVarchar('reading');
        appender.appendVarchar(`device_${i % devices}`);
        appender.appendDouble(400 + (i % 800));
        appender.appendDouble(20 + (i % 100) / 10);
        appender.appendDouble(30 + (i % 400) / 10);
        appender.appendBigInt(1n);
        appender.endRow();
      }
      appender.flushSync();
      appender.closeSync();
    }
    const baseRate = (calls * batch) / ((performance.now() - baseStarted) / 1000);
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });

    console.log(
      `WriteRecords: ${Math.round(rate).toLocaleString('en-US')} records/s until all queryable (${calls * batch} records, ${clients} SDK clients, 100-record MULTI batches; target >= 50,000)`,
    );
    console.log(
      `  answered at ${Math.round(answeredRate).toLocaleString('en-US')} records/s; then all ${stored.toLocaleString('en-US')} rows were queryable ${catchUpMs.toFixed(0)} ms later (the first query waits for the journal apply)`,
    );
    const perRecordUs = (cpu: number) => ((cpu / (calls * batch)) * 1e6).toFixed(1);
    const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
    if (serverCpuStart !== undefined && serverCpuEnd !== undefined) {
      console.log(
        `  CPU per record: server ${perRecordUs(serverCpuEnd - serverCpuStart)} us (all its threads), SDK clients ${perRecordUs(clientCpuSeconds)} us; the machine has 2 cores`,
      );
    }
    console.log(
      `  baseline (DuckDB Appender, same rows, one commit per 100 rows): ${Math.round(baseRate).toLocaleString('en-US')} records/s; ratio ${(rate / baseRate).toFixed(2)}`,
    );
  } finally {
    for (const w of writers) w.destroy();
    await server.stop();
  }
}

const aggregateSql = (relation: string) =>
  `SELECT deviceId, BIN(time, 1d) AS day, avg(co2) AS avg_co2, min(co2) AS min_co2, max(co2) AS max_co2, count(*) AS n FROM ${relation} WHERE measure_name = 'reading' GROUP BY deviceId, BIN(time, 1d) ORDER BY deviceId, day`;

async function benchAggregate(dataRoot: string): Promise<void> {
  const dataDir = join(dataRoot, 'timestream');
  // 1) create the table and its columns through the API (one record), 2) bulk-load straight into DuckDB
  let server = await startServer(dataRoot);
  const endDay = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const startMs = endDay - days * 86_400_000;
  const writer = new TimestreamWriteClient(clientConfig(server.endpoint));
  await writer.send(new CreateDatabaseCommand({ DatabaseName: database })).catch(() => undefined);
  const created = await writer.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableName: 'readings',
      RetentionProperties: { MemoryStoreRetentionPeriodInHours: 24, MagneticStoreRetentionPeriodInDays: 365 },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
    }),
  );
  await writer.send(
    new WriteRecordsCommand({
      DatabaseName: database,
      TableName: 'readings',
      Records: [benchMultiRecord(0, startMs, 0)],
    }),
  );
  writer.destroy();
  await server.stop();
  void created;

  const perDevice = Math.ceil(storedRows / devices);
  const stepNs = (BigInt(days) * 86_400_000_000_000n) / BigInt(perDevice);
  console.log(
    `Loading ${(perDevice * devices).toLocaleString('en-US')} rows (${devices} devices x ${days} days) straight into the storage table: writing them through the API as magnetic records would take too long at this volume.`,
  );
  const loadStarted = performance.now();
  {
    const instance = await DuckDBInstance.create(join(dataDir, 'timestream.duckdb'));
    const connection = await instance.connect();
    const id = Number(
      (
        await connection.runAndReadAll(
          `SELECT id FROM __ts_tables WHERE database_name = '${database}' AND table_name = 'readings'`,
        )
      ).getRows()[0]![0],
    );
    const rel = `"${relationName(id)}"`;
    await connection.run(`DELETE FROM ${rel}`);
    await connection.run(
      `INSERT INTO ${rel} (time, measure_name, __ts_version, deviceId, co2, temperature, humidity)
       SELECT make_timestamp_ns(${BigInt(startMs) * 1_000_000n} + (r % ${perDevice}) * ${stepNs}),
              'reading', 1, 'device_' || (r // ${perDevice}),
              400 + (r * 7919) % 800, 20 + ((r * 31) % 100) / 10, 30 + ((r * 17) % 400) / 10
       FROM range(${perDevice * devices}) t(r)`,
    );
    await connection.run('CHECKPOINT');
    connection.closeSync();
    instance.closeSync();
  }
  console.log(`  loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  // the baseline reads a copy of the same file, so that it runs while the service is up, round by round
  // with the service's queries (the service holds its file open)
  const baselineFile = join(dataRoot, 'baseline.duckdb');
  copyFileSync(join(dataDir, 'timestream.duckdb'), baselineFile);

  server = await startServer(dataRoot);
  const query = new TimestreamQueryClient(clientConfig(server.endpoint));
  try {
    const sql = aggregateSql(`"${database}"."readings"`);
    const runQuery = async () => {
      let rows = 0;
      let token: string | undefined;
      do {
        const page = await query.send(new QueryCommand({ QueryString: sql, NextToken: token }));
        rows += page.Rows?.length ?? 0;
        token = page.NextToken;
      } while (token);
      return rows;
    };
    // the same pages over plain HTTP, parsed with JSON.parse: the local service's own share (engine, result
    // formatting, pages, HTTP), without the SDK client's deserialization of every datum into objects. The
    // client is node:http with a keep-alive agent, the transport the SDK's NodeHttpHandler uses (fetch's web
    // streams cost the client about 1.5 ms more per 1 MB page).
    // `parse: false` reads each body without parsing its rows (the NextToken is taken from the page's head,
    // which the service writes before the rows): the service's share alone, without the client's JSON.parse
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const endpoint = new URL(server.endpoint);
    const post = (body: string) =>
      new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: endpoint.hostname,
            port: endpoint.port,
            path: '/',
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': 'Timestream_20181101.Query',
              'content-length': Buffer.byteLength(body),
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    const rowsAt = Buffer.from('"Rows":[');
    const runQueryHttp = async (parse: boolean) => {
      let rows = 0;
      let token: string | undefined;
      do {
        const response = await post(JSON.stringify({ QueryString: sql, NextToken: token }));
        if (response.status !== 200)
          throw new Error(`Query over HTTP answered ${response.status}: ${response.body.toString('utf8')}`);
        if (parse) {
          const page = JSON.parse(response.body.toString('utf8')) as { Rows?: unknown[]; NextToken?: string };
          rows += page.Rows?.length ?? 0;
          token = page.NextToken;
        } else {
          const head = response.body.subarray(0, response.body.indexOf(rowsAt)).toString('utf8');
          token = /"NextToken":"([^"]+)"/.exec(head)?.[1];
        }
      } while (token);
      return rows;
    };
    const instance = await DuckDBInstance.create(baselineFile, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const id = Number(
      (
        await connection.runAndReadAll(
          `SELECT id FROM __ts_tables WHERE database_name = '${database}' AND table_name = 'readings'`,
        )
      ).getRows()[0]![0],
    );
    const direct = `SELECT deviceId, time_bucket(INTERVAL 1 day, time) AS day, avg(co2), min(co2), max(co2), count(*) FROM "${relationName(id)}" WHERE measure_name = 'reading' GROUP BY ALL ORDER BY deviceId, day`;
    // the day as the service computes BIN (nanosecond arithmetic on the epoch, see special-functions.ts),
    // cheaper than time_bucket: shown so that the service's own overhead can be read against it too
    const epochDay = `make_timestamp_ns((epoch_ns(time) // 86400000000000 - CAST(epoch_ns(time) % 86400000000000 < 0 AS BIGINT)) * 86400000000000)`;
    const directEpoch = direct.replace('time_bucket(INTERVAL 1 day, time)', epochDay);

    // warm-up (DuckDB buffer pools, the engine's first compile), then rounds of every measurement in turn, so
    // that whatever else loads the machine meets the service and the baseline alike
    await runQuery();
    await runQueryHttp(true);
    await runQueryHttp(false);
    await connection.runAndReadAll(direct);
    await connection.runAndReadAll(directEpoch);
    const times: number[] = [];
    const httpTimes: number[] = [];
    const bytesTimes: number[] = [];
    const baseTimes: number[] = [];
    const epochTimes: number[] = [];
    /** CPU seconds (all threads) per query: the server's for the service, this process's for DuckDB alone */
    const serverCpu: number[] = [];
    const baseCpu: number[] = [];
    let rows = 0;
    let httpRows = 0;
    let baseRows = 0;
    // each round runs the five measurements in a rotated order, so that none always follows another (and the
    // garbage one leaves behind) or always meets the same moment of a round
    const measurements: Array<() => Promise<void>> = [
      async () => {
        const t0 = performance.now();
        rows = await runQuery();
        times.push(performance.now() - t0);
      },
      async () => {
        const t0 = performance.now();
        httpRows = await runQueryHttp(true);
        httpTimes.push(performance.now() - t0);
      },
      async () => {
        const t0 = performance.now();
        const cpuBefore = cpuSeconds(server.child.pid);
        await runQueryHttp(false);
        bytesTimes.push(performance.now() - t0);
        const cpuAfter = cpuSeconds(server.child.pid);
        if (cpuBefore !== undefined && cpuAfter !== undefined) serverCpu.push(cpuAfter - cpuBefore);
      },
      async () => {
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        baseRows = (await connection.runAndReadAll(direct)).currentRowCount;
        baseTimes.push(performance.now() - t0);
        const cpu = process.cpuUsage(cpu0);
        baseCpu.push((cpu.user + cpu.system) / 1e6);
      },
      async () => {
        const t0 = performance.now();
        await connection.runAndReadAll(directEpoch);
        epochTimes.push(performance.now() - t0);
      },
    ];
    for (let k = 0; k < rounds; k++) {
      for (let m = 0; m < measurements.length; m++) {
        await (measurements[(k + m) % measurements.length] as () => Promise<void>)();
      }
    }
    await server.stop();
    connection.closeSync();
    instance.closeSync();
    const best = Math.min(...times);
    const httpBest = Math.min(...httpTimes);
    const bytesBest = Math.min(...bytesTimes);
    const baseBest = Math.min(...baseTimes);
    if (httpRows !== rows || rows !== baseRows)
      throw new Error(`row counts differ: SDK ${rows}, HTTP ${httpRows}, DuckDB ${baseRows}`);
    console.log(
      `Daily aggregate via Query API (SDK client): ${(best / 1000).toFixed(3)} s best of ${rounds} (${rows} result rows incl. all pages; target <= 1.5 s)`,
    );
    console.log(
      `  the same pages over plain HTTP + JSON.parse (the service's share, without the SDK's deserialization): ${(httpBest / 1000).toFixed(3)} s best of ${rounds}`,
    );
    console.log(
      `  the same pages over plain HTTP, bodies read but not parsed (the service's share alone): ${(bytesBest / 1000).toFixed(3)} s best of ${rounds}`,
    );
    if (serverCpu.length > 0) {
      const ms = (xs: number[]) => `${(Math.min(...xs) * 1000).toFixed(0)} ms`;
      console.log(
        `  CPU per query (all threads, least of ${rounds}): the server ${ms(serverCpu)} (query, formatting, pages, HTTP), DuckDB alone ${ms(baseCpu)}; ratio ${(Math.min(...serverCpu) / Math.min(...baseCpu)).toFixed(2)} (the clock's 10 ms ticks)`,
      );
    }
    await influxdbBaseline(dataRoot, { devices, perDevice, startMs, stepNs }, best);
    // each round's own ratio (the service and DuckDB measured a moment apart), the median of them
    const roundRatio = (xs: number[]) => median(xs.map((x, k) => x / (baseTimes[k] as number))).toFixed(2);
    console.log(
      `  baseline (same aggregate straight on DuckDB, values left in DuckDB, in the same rounds): ${(baseBest / 1000).toFixed(3)} s best of ${rounds} (${baseRows} rows); ratio HTTP unparsed ${(bytesBest / baseBest).toFixed(2)} (the service's share; target <= 2), HTTP + JSON.parse ${(httpBest / baseBest).toFixed(2)}, SDK ${(best / baseBest).toFixed(2)}`,
    );
    console.log(
      `  median of the ${rounds} rounds' own ratios: HTTP unparsed ${roundRatio(bytesTimes)}, HTTP + JSON.parse ${roundRatio(httpTimes)}, SDK ${roundRatio(times)}`,
    );
    const epochBest = Math.min(...epochTimes);
    const epochMedian = median(bytesTimes.map((x, k) => x / (epochTimes[k] as number))).toFixed(2);
    console.log(
      `  like for like (DuckDB alone computing the day as the service computes BIN, epoch arithmetic): ${(epochBest / 1000).toFixed(3)} s best of ${rounds}; the service's share over it ${(bytesBest / epochBest).toFixed(2)}, median of rounds ${epochMedian} (${(bytesBest - epochBest).toFixed(0)} ms of API layer: formatting, pages, HTTP)`,
    );
  } finally {
    query.destroy();
    if (server.child.exitCode === null) await server.stop();
  }
}

/** The same rows and aggregate on InfluxDB 1.x, when Debian's `influxd` is installed. */
async function influxdbBaseline(
  dataRoot: string,
  rows: { devices: number; perDevice: number; startMs: number; stepNs: bigint },
  ourBest: number,
): Promise<void> {
  if (flag('skip-influxdb')) return;
  if (!existsSync(influxdPath)) {
    console.log(`  (InfluxDB baseline skipped: ${influxdPath} is not installed; apt-get install influxdb)`);
    return;
  }
  const influx = await startInfluxd(join(dataRoot, 'influxdb'));
  try {
    const loadSeconds = await influx.load(rows);
    await influx.aggregate(rows, days); // warm-up
    const times: number[] = [];
    let answer = { rows: 0, counted: 0 };
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      answer = await influx.aggregate(rows, days);
      times.push(performance.now() - t0);
    }
    if (answer.counted !== rows.devices * rows.perDevice)
      throw new Error(
        `InfluxDB counted ${answer.counted} readings, expected ${rows.devices * rows.perDevice}`,
      );
    const best = Math.min(...times);
    console.log(
      `  baseline 2 (InfluxDB 1.x, same rows loaded with line protocol in ${loadSeconds.toFixed(1)} s, same aggregate in InfluxQL over HTTP): ${(best / 1000).toFixed(3)} s best of 3 (${answer.rows} rows); ratio SDK/InfluxDB ${(ourBest / best).toFixed(2)}`,
    );
  } finally {
    await influx.stop();
  }
}

const root = mkdtempSync(join(tmpdir(), 'ts-bench-'));
try {
  if (!flag('skip-write')) await benchWrites(join(root, 'writes'));
  if (!flag('skip-query')) await benchAggregate(join(root, 'query'));
} finally {
  rmSync(root, { recursive: true, force: true });
}
