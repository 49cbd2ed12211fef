/**
 * Local Timestream SQL engine: daily aggregate (avg/min/max/count per device per day) over 10M raw rows,
 * through createQueryEngine vs the same aggregate hand-written in DuckDB SQL (baseline), plus translation cost.
 *
 * Usage: npx tsx test/infra/local/timestream/sql/daily-aggregate.bench.ts [--rows 10000000]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { QueryCatalog, TableView } from '../../../../../infra/local/timestream/catalog';
import { createQueryEngine, Translator, tokenize } from '../../../../../infra/local/timestream/sql';

const args = process.argv.slice(2);
const rowsIndex = args.indexOf('--rows');
const totalRows = rowsIndex >= 0 ? Number(args[rowsIndex + 1]) : 10_000_000;
if (!Number.isInteger(totalRows) || totalRows <= 0)
  throw new Error(`--rows needs a positive whole number, got ${args[rowsIndex + 1]}`);

const DEVICES = 1000;
const DAYS = 30;
const START_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
const SPAN_NS = BigInt(DAYS) * 86_400_000_000_000n;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
console.log(
  `preparing ${totalRows.toLocaleString()} rows (${DEVICES} devices x ${DAYS} days, co2/temperature/humidity)...`,
);
await connection.run(`CREATE TABLE ts_raw AS SELECT
    make_timestamp_ns(${START_NS} + (i * ${SPAN_NS / BigInt(totalRows)})::BIGINT) AS "time",
    'device-' || (i % ${DEVICES})::VARCHAR AS "deviceId",
    CASE i % 3 WHEN 0 THEN 'co2' WHEN 1 THEN 'temperature' ELSE 'humidity' END AS measure_name,
    400 + (hash(i) % 1000)::DOUBLE / 10 AS "measure_value::double",
    NULL::BIGINT AS "measure_value::bigint", NULL::VARCHAR AS "measure_value::varchar",
    NULL::BOOLEAN AS "measure_value::boolean", NULL::TIMESTAMP_NS AS "measure_value::timestamp",
    1::BIGINT AS __ts_version
  FROM range(${totalRows}) r(i)`);

const view: TableView = {
  database: 'RoomCondition',
  table: 'conditions',
  relation: '"ts_raw"',
  dimensions: ['deviceId'],
  multiMeasureColumns: [],
  measures: ['co2', 'temperature', 'humidity'].map((name) => ({
    name,
    dataType: 'double' as const,
    dimensions: ['deviceId'],
  })),
  retentionCutoffNs: START_NS - 1n,
};
const catalog: QueryCatalog = {
  listDatabases: () => ['RoomCondition'],
  listTables: (db) => (db === 'RoomCondition' ? ['conditions'] : undefined),
  getTable: (db, table) => (db === 'RoomCondition' && table === 'conditions' ? view : undefined),
};
const engine = createQueryEngine({ connection, catalog, now: () => START_NS + SPAN_NS });

const timestreamSql = `SELECT deviceId, BIN(time, 1d) AS day,
    avg(measure_value::double) AS avg_co2, min(measure_value::double) AS min_co2,
    max(measure_value::double) AS max_co2, count(*) AS n
  FROM "RoomCondition"."conditions"
  WHERE measure_name = 'co2' AND time >= ago(${DAYS}d)
  GROUP BY deviceId, BIN(time, 1d)`;
const baselineSql = `SELECT "deviceId", time_bucket(INTERVAL 1 DAY, "time") AS day,
    avg("measure_value::double"), min("measure_value::double"), max("measure_value::double"), count(*)
  FROM ts_raw WHERE measure_name = 'co2' GROUP BY 1, 2`;

async function best(label: string, runs: number, fn: () => Promise<number>): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = await fn();
    min = Math.min(min, performance.now() - t0);
  }
  console.log(
    `${label.padEnd(44)} ${min.toFixed(0).padStart(6)} ms  (${rows.toLocaleString()} result rows, best of ${runs})`,
  );
  return min;
}

const baseline = await best(
  'baseline: hand-written DuckDB SQL',
  3,
  async () => (await connection.runAndReadAll(baselineSql)).getRows().length,
);
const viaEngine = await best(
  'engine: Timestream SQL, formatted + bytes',
  3,
  async () => (await engine.execute(timestreamSql)).rows.length,
);

const tokens = tokenize(timestreamSql);
const t0 = performance.now();
const translations = 2000;
for (let i = 0; i < translations; i++) new Translator(tokenize(timestreamSql), catalog, START_NS).translate();
const perTranslation = (performance.now() - t0) / translations;
console.log(
  `${'translation (tokenize + translate)'.padEnd(44)} ${perTranslation.toFixed(3).padStart(6)} ms  (${tokens.length} tokens)`,
);
console.log(
  `ratio engine / baseline: ${(viaEngine / baseline).toFixed(2)}x (target: engine <= 1500 ms through the API)`,
);
