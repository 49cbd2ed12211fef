import {
  type DuckDBBlobVector,
  type DuckDBListValue,
  type DuckDBListVector,
  type DuckDBStructValue,
  type DuckDBType,
  DuckDBTypeId,
} from '@duckdb/node-api';
import { datumJson, type ResultChunks } from './result-format';
import { type RowsText, RowsTextWriter } from './rows-text';

/**
 * Rows written as JSON text by DuckDB itself: the translated query is wrapped in a projection that renders
 * every value as its datum's text (`{"ScalarValue":"24.5"}`) and every row as `{"Data":[...]}`, then joins
 * the rows of each block of {@link rowsPerBlock} with commas, so that Node only copies a few large byte
 * strings into the result buffer instead of reading 180,000 values one by one.
 *
 * DuckDB renders a value only where its text is exactly the one `result-format.ts` writes (checked by
 * `test/sql/result-json-sql.test.ts` against it on edge values): integers, booleans, strings (`to_json`),
 * doubles in plain notation ([1e-3, 1e7) and zero, where Java's Double.toString and DuckDB's shortest
 * round-trip digits agree), timestamps and dates of years 1000 to 9999. For any other value the expression is
 * NULL, and that row is written by `result-format.ts` from its values, which the block carries beside its
 * text. A column of any other type (arrays, rows, time series, intervals, times, ...) leaves the whole result
 * to `result-format.ts`.
 */

const nullJson = `'{"NullValue":true}'`;
/** a SQL string literal */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
/** one allocation per value: concat() of the pieces, where `||` would copy the growing text at each step */
const scalarSql = (textSql: string) => `concat('{"ScalarValue":"', ${textSql}, '"}')`;

/** The SQL rendering one value of `column` (of `type`) as its datum's JSON text, NULL where JS must. */
function datumJsonSql(column: string, type: DuckDBType): string | undefined {
  const whenNull = `CASE WHEN ${column} IS NULL THEN ${nullJson}`;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return `${whenNull} WHEN ${column} THEN '{"ScalarValue":"true"}' ELSE '{"ScalarValue":"false"}' END`;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return `${whenNull} ELSE ${scalarSql(`CAST(${column} AS VARCHAR)`)} END`;
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE: {
      const x = type.typeId === DuckDBTypeId.FLOAT ? `CAST(${column} AS DOUBLE)` : column;
      // NaN compares above every number in DuckDB, so it fails `< 1e7` and goes to JS with the infinities
      return `${whenNull} WHEN ${x} = 0 OR (abs(${x}) >= 0.001 AND abs(${x}) < 10000000) THEN ${scalarSql(`CAST(${x} AS VARCHAR)`)} END`;
    }
    case DuckDBTypeId.TIMESTAMP:
      return `${whenNull} WHEN ${column} BETWEEN TIMESTAMP '1000-01-01' AND TIMESTAMP '9999-12-31 23:59:59.999999' THEN ${`concat('{"ScalarValue":"', strftime(${column}, '%Y-%m-%d %H:%M:%S.%f'), '000"}')`} END`;
    case DuckDBTypeId.TIMESTAMP_NS:
      // TIMESTAMP_NS holds the years 1677 to 2262 (and the infinities)
      return `${whenNull} WHEN isfinite(${column}) THEN ${scalarSql(`strftime(${column}, '%Y-%m-%d %H:%M:%S.%n')`)} END`;
    case DuckDBTypeId.DATE:
      return `${whenNull} WHEN ${column} BETWEEN DATE '1000-01-01' AND DATE '9999-12-31' THEN ${scalarSql(`strftime(${column}, '%Y-%m-%d')`)} END`;
    case DuckDBTypeId.VARCHAR:
      return `${whenNull} ELSE concat('{"ScalarValue":', CAST(to_json(${column}) AS VARCHAR), '}') END`;
    default:
      return undefined;
  }
}

/** Rows per block of text: DuckDB's vector size, so a block is about one chunk of the query's result. */
const rowsPerBlock = 2048;

/** The translated query wrapped to have DuckDB write its rows' JSON text, and how to read its answer. */
export interface RowsJsonQuery {
  readonly sql: string;
  read(result: ResultChunks): RowsText;
}

/**
 * Wraps `sql` (whose result columns have `types`) so that DuckDB writes the rows' JSON text; undefined when
 * a column's type is one only `result-format.ts` writes. The wrapped query answers one row per block of
 * rows, in order: the block's rows' texts joined by commas (as bytes), each row's byte length (NULL for a
 * row left to JS) and the values of the rows left to JS.
 *
 * Rows keep the query's order: `row_number() OVER ()` numbers them as the query returns them (DuckDB runs
 * an empty OVER () as a streaming window, in order), and blocks and their texts are ordered by that number.
 */
export function rowsJsonQuery(sql: string, types: readonly DuckDBType[]): RowsJsonQuery | undefined {
  const columns = types.map((_, i) => `"__ts_c${i}"`);
  const datums: string[] = [];
  for (const [i, type] of types.entries()) {
    const datum = datumJsonSql(columns[i] as string, type);
    if (datum === undefined) return undefined;
    datums.push(datum);
  }
  if (datums.length === 0) return undefined;
  const datumNames = datums.map((_, i) => `__ts_d${i}`);
  // concat() skips NULLs, so a row with a value left to JS is NULL explicitly
  const rowJson = `CASE WHEN ${datumNames.map((d) => `${d} IS NULL`).join(' OR ')} THEN NULL ELSE concat('{"Data":[', ${datumNames.join(", ',', ")}, ']}') END`;
  const datumsOf = `SELECT row_number() OVER () - 1 AS __ts_row, ${datums.map((d, i) => `${d} AS ${datumNames[i]}`).join(', ')}, ${columns.join(', ')} FROM (${sql}
) AS __ts_result(${columns.join(', ')})`;
  const rowsOf = `SELECT __ts_row, ${rowJson} AS __ts_json, ${columns.join(', ')} FROM (${datumsOf})`;
  const leftToJs = `{${columns.map((c) => `${literal(c.slice(1, -1))}: ${c}`).join(', ')}}`;
  const block = `__ts_row // ${rowsPerBlock}`;
  const wrapped = `SELECT encode(string_agg(__ts_json, ',' ORDER BY __ts_row)) AS text, list(CAST(strlen(__ts_json) AS INTEGER) ORDER BY __ts_row) AS lengths, list(${leftToJs} ORDER BY __ts_row) FILTER (WHERE __ts_json IS NULL) AS left_to_js FROM (${rowsOf}) GROUP BY ${block} ORDER BY ${block}`;
  return { sql: wrapped, read: (result) => readBlocks(result, types) };
}

/** Copies each block's text into one buffer, writing the rows left to JS in their places. */
function readBlocks(result: ResultChunks, types: readonly DuckDBType[]): RowsText {
  const json = types.map((t) => datumJson(t));
  const names = types.map((_, i) => `__ts_c${i}`);
  const jsRow = (values: DuckDBStructValue) =>
    `{"Data":[${json.map((f, c) => f(values.entries[names[c] as string] ?? null)).join(',')}]}`;
  const blocks: { text: Uint8Array; rowLengths: (number | null)[]; jsRows: DuckDBStructValue[] }[] = [];
  let bytes = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const texts = chunk.getColumnVector(0) as DuckDBBlobVector;
    const lengths = chunk.getColumnVector(1) as DuckDBListVector;
    const leftToJs = chunk.getColumnVector(2) as DuckDBListVector;
    for (let b = 0; b < chunk.rowCount; b++) {
      const text = texts.getItemBytes(b) ?? new Uint8Array(0);
      bytes += text.length + 1;
      blocks.push({
        text,
        rowLengths: (lengths.getItem(b) as DuckDBListValue).items as (number | null)[],
        jsRows: ((leftToJs.getItem(b) as DuckDBListValue | null)?.items ?? []) as DuckDBStructValue[],
      });
    }
  }
  // the whole text's size is known: one buffer, never grown (rows left to JS may still grow it)
  const writer = new RowsTextWriter(bytes);
  for (const { text, rowLengths, jsRows } of blocks) {
    let at = 0; // in `text`
    let run: number[] = []; // lengths of the rows DuckDB wrote, since the last row left to JS
    let runStart = 0;
    let nextJs = 0;
    const flush = () => {
      if (run.length === 0) return;
      writer.appendJoined(text.subarray(runStart, at - 1), run);
      run = [];
    };
    for (const length of rowLengths) {
      if (length === null) {
        flush();
        writer.append([jsRow(jsRows[nextJs++] as DuckDBStructValue)]);
        runStart = at;
      } else {
        run.push(length);
        at += length + 1;
      }
    }
    flush();
  }
  return writer.finish();
}
