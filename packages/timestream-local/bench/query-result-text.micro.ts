/**
 * Micro-benchmark of a query's rows written as JSON text, in one process: the per-device daily aggregate of
 * timestream.bench.ts over 1,000,000 rows (30,000 result rows) in an in-memory DuckDB, run alone, with the
 * rows written by result-format.ts in JS, and with the rows written by DuckDB (result-json-sql.ts); also the
 * client's JSON.parse of the five pages, and how long each writer holds the event loop.
 * Prints CPU ms (all threads) / wall ms per query, the mean of the least 4 of 12, for 3 interleaved rounds.
 * Run: npx tsx packages/timestream-local/bench/query-result-text.micro.ts
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { formatResult } from '../src/sql/result-format';
import { rowsJsonQuery } from '../src/sql/result-json-sql';

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const devices = 1000;
const perDevice = 1000;
const days = 30;
const startNs = BigInt(Math.floor(Date.now() / 86_400_000) - days) * 86_400_000_000_000n;
const stepNs = (BigInt(days) * 86_400_000_000_000n) / BigInt(perDevice);
await connection.run(
  `CREATE TABLE readings AS SELECT make_timestamp_ns(${startNs} + (r % ${perDevice}) * ${stepNs}) AS "time",
     'reading' AS measure_name, 'device_' || (r // ${perDevice}) AS "deviceId",
     CAST(400 + (r * 7919) % 800 AS DOUBLE) AS co2 FROM range(${devices * perDevice}) t(r)`,
);
// what the translator makes of the benchmark's query (BIN(time, 1d) -> time_bucket)
const bin = `time_bucket(to_microseconds(CAST(86400000000 AS BIGINT)), ("time"), TIMESTAMP '1970-01-01 00:00:00')`;
const sql = `SELECT "deviceId", ${bin} AS "day", avg("co2") AS "avg_co2", min("co2") AS "min_co2", max("co2") AS "max_co2", count(*) AS "n" FROM readings WHERE "measure_name" = 'reading' GROUP BY "deviceId", ${bin} ORDER BY "deviceId", "day"`;

const types = (await connection.run(`${sql} LIMIT 0`)).columnTypes();
const inDuckDB = rowsJsonQuery(sql, types);
if (inDuckDB === undefined) throw new Error('DuckDB was expected to write these rows');
const text = inDuckDB.read(await connection.run(inDuckDB.sql));
const pages = [0, 1, 2, 3, 4].map(
  (p) => `{"Rows":[${text.slice(p * 6000, Math.min(text.count, (p + 1) * 6000)).toString()}]}`,
);

async function measure(run: () => Promise<unknown>): Promise<string> {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let k = 0; k < 12; k++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  const least4 = (xs: number[]) =>
    (
      xs
        .sort((a, b) => a - b)
        .slice(0, 4)
        .reduce((a, b) => a + b) / 4
    ).toFixed(0);
  return `${least4(cpu)}/${least4(wall)}`;
}

const cases: Record<string, () => Promise<unknown>> = {
  'DuckDB: the query alone': () => connection.run(sql),
  'JS: query + formatResult': async () => {
    const r = await connection.run(sql);
    formatResult(r.columnNames(), r.columnTypes(), r);
  },
  'DuckDB: prepare + query + blocks + copy': async () => {
    (await connection.prepare(sql)).destroySync();
    inDuckDB.read(await connection.run(inDuckDB.sql));
  },
  "client: JSON.parse of the 5 pages' bodies": async () => {
    for (const p of pages) JSON.parse(p);
  },
};
const figures = new Map<string, string[]>(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < 3; round++) {
  for (const [name, run] of Object.entries(cases)) figures.get(name)?.push(await measure(run));
}
console.log(`${text.count} rows; CPU ms / wall ms per query, three rounds:`);
for (const [name, f] of figures) console.log(`  ${name.padEnd(44)} ${f.join('  ')}`);

const held = { js: [] as number[], duckdb: [] as number[] };
for (let k = 0; k < 15; k++) {
  const plain = await connection.run(sql);
  let t0 = performance.now();
  formatResult(plain.columnNames(), plain.columnTypes(), plain);
  held.js.push(performance.now() - t0);
  const blocks = await connection.run(inDuckDB.sql);
  t0 = performance.now();
  inDuckDB.read(blocks);
  held.duckdb.push(performance.now() - t0);
}
const spread = (xs: number[]) => {
  xs.sort((a, b) => a - b);
  return `least ${xs[0]?.toFixed(1)} ms, median ${xs[7]?.toFixed(1)} ms`;
};
console.log(
  `event loop held per query: formatResult ${spread(held.js)}; reading DuckDB's blocks ${spread(held.duckdb)}`,
);
connection.closeSync();
instance.closeSync();
