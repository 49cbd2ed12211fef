import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryCommand, ValidationException } from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, doubleRecord, type Fixture, startFixture } from './local-timestream-fixture';

// Only Timestream SQL reaches DuckDB: names in FROM are catalog tables or WITH queries of the same query, every
// call goes through the list of Timestream functions, and no DuckDB statement, table function or setting is
// reachable. A secret file in the data directory must never come back.

let f: Fixture;
const secret = `secret-${randomUUID()}`;
let secretFile = '';
let secretCsv = '';
let dataDir = '';

beforeAll(async () => {
  f = await startFixture();
  dataDir = f.dataDir;
  secretFile = join(dataDir, 'token-secret');
  secretCsv = join(dataDir, 'token-secret.csv');
  writeFileSync(secretFile, `${secret}\n`);
  writeFileSync(secretCsv, `content\n${secret}\n`);
  await createTable(f.write, 'sec', 'readings');
  await f.write.send(
    new WriteRecordsCommand({
      DatabaseName: 'sec',
      TableName: 'readings',
      Records: [doubleRecord('d1', 'co2', '600', Date.now() - 60_000)],
    }),
  );
});
afterAll(async () => {
  await f?.close();
});

/** [query, a name the refusal must mention] */
const attacks = (): Array<[string, string]> => [
  // a WITH query's name called as a table function
  [`WITH read_text AS (SELECT 1) SELECT content FROM read_text('${secretFile}')`, 'read_text'],
  [`WITH READ_TEXT AS (SELECT 1) SELECT content FROM Read_Text('${secretFile}')`, 'read_text'],
  [`WITH "read_text" AS (SELECT 1) SELECT content FROM "read_text"('${secretFile}')`, 'read_text'],
  [`WITH read_text AS (SELECT 1) SELECT content FROM read_text /* hidden */ ('${secretFile}')`, 'read_text'],
  [`WITH read_text AS (SELECT 1) SELECT content FROM read_text --\n('${secretFile}')`, 'read_text'],
  [`WITH glob AS (SELECT 1) SELECT * FROM glob('${dataDir}/*')`, 'glob'],
  [`WITH duckdb_databases AS (SELECT 1) SELECT * FROM duckdb_databases()`, 'duckdb_databases'],
  [`WITH q AS (SELECT 1) SELECT * FROM "sec"."readings" AS r, q('${secretFile}')`, 'q'],
  [
    `WITH read_text AS (SELECT 1) SELECT * FROM "sec"."readings" JOIN read_text('${secretFile}') ON true`,
    'read_text',
  ],
  // table functions, plain, quoted, schema-qualified, nested
  [`SELECT content FROM read_text('${secretFile}')`, 'read_text'],
  [`SELECT content FROM "read_text"('${secretFile}')`, 'read_text'],
  [`SELECT content FROM main.read_text('${secretFile}')`, 'main.read_text'],
  [`SELECT content FROM "main"."read_text"('${secretFile}')`, 'main.read_text'],
  [`SELECT * FROM read_csv_auto('${secretCsv}')`, 'read_csv_auto'],
  [`SELECT * FROM read_parquet('${secretFile}')`, 'read_parquet'],
  [`SELECT * FROM glob('${dataDir}/*')`, 'glob'],
  [`SELECT * FROM duckdb_databases()`, 'duckdb_databases'],
  [`SELECT * FROM query('SELECT content FROM read_text(''${secretFile}'')')`, 'query'],
  [`SELECT (SELECT content FROM read_text('${secretFile}'))`, 'read_text'],
  [`SELECT * FROM (FROM read_text('${secretFile}'))`, 'read_text'],
  [
    `SELECT * FROM "sec"."readings" WHERE measure_name IN (SELECT content FROM read_text('${secretFile}'))`,
    'read_text',
  ],
  [`SELECT * FROM "sec"."readings" TABLESAMPLE read_text('${secretFile}')`, 'read_text'],
  // files named as tables (DuckDB's replacement scans)
  [`SELECT * FROM '${secretCsv}'`, secretCsv],
  [`SELECT * FROM "${secretCsv}"`, secretCsv],
  [
    `SELECT * FROM (WITH "${secretCsv}" AS (SELECT 1 AS a) SELECT * FROM "${secretCsv}") AS s, "${secretCsv}"`,
    secretCsv,
  ],
  [
    `WITH a AS (SELECT * FROM "${secretCsv}"), "${secretCsv}" AS (SELECT 1 AS content) SELECT * FROM a`,
    secretCsv,
  ],
  // scalar functions outside the list, quoted or not
  [`SELECT "version"()`, 'version'],
  [`SELECT "VERSION"()`, 'version'],
  [`SELECT "current_setting"('allowed_directories')`, 'current_setting'],
  [`SELECT current_setting('memory_limit')`, 'current_setting'],
  [`SELECT getenv('HOME')`, 'getenv'],
  [`SELECT "getenv"('HOME')`, 'getenv'],
  [`SELECT main.version()`, 'main.version'],
  [`SELECT "main"."current_setting"('threads')`, 'main.current_setting'],
  [`SELECT CAST(1 AS DECIMAL(read_text('${secretFile}')))`, 'read_text'],
  // other statements, alone or after a query
  ['PRAGMA database_list', 'PRAGMA'],
  [`ATTACH '${join(dataDir, 'other.duckdb')}' AS other`, 'ATTACH'],
  [`COPY (SELECT 1) TO '${join(dataDir, 'out.csv')}'`, 'COPY'],
  ['INSTALL httpfs', 'INSTALL'],
  ['LOAD httpfs', 'LOAD'],
  ['SET enable_external_access = true', 'SET'],
  ['select 1; PRAGMA database_list', ';'],
  [`SELECT 1 /* ; */ ; SELECT content FROM read_text('${secretFile}')`, ';'],
  ['SELECT 1 -- harmless\n; SET lock_configuration = false', ';'],
  ['WITH x AS (SELECT 1) PRAGMA database_list', 'PRAGMA'],
];

describe('Query refuses everything that is not Timestream SQL', () => {
  // the cases are listed here by index and built with the fixture's paths once it has started
  it.each(attacks().map(([sql], i) => ({ i, sql })))(
    'attack $i is refused, names the offending name, never shows the secret: $sql',
    async ({ i }) => {
      const [query, offending] = attacks()[i] as [string, string];
      const error = await f.query.send(new QueryCommand({ QueryString: query })).then(
        (out) => new Error(`answered: ${JSON.stringify(out.Rows)}`),
        (e: unknown) => e as Error,
      );
      expect(error.message).not.toContain(secret);
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message.toLowerCase()).toContain(offending.toLowerCase());
    },
  );

  it('still answers WITH queries used as tables, including one named like a DuckDB function', async () => {
    const out = await f.query.send(
      new QueryCommand({
        QueryString: `WITH read_text AS (SELECT deviceId, measure_value::double AS v FROM "sec"."readings"),
          glob AS (SELECT read_text.v * 2 AS w FROM read_text)
          SELECT r.deviceId, read_text.v, g.w FROM read_text, glob AS g, read_text AS r`,
      }),
    );
    expect(out.Rows?.map((r) => r.Data?.map((d) => d.ScalarValue))).toEqual([['d1', '600.0', '1200.0']]);
  });

  it('still answers WITH queries with column lists and nested WITH queries', async () => {
    const out = await f.query.send(
      new QueryCommand({
        QueryString: `WITH t (a, b) AS (SELECT 1, 2) SELECT (WITH u AS (SELECT a + b AS c FROM t) SELECT c FROM u) AS s FROM t`,
      }),
    );
    expect(out.Rows?.map((r) => r.Data?.map((d) => d.ScalarValue))).toEqual([['3']]);
  });
});
