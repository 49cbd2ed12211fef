import { ValidationException } from '../errors';
import { positionPrefix, type Token, TokenKind } from './tokenizer';

/** Words that are always keywords (never identifiers) in the translated SQL. */
// biome-ignore format: a word list reads best packed
const HARD_KEYWORDS = new Set([
  'select', 'from', 'where', 'group', 'by', 'having', 'order', 'limit', 'offset', 'as', 'and', 'or', 'not', 'in',
  'is', 'null', 'true', 'false', 'like', 'between', 'case', 'when', 'then', 'else', 'end', 'distinct', 'all',
  'union', 'intersect', 'except', 'join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'on', 'using',
  'with', 'over', 'exists', 'any', 'some', 'asc', 'desc', 'natural', 'values', 'recursive',
]);

/** Keywords that end a SELECT list or a FROM clause. */
// biome-ignore format: a word list reads best packed
export const CLAUSE_KEYWORDS = new Set([
  'from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'window', 'fetch',
]);

/** Keywords that end one FROM item. */
// biome-ignore format: a word list reads best packed
export const JOIN_END_KEYWORDS = new Set([
  ...CLAUSE_KEYWORDS, 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using',
]);

/** Throws Timestream's ValidationException positioned at a token (or at `fallback` when it is missing). */
export const fail = (token: Token | undefined, message: string, fallback?: Token): never => {
  const at = token ?? fallback;
  throw new ValidationException(`${at ? positionPrefix(at) : ''}${message}`);
};

/**
 * Read access to a query's tokens with its parentheses matched: the questions the translation asks about
 * the token at an index (is it this word, this symbol, a keyword here?) and about balanced ranges
 * (where a clause ends, its top-level comma-separated parts, the SELECT or parenthesis group around an index).
 */
export class TokenCursor {
  /** For each parenthesis or square bracket, the index of its partner; -1 for other tokens. */
  readonly matching: Int32Array;

  constructor(readonly tokens: readonly Token[]) {
    this.matching = matchParentheses(tokens);
  }

  at(k: number): Token | undefined {
    return this.tokens[k];
  }

  isWord(k: number, word: string): boolean {
    const t = this.tokens[k];
    return t !== undefined && t.kind === TokenKind.Word && t.value === word;
  }

  isSymbol(k: number, symbol: string): boolean {
    const t = this.tokens[k];
    return t !== undefined && t.kind === TokenKind.Symbol && t.value === symbol;
  }

  /** True for a word or a quoted identifier. */
  isName(k: number): boolean {
    const t = this.tokens[k];
    return t !== undefined && (t.kind === TokenKind.Word || t.kind === TokenKind.Quoted);
  }

  /** True when the word at k is a keyword where it stands (some words are keywords only next to others). */
  isKeywordAt(k: number): boolean {
    const t = this.tokens[k];
    if (t === undefined || t.kind !== TokenKind.Word) return false;
    if (HARD_KEYWORDS.has(t.value)) return true;
    const next = this.tokens[k + 1];
    const prev = this.tokens[k - 1];
    const nextIs = (...words: string[]) => next?.kind === TokenKind.Word && words.includes(next.value);
    const prevIs = (...words: string[]) => prev?.kind === TokenKind.Word && words.includes(prev.value);
    switch (t.value) {
      case 'partition':
        return nextIs('by');
      case 'rows':
      case 'range':
        return nextIs('between', 'unbounded', 'current') || next?.kind === TokenKind.Number;
      case 'unbounded':
        return nextIs('preceding', 'following');
      case 'preceding':
      case 'following':
        return prevIs('unbounded') || prev?.kind === TokenKind.Number;
      case 'current':
        return nextIs('row');
      case 'row':
        return prevIs('current');
      case 'nulls':
        return nextIs('first', 'last');
      case 'first':
      case 'last':
        return prevIs('nulls');
      case 'filter':
        return this.isSymbol(k + 1, '(') && this.isSymbol(k - 1, ')');
      case 'escape':
        return prev?.kind === TokenKind.String;
      default:
        return false;
    }
  }

  /** Index of the first word of `stops` at this parenthesis level in [start, end), else end. */
  findClauseEnd(start: number, end: number, stops: ReadonlySet<string>): number {
    let k = start;
    while (k < end) {
      const t = this.tokens[k] as Token;
      if (t.kind === TokenKind.Symbol && (t.value === '(' || t.value === '[')) {
        k = (this.matching[k] as number) + 1;
        continue;
      }
      if (t.kind === TokenKind.Word && stops.has(t.value) && !this.isDistinctFrom(k)) return k;
      k++;
    }
    return end;
  }

  /** True for the FROM of `a IS [NOT] DISTINCT FROM b` (a comparison, not a FROM clause). */
  isDistinctFrom(k: number): boolean {
    return (
      this.isWord(k, 'from') &&
      this.isWord(k - 1, 'distinct') &&
      (this.isWord(k - 2, 'is') || this.isWord(k - 2, 'not'))
    );
  }

  /** The ranges of [start, end) between top-level separators. */
  splitTopLevel(start: number, end: number, separator: string): Array<[number, number]> {
    const parts: Array<[number, number]> = [];
    let from = start;
    let k = start;
    while (k < end) {
      if (this.isSymbol(k, '(') || this.isSymbol(k, '[')) {
        k = (this.matching[k] as number) + 1;
        continue;
      }
      if (this.isSymbol(k, separator)) {
        parts.push([from, k]);
        from = k + 1;
      }
      k++;
    }
    parts.push([from, end]);
    return parts;
  }

  /** Index of the `)` closing the parenthesis group that holds k (the token count at the top level). */
  groupEnd(k: number): number {
    let j = k;
    while (j < this.tokens.length) {
      if (this.isSymbol(j, '(')) j = (this.matching[j] as number) + 1;
      else if (this.isSymbol(j, ')')) return j;
      else j++;
    }
    return this.tokens.length;
  }

  /** Token index of the SELECT keyword at the same parenthesis level before k (-1 if none). */
  owningSelect(k: number): number {
    let depth = 0;
    for (let j = k - 1; j >= 0; j--) {
      if (this.isSymbol(j, ')')) depth++;
      else if (this.isSymbol(j, '(')) {
        if (depth === 0) return -1;
        depth--;
      } else if (depth === 0 && this.isWord(j, 'select')) return j;
    }
    return -1;
  }

  /** True when [a, b) holds only names separated by commas (a column list such as `t (a, b)`). */
  isNameList(a: number, b: number): boolean {
    if (a >= b) return false;
    for (let k = a; k < b; k++) {
      if ((k - a) % 2 === 0 ? !this.isName(k) : !this.isSymbol(k, ',')) return false;
    }
    return (b - a) % 2 === 1;
  }
}

function matchParentheses(tokens: readonly Token[]): Int32Array {
  const m = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  const partner: Readonly<Record<string, string>> = { ')': '(', ']': '[' };
  tokens.forEach((t, k) => {
    if (t.kind !== TokenKind.Symbol) return;
    if (t.value === '(' || t.value === '[') stack.push(k);
    const opening = partner[t.value];
    if (opening !== undefined) {
      const open = stack.pop();
      if (open === undefined || tokens[open]?.value !== opening) fail(t, `mismatched input '${t.value}'`);
      m[open as number] = k;
      m[k] = open as number;
    }
  });
  if (stack.length > 0) {
    const open = tokens[stack[stack.length - 1] as number];
    fail(open, `mismatched input '${open?.value}': missing '${open?.value === '[' ? ']' : ')'}'`);
  }
  return m;
}
