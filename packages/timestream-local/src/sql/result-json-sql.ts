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
 * strings out of DuckDB (kept as the segments of the rows' text) instead of reading 180,000 values one by one.
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

/**
 * How DuckDB writes one column's values: `text`, the value's text inside its datum (`24.5` of
 * `{"ScalarValue":"24.5"}`, the quoted JSON string of a VARCHAR), NULL for a NULL value; `exact`, when set, the condition under which
 * that text is the one result-format.ts writes (else the row is left to it); `quoted`, whether the datum quotes
 * the text; `suffix`, text written after it inside the quotes.
 */
interface ColumnText {
  readonly text: string;
  readonly exact?: string;
  readonly quoted: boolean;
  readonly suffix?: string;
}

/** The SQL writing one value of `column` (of `type`); undefined for a type only JS writes. */
function columnText(column: string, type: DuckDBType): ColumnText | undefined {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      // NULL for NULL, as every text here: concat() skips it
      return { text: `CASE WHEN ${column} THEN 'true' WHEN NOT ${column} THEN 'false' END`, quoted: true };
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
      return { text: `CAST(${column} AS VARCHAR)`, quoted: true };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE: {
      const x = type.typeId === DuckDBTypeId.FLOAT ? `CAST(${column} AS DOUBLE)` : column;
      // NaN compares above every number in DuckDB, so it fails `< 1e7` and goes to JS with the infinities
      return {
        text: `CAST(${x} AS VARCHAR)`,
        exact: `${x} = 0 OR (abs(${x}) >= 0.001 AND abs(${x}) < 10000000)`,
        quoted: true,
      };
    }
    case DuckDBTypeId.TIMESTAMP:
      return {
        text: `strftime(${column}, '%Y-%m-%d %H:%M:%S.%f')`,
        exact: `${column} BETWEEN TIMESTAMP '1000-01-01' AND TIMESTAMP '9999-12-31 23:59:59.999999'`,
        quoted: true,
        suffix: '000',
      };
    case DuckDBTypeId.TIMESTAMP_NS:
      // TIMESTAMP_NS holds the years 1677 to 2262 (and the infinities)
      return {
        text: `strftime(${column}, '%Y-%m-%d %H:%M:%S.%n')`,
        exact: `isfinite(${column})`,
        quoted: true,
      };
    case DuckDBTypeId.DATE:
      return {
        text: `strftime(${column}, '%Y-%m-%d')`,
        exact: `${column} BETWEEN DATE '1000-01-01' AND DATE '9999-12-31'`,
        quoted: true,
      };
    case DuckDBTypeId.VARCHAR:
      return { text: `CAST(to_json(${column}) AS VARCHAR)`, quoted: false };
    default:
      return undefined;
  }
}

/**
 * The SQL writing a row's JSON text, NULL where a value is left to JS. One concat() of the whole row: each
 * value's text between constant pieces chosen by whether it is NULL (`{"ScalarValue":"` before it and `"}`
 * after it, or `{"NullValue":true}` and nothing, as concat() skips NULLs), so that no datum is a string of its
 * own; the texts are only computed for the rows DuckDB writes (CASE evaluates its ELSE on those rows only).
 */
function rowJsonSql(columns: readonly string[], texts: readonly ColumnText[]): string {
  const pieces: string[] = [`'{"Data":['`];
  texts.forEach((t, i) => {
    const c = columns[i] as string;
    const quote = t.quoted ? '"' : '';
    if (i > 0) pieces.push(`','`);
    pieces.push(`CASE WHEN ${c} IS NULL THEN ${nullJson} ELSE ${literal(`{"ScalarValue":${quote}`)} END`);
    pieces.push(t.text);
    pieces.push(`CASE WHEN ${c} IS NULL THEN NULL ELSE ${literal(`${t.suffix ?? ''}${quote}}`)} END`);
  });
  pieces.push(`']}'`);
  const row = `concat(${pieces.join(', ')})`;
  const exact = texts.flatMap((t, i) =>
    t.exact === undefined ? [] : [`(${columns[i]} IS NULL OR ${t.exact})`],
  );
  return exact.length === 0 ? row : `CASE WHEN ${exact.join(' AND ')} THEN ${row} END`;
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
 * row left to JS) and the values of the rows left to JS with their row numbers.
 *
 * Rows keep the query's order: `row_number() OVER ()` numbers them as the query returns them (DuckDB runs
 * an empty OVER () as a streaming window, in order), and blocks and their texts are ordered by that number.
 * The numbered rows are materialized first (a CTE), so that writing their texts, the costly part, runs on
 * all of DuckDB's threads, chunk by chunk of the CTE; after the query's own ORDER BY, DuckDB would run it
 * on one thread.
 */
export function rowsJsonQuery(sql: string, types: readonly DuckDBType[]): RowsJsonQuery | undefined {
  const columns = types.map((_, i) => `"__ts_c${i}"`);
  const texts: ColumnText[] = [];
  for (const [i, type] of types.entries()) {
    const text = columnText(columns[i] as string, type);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  if (texts.length === 0) return undefined;
  const numbered = `WITH __ts_numbered AS MATERIALIZED (SELECT row_number() OVER () - 1 AS __ts_row, * FROM (${sql}
) AS __ts_result(${columns.join(', ')}))`;
  const leftToJs = `{'__ts_row': __ts_row, ${columns.map((c) => `${literal(c.slice(1, -1))}: ${c}`).join(', ')}}`;
  const rowsOf = `SELECT __ts_row, ${rowJsonSql(columns, texts)} AS __ts_json, ${columns.join(', ')} FROM __ts_numbered`;
  const block = `__ts_row // ${rowsPerBlock}`;
  const wrapped = `${numbered} SELECT encode(string_agg(__ts_json, ',' ORDER BY __ts_row)) AS text, list(CAST(strlen(__ts_json) AS INTEGER) ORDER BY __ts_row) AS lengths, list(CASE WHEN __ts_json IS NULL THEN ${leftToJs} END) FILTER (WHERE __ts_json IS NULL) AS left_to_js FROM (${rowsOf}) GROUP BY ${block} ORDER BY ${block}`;
  return { sql: wrapped, read: (result) => readBlocks(result, types) };
}

/**
 * Keeps each block's text as a segment of the rows' text (one copy, out of DuckDB's memory), writing the
 * rows left to JS in their places.
 */
function readBlocks(result: ResultChunks, types: readonly DuckDBType[]): RowsText {
  const json = types.map((t) => datumJson(t));
  const names = types.map((_, i) => `__ts_c${i}`);
  const jsRow = (values: DuckDBStructValue) =>
    `{"Data":[${json.map((f, c) => f(values.entries[names[c] as string] ?? null)).join(',')}]}`;
  const writer = new RowsTextWriter(4096);
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    const texts = chunk.getColumnVector(0) as DuckDBBlobVector;
    const lengths = chunk.getColumnVector(1) as DuckDBListVector;
    const leftToJs = chunk.getColumnVector(2) as DuckDBListVector;
    for (let b = 0; b < chunk.rowCount; b++) {
      // a text of more than 12 bytes comes as a copy of its own; a shorter one is a view of DuckDB's vector
      const bytes = texts.getItemBytes(b) ?? new Uint8Array(0);
      const text = bytes.length > 12 ? bytes : Uint8Array.from(bytes);
      const rowLengths = (lengths.getItem(b) as DuckDBListValue).items as (number | null)[];
      const left = leftToJs.getItem(b) as DuckDBListValue | null;
      if (left === null) {
        // every row of the block written by DuckDB (the common case): the block as one segment
        writer.appendJoined(text, rowLengths as number[]);
        continue;
      }
      // in no particular order in the list: by their row numbers
      const jsRows = (left.items as DuckDBStructValue[]).sort(
        (x, y) => Number(x.entries.__ts_row) - Number(y.entries.__ts_row),
      );
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
  }
  return writer.finish();
}
