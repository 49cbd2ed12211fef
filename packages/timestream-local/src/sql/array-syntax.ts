import { quoteIdent } from './table-columns';
import { fail, type TokenCursor } from './token-cursor';
import { type Token, TokenKind } from './tokenizer';

/** What the syntax translations below need of the translator. */
export interface SyntaxContext {
  readonly c: TokenCursor;
  /** translates tokens [a, b) to DuckDB SQL */
  range(a: number, b: number): string;
}

/** `ARRAY[a, b, ...]` at k (the word ARRAY): a DuckDB list literal. Returns the next token index. */
export function arrayConstructor(x: SyntaxContext, k: number, out: string[]): number {
  const close = x.c.matching[k + 1] as number;
  out.push(`[${x.range(k + 2, close)}]`);
  return close + 1;
}

/**
 * A subscript `a[i]` at k (the `[`), with Trino's semantics: a 1-based index; an index past the end fails
 * ("Array subscript must be less than or equal to array length: 3 > 2"), as do 0 and negative indexes (DuckDB
 * would answer NULL, or count from the end); a NULL array or index gives NULL (element_at is the function that
 * answers NULL past the end). The array is already written out when the `[` is reached, so the check is
 * appended after it with DuckDB's method syntax: `a.list_value()` is `[a]`, whose one element a lambda then
 * checks and subscripts. A parenthesized subquery cannot take a method: it is wrapped as `list_value((...))`.
 */
export function subscript(x: SyntaxContext, k: number, out: string[]): number {
  const close = x.c.matching[k] as number;
  if (close === k + 1) fail(x.c.at(k), "mismatched input ']': a subscript needs an index");
  const before = x.c.at(k - 1);
  if (before === undefined || before.kind === TokenKind.String || before.kind === TokenKind.Number)
    fail(x.c.at(k), "mismatched input '[': a subscript [] applies to an array");
  const i = `(${x.range(k + 1, close)})`;
  const l = '__ts_l';
  const check =
    `CASE WHEN ${l} IS NULL OR ${i} IS NULL THEN NULL ` +
    `WHEN typeof(${l}) NOT LIKE '%[]' THEN error('a subscript [] applies to an array, not to ' || lower(typeof(${l}))) ` +
    `WHEN ${i} = 0 THEN error('SQL array indices start at 1') ` +
    `WHEN ${i} < 0 THEN error('Array subscript is negative: ' || ${i}) ` +
    `WHEN ${i} > len(${l}) THEN error('Array subscript must be less than or equal to array length: ' || ${i} || ' > ' || len(${l})) ` +
    `ELSE ${l}[${i}] END`;
  const last = out.length - 1;
  const open = x.c.isSymbol(k - 1, ')') ? (x.c.matching[k - 1] as number) : -1;
  const parenthesized = open >= 0 && (!x.c.isName(open - 1) || x.c.isKeywordAt(open - 1));
  if (parenthesized && out[last]?.startsWith('(') === true) out[last] = `list_value(${out[last]})`;
  else out.push('.list_value()');
  out.push(`.list_transform(${l} -> ${check})[1]`);
  return close + 1;
}

/**
 * `VALUES row, ...` at k: rows written without parentheses (`VALUES 1, 2, 3`, as Trino allows) get them,
 * as DuckDB needs; rows in double parentheses (`VALUES (('a', 1))`) lose one pair.
 */
export function valuesList(x: SyntaxContext, k: number, end: number, out: string[]): number {
  const stops = new Set(['order', 'limit', 'offset', 'union', 'intersect', 'except', 'fetch']);
  const listEnd = x.c.findClauseEnd(k + 1, end, stops);
  const wraps = (a: number, b: number) => x.c.isSymbol(a, '(') && x.c.matching[a] === b - 1;
  const rows = x.c.splitTopLevel(k + 1, listEnd, ',').map(([from, to]) => {
    if (from === to) fail(x.c.at(from) ?? x.c.at(from - 1), 'VALUES needs an expression in every row');
    let [a, b] = [from, to];
    // a row constructor in parentheses, `(('a', 1))`, is the row ('a', 1), as in Trino
    while (wraps(a, b) && wraps(a + 1, b - 1)) [a, b] = [a + 1, b - 1];
    const wrapped = wraps(a, b);
    return wrapped ? x.range(a, b) : `(${x.range(a, b)})`;
  });
  out.push(`VALUES ${rows.join(', ')}`);
  return listEnd;
}

/**
 * `UNNEST(array [, array ...]) [WITH ORDINALITY]` at k, as a FROM item: a lateral DuckDB subquery with one
 * row per element. As in Trino, an array of rows gives one column per field, so a time series gives the
 * columns `time` and `value`; several arrays are zipped (the shorter padded with NULL); WITH ORDINALITY adds
 * the 1-based position. An array of arrays, or of rows holding arrays or rows, is refused (DuckDB's recursive
 * unnest would flatten them).
 * Returns the SQL and the index after the item (before its alias).
 */
export function unnestRelation(x: SyntaxContext, k: number): { sql: string; next: number } {
  const open = k + 1;
  if (!x.c.isSymbol(open, '(')) fail(x.c.at(k), 'UNNEST needs its arrays in parentheses: UNNEST(array)');
  const close = x.c.matching[open] as number;
  if (close === open + 1) fail(x.c.at(k), 'UNNEST needs at least one array');
  const arrays = x.c.splitTopLevel(open + 1, close, ',').map(([a, b]) => x.range(a, b));
  // the element type: DuckDB's recursive unnest would also unnest lists and rows inside it
  const element = (a: string) => `regexp_replace(typeof(${a}), '\\[\\]$', '')`;
  const checked = (a: string) =>
    `CASE WHEN typeof(${a}) LIKE '%[][]' THEN error('UNNEST of an array of arrays is not supported by the local Timestream') ` +
    `WHEN starts_with(${element(a)}, 'STRUCT(') AND (contains(${element(a)}, '[]') OR contains(substr(${element(a)}, 2), 'STRUCT(') OR contains(${element(a)}, 'MAP(')) ` +
    `THEN error('UNNEST of an array of rows holding arrays or rows is not supported by the local Timestream') ELSE ${a} END`;
  const columns = arrays.map((a) => `unnest(${checked(a)}, recursive := true)`);
  let next = close + 1;
  if (x.c.isWord(next, 'with') && x.c.isWord(next + 1, 'ordinality')) {
    const longest =
      arrays.length === 1 ? `len(${arrays[0]})` : `greatest(${arrays.map((a) => `len(${a})`).join(', ')})`;
    columns.push(`unnest(range(1, ${longest} + 1)) AS "ordinality"`);
    next += 2;
  }
  return { sql: `LATERAL (SELECT ${columns.join(', ')})`, next };
}

const SCALAR_TYPES: Readonly<Record<string, string>> = {
  double: 'DOUBLE',
  real: 'FLOAT',
  bigint: 'BIGINT',
  integer: 'INTEGER',
  int: 'INTEGER',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  varchar: 'VARCHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_NS',
  date: 'DATE',
  time: 'TIME',
};

/**
 * A composite type at k in a CAST: `ARRAY(type)` / `ARRAY<type>` and `ROW(name type, ...)`, nested; undefined
 * when the type at k is not one (then the caller reads a scalar type). Returns the DuckDB type and the index
 * after it.
 */
export function compositeType(c: TokenCursor, k: number): { sql: string; next: number } | undefined {
  const word = c.at(k);
  if (word?.kind !== TokenKind.Word || (word.value !== 'array' && word.value !== 'row')) return undefined;
  if (word.value === 'array' && c.isSymbol(k + 1, '<')) {
    const inner = anyType(c, k + 2);
    if (!c.isSymbol(inner.next, '>')) fail(c.at(inner.next), 'ARRAY<type> needs a closing >');
    return { sql: `${inner.sql}[]`, next: inner.next + 1 };
  }
  if (!c.isSymbol(k + 1, '('))
    fail(word, `${word.text.toUpperCase()} type needs its element types in parentheses`);
  const close = c.matching[k + 1] as number;
  if (word.value === 'array') {
    const inner = anyType(c, k + 2);
    if (inner.next !== close)
      fail(c.at(inner.next), `mismatched input '${c.at(inner.next)?.text ?? ''}' in ARRAY type`);
    return { sql: `${inner.sql}[]`, next: close + 1 };
  }
  const fields = c.splitTopLevel(k + 2, close, ',').map(([a, b]) => {
    const name = c.at(a) as Token;
    if (!c.isName(a)) fail(name, 'ROW type fields are written name type');
    const type = anyType(c, a + 1);
    if (type.next !== b)
      fail(c.at(type.next), `mismatched input '${c.at(type.next)?.text ?? ''}' in ROW type`);
    return `${quoteIdent(name.kind === TokenKind.Quoted ? name.value : name.text)} ${type.sql}`;
  });
  return { sql: `STRUCT(${fields.join(', ')})`, next: close + 1 };
}

function anyType(c: TokenCursor, k: number): { sql: string; next: number } {
  const composite = compositeType(c, k);
  if (composite !== undefined) return composite;
  const t = c.at(k);
  const sql = t?.kind === TokenKind.Word ? SCALAR_TYPES[t.value] : undefined;
  if (sql === undefined) return fail(t, `Unknown type: ${t?.text ?? ''}`);
  return { sql, next: k + 1 };
}
