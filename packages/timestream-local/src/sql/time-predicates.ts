import type { TokenCursor } from './token-cursor';
import { type Token, TokenKind } from './tokenizer';

export const INTERVAL_UNITS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);
const COMPARISONS = new Set(['<', '<=', '>', '>=', '=']);

/**
 * The conjuncts `time <op> constant` / `time BETWEEN constant AND constant` (time possibly qualified) of the
 * WHERE clause in [start, end), as DuckDB SQL on `"time"` (none when the clause has a top-level OR): the rows a
 * table scan reads, for the bytes-scanned estimate. `translate` turns a range of constants into DuckDB SQL.
 */
export function timePredicates(
  cursor: TokenCursor,
  start: number,
  end: number,
  translate: (a: number, b: number) => string,
): string[] {
  const found: string[] = [];
  const conjuncts: Array<[number, number]> = [];
  let from = start;
  let k = start;
  let pendingBetween = false;
  while (k < end) {
    if (cursor.isSymbol(k, '(')) {
      k = (cursor.matching[k] as number) + 1;
      continue;
    }
    if (cursor.isWord(k, 'or')) return [];
    if (cursor.isWord(k, 'between')) pendingBetween = true;
    else if (cursor.isWord(k, 'and')) {
      if (pendingBetween) pendingBetween = false;
      else {
        conjuncts.push([from, k]);
        from = k + 1;
      }
    }
    k++;
  }
  conjuncts.push([from, end]);
  const constant = (x: number, y: number) => x < y && isConstant(cursor, x, y);
  for (const [a, b] of conjuncts) {
    let j = a;
    if (cursor.isName(j) && cursor.isSymbol(j + 1, '.')) j += 2;
    const col = cursor.at(j);
    if (col === undefined || col.value.toLowerCase() !== 'time' || col.kind === TokenKind.String) continue;
    const op = cursor.at(j + 1);
    if (op === undefined) continue;
    if (op.kind === TokenKind.Symbol && COMPARISONS.has(op.value) && constant(j + 2, b)) {
      found.push(`"time" ${op.value} ${translate(j + 2, b)}`);
    } else if (op.kind === TokenKind.Word && op.value === 'between') {
      const and = cursor.findClauseEnd(j + 2, b, new Set(['and']));
      if (constant(j + 2, and) && constant(and + 1, b)) {
        found.push(`"time" BETWEEN ${translate(j + 2, and)} AND ${translate(and + 1, b)}`);
      }
    }
  }
  return found;
}

/** True when the range holds only literals, operators and function calls (no column or subquery). */
function isConstant(cursor: TokenCursor, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const t = cursor.at(k) as Token;
    if (t.kind === TokenKind.Quoted) return false;
    if (t.kind === TokenKind.Word) {
      if (cursor.isSymbol(k + 1, '(')) continue;
      if (['interval', 'timestamp', 'date'].includes(t.value) && cursor.at(k + 1)?.kind === TokenKind.String)
        continue;
      if (INTERVAL_UNITS.has(t.value) && cursor.at(k - 1)?.kind === TokenKind.String) continue;
      if (['current_timestamp', 'null'].includes(t.value)) continue;
      return false;
    }
    if (cursor.isSymbol(k, '(') && cursor.isWord(k + 1, 'select')) return false;
  }
  return true;
}
