import { ValidationException } from '../errors';
import type { QueryCatalog, TableView } from '../storage/catalog';
import {
  KNOWN_UNSUPPORTED_FUNCTIONS,
  RENAMED_FUNCTIONS,
  SPECIAL_FUNCTIONS,
  TIME_SERIES_TIME_FIELD,
  TIME_SERIES_VALUE_FIELD,
} from './functions';
import { resolveTable } from './resolve-table';
import { quoteIdent, tableSubquery, timestampNsLiteral } from './table-columns';
import { positionPrefix, type Token, TokenKind } from './tokenizer';

/** A table of the catalog read by a query, with the time bounds found in the WHERE clause of its SELECT. */
export interface TableRead {
  readonly view: TableView;
  readonly alias: string;
  /** Visible column names the query names anywhere (lower-case), or undefined when it reads every column (`*`). */
  referencedColumns?: Set<string>;
  /** DuckDB SQL predicates on `"time"` taken from the enclosing WHERE clause (constants only). */
  readonly timePredicates: string[];
  /** token index of the SELECT whose FROM holds this table */
  readonly ownerSelect: number;
}

export interface Translation {
  readonly sql: string;
  readonly tables: readonly TableRead[];
}

/** Words that are always keywords (never identifiers) in the translated SQL. */
// biome-ignore format: a word list reads best packed
const HARD_KEYWORDS = new Set([
  'select', 'from', 'where', 'group', 'by', 'having', 'order', 'limit', 'offset', 'as', 'and', 'or', 'not', 'in',
  'is', 'null', 'true', 'false', 'like', 'between', 'case', 'when', 'then', 'else', 'end', 'distinct', 'all',
  'union', 'intersect', 'except', 'join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'on', 'using',
  'with', 'over', 'exists', 'any', 'some', 'asc', 'desc', 'natural', 'values', 'recursive',
]);

/** Keywords that end a SELECT list or a FROM clause. */
const CLAUSE_KEYWORDS = new Set([
  'from',
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'union',
  'intersect',
  'except',
  'window',
  'fetch',
]);
const JOIN_END_KEYWORDS = new Set([
  ...CLAUSE_KEYWORDS,
  'join',
  'inner',
  'left',
  'right',
  'full',
  'cross',
  'natural',
  'on',
  'using',
]);

const CAST_TYPES: Readonly<Record<string, string>> = {
  double: 'DOUBLE',
  real: 'FLOAT',
  bigint: 'BIGINT',
  integer: 'INTEGER',
  int: 'INTEGER',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  varbinary: 'BLOB',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_NS',
  date: 'DATE',
  time: 'TIME',
  decimal: 'DECIMAL',
};

const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
  day_of_month: 'day',
  day_of_week: 'isodow',
  dow: 'isodow',
  day_of_year: 'doy',
  doy: 'doy',
  year_of_week: 'isoyear',
  yow: 'isoyear',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
};

const INTERVAL_UNITS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);
const DATE_TRUNC_NANOS: Readonly<Record<string, bigint>> = {
  second: 1_000_000_000n,
  minute: 60_000_000_000n,
  hour: 3_600_000_000_000n,
  day: 86_400_000_000_000n,
};
const MEASURE_VALUE_TYPES = new Set(['double', 'bigint', 'varchar', 'boolean', 'timestamp']);

const fail = (token: Token | undefined, message: string, fallback?: Token): never => {
  const at = token ?? fallback;
  throw new ValidationException(`${at ? positionPrefix(at) : ''}${message}`);
};

/**
 * `bin(t, n)` for a bucket of n nanoseconds: buckets aligned on the Unix epoch, as Timestream's bin. Whole
 * microsecond buckets use DuckDB's time_bucket with an epoch origin (TIMESTAMP result); finer ones use
 * nanosecond arithmetic.
 */
function binSql(t: string, nanos: bigint): string {
  if (nanos <= 0n) throw new ValidationException('bin() needs a positive interval');
  if (nanos % 1000n === 0n) {
    return `time_bucket(to_microseconds(CAST(${(nanos / 1000n).toString()} AS BIGINT)), ${t}, TIMESTAMP '1970-01-01 00:00:00')`;
  }
  return `make_timestamp_ns(epoch_ns(${t}) // ${nanos.toString()} * ${nanos.toString()})`;
}

/**
 * Translates Timestream SQL tokens into DuckDB SQL over the catalog's storage tables.
 * Works on tokens and balanced parenthesis ranges: clause structure (SELECT lists, FROM items, WHERE conjuncts)
 * is recognised where the translation needs it; everything else is mapped token by token.
 */
export class Translator {
  private readonly cteNames = new Set<string>();
  private readonly tables: TableRead[] = [];
  private readonly matching: Int32Array;
  private readonly nowSql: string;
  private readonly referenced = new Set<string>();
  private starUsed = false;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly catalog: QueryCatalog,
    nowNs: bigint,
  ) {
    this.nowSql = timestampNsLiteral(nowNs);
    this.matching = this.matchParentheses();
    for (let k = 0; k + 2 < tokens.length; k++) {
      const t = tokens[k] as Token;
      if (
        (t.kind === TokenKind.Word || t.kind === TokenKind.Quoted) &&
        this.isWord(k + 1, 'as') &&
        this.isSymbol(k + 2, '(')
      ) {
        this.cteNames.add(t.value.toLowerCase());
      }
    }
  }

  translate(): Translation {
    let end = this.tokens.length;
    while (end > 0 && this.isSymbol(end - 1, ';')) end--;
    if (end === 0) fail(undefined, 'empty query: nothing to run');
    for (let k = 0; k < end; k++)
      if (this.isSymbol(k, ';')) fail(this.tokens[k], "mismatched input ';': only one statement per query");
    const sql = this.range(0, end);
    for (const t of this.tables) {
      t.referencedColumns = this.starUsed ? undefined : this.referenced;
    }
    return { sql, tables: this.tables };
  }

  private matchParentheses(): Int32Array {
    const m = new Int32Array(this.tokens.length).fill(-1);
    const stack: number[] = [];
    this.tokens.forEach((t, k) => {
      if (t.kind !== TokenKind.Symbol) return;
      if (t.value === '(') stack.push(k);
      if (t.value === ')') {
        const open = stack.pop();
        if (open === undefined) fail(t, "mismatched input ')'");
        m[open as number] = k;
        m[k] = open as number;
      }
    });
    if (stack.length > 0)
      fail(this.tokens[stack[stack.length - 1] as number], "mismatched input '(': missing ')'");
    return m;
  }

  private isWord(k: number, word: string): boolean {
    const t = this.tokens[k];
    return t !== undefined && t.kind === TokenKind.Word && t.value === word;
  }

  private isSymbol(k: number, symbol: string): boolean {
    const t = this.tokens[k];
    return t !== undefined && t.kind === TokenKind.Symbol && t.value === symbol;
  }

  private isKeywordAt(k: number): boolean {
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

  private findClauseEnd(start: number, end: number, stops: Set<string>): number {
    let k = start;
    while (k < end) {
      const t = this.tokens[k] as Token;
      if (t.kind === TokenKind.Symbol && t.value === '(') {
        k = (this.matching[k] as number) + 1;
        continue;
      }
      if (t.kind === TokenKind.Word && stops.has(t.value)) return k;
      k++;
    }
    return end;
  }

  private splitTopLevel(start: number, end: number, separator: string): Array<[number, number]> {
    const parts: Array<[number, number]> = [];
    let from = start;
    let k = start;
    while (k < end) {
      if (this.isSymbol(k, '(')) {
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

  /** Translates tokens [start, end) (balanced) to DuckDB SQL. */
  range(start: number, end: number): string {
    const out: string[] = [];
    let k = start;
    while (k < end) k = this.step(k, end, out);
    return out.join(' ');
  }

  private step(k: number, end: number, out: string[]): number {
    const t = this.tokens[k] as Token;
    switch (t.kind) {
      case TokenKind.String:
        out.push(`'${t.value.replaceAll("'", "''")}'`);
        return k + 1;
      case TokenKind.Number:
        out.push(t.text);
        return k + 1;
      case TokenKind.Duration:
        out.push(this.intervalSql(t));
        return k + 1;
      case TokenKind.Symbol:
        return this.symbol(k, end, out);
      default:
        return this.word(k, end, out);
    }
  }

  private symbol(k: number, _end: number, out: string[]): number {
    const t = this.tokens[k] as Token;
    if (t.value === '(') {
      const close = this.matching[k] as number;
      out.push(`(${this.range(k + 1, close)})`);
      return close + 1;
    }
    if (t.value === '::') fail(t, "'::' casts are not supported: write CAST(x AS type)");
    if (t.value === '?') fail(t, 'query parameters are not supported');
    if (t.value === ';') fail(t, "mismatched input ';'");
    if (t.value === '*') this.starUsed = this.starUsed || this.isStarColumn(k);
    out.push(t.value === '!=' ? '<>' : t.value);
    return k + 1;
  }

  private isStarColumn(k: number): boolean {
    const prev = this.tokens[k - 1];
    return (
      prev === undefined ||
      (prev.kind === TokenKind.Word && ['select', 'distinct', 'all'].includes(prev.value)) ||
      this.isSymbol(k - 1, ',') ||
      this.isSymbol(k - 1, '.')
    );
  }

  private word(k: number, end: number, out: string[]): number {
    const t = this.tokens[k] as Token;
    const next = this.tokens[k + 1];
    if (t.kind === TokenKind.Word) {
      switch (t.value) {
        case 'select':
          return this.selectList(k, end, out);
        case 'from':
          // `a IS [NOT] DISTINCT FROM b` is a comparison, not a FROM clause
          if (this.isWord(k - 1, 'distinct') && (this.isWord(k - 2, 'is') || this.isWord(k - 2, 'not'))) {
            out.push('FROM');
            return k + 1;
          }
          return this.fromClause(k, end, out);
        case 'join':
          out.push('JOIN');
          return this.tablePrimary(k + 1, end, out);
        case 'where':
          return this.whereClause(k, end, out);
        case 'cast':
        case 'try_cast':
          if (this.isSymbol(k + 1, '(')) return this.cast(k, out);
          break;
        case 'extract':
          if (this.isSymbol(k + 1, '(')) return this.extract(k, out);
          break;
        case 'interval':
          if (next?.kind === TokenKind.String) return this.intervalLiteral(k, out);
          break;
        case 'timestamp':
        case 'date':
        case 'time':
          if (next?.kind === TokenKind.String) {
            const type = t.value === 'timestamp' ? 'TIMESTAMP_NS' : t.value.toUpperCase();
            out.push(`CAST('${next.value.replaceAll("'", "''")}' AS ${type})`);
            return k + 2;
          }
          break;
        case 'current_timestamp':
        case 'localtimestamp':
          if (!this.isSymbol(k + 1, '(')) {
            out.push(this.nowSql);
            return k + 1;
          }
          break;
        case 'current_date':
          out.push(`CAST(${this.nowSql} AS DATE)`);
          return k + 1;
        case 'unnest':
        case 'lateral':
          fail(t, `'${t.text}' is not supported`);
          break;
        default:
          break;
      }
      if (this.isKeywordAt(k)) {
        out.push(t.value.toUpperCase());
        return k + 1;
      }
      if (this.isSymbol(k + 1, '(')) return this.functionCall(k, out);
    }
    return this.columnReference(k, out);
  }

  /** identifier, qualified name `a.b`, `measure_value::double`, `t.*` */
  private columnReference(k: number, out: string[]): number {
    const parts: string[] = [];
    let j = k;
    for (;;) {
      const t = this.tokens[j] as Token;
      if (t.kind === TokenKind.Word && t.value === 'measure_value' && this.isSymbol(j + 1, '::')) {
        const type = this.tokens[j + 2];
        if (type === undefined || type.kind !== TokenKind.Word || !MEASURE_VALUE_TYPES.has(type.value)) {
          fail(type, `Column 'measure_value::${type?.text ?? ''}' cannot be resolved`, t);
        }
        const name = `measure_value::${(type as Token).value}`;
        parts.push(quoteIdent(name));
        this.referenced.add(name);
        j += 3;
        break;
      }
      if (t.kind === TokenKind.Symbol && t.value === '*') {
        this.starUsed = true;
        parts.push('*');
        j++;
        break;
      }
      if (t.kind !== TokenKind.Word && t.kind !== TokenKind.Quoted) fail(t, `mismatched input '${t.text}'`);
      parts.push(quoteIdent(t.kind === TokenKind.Word ? t.text : t.value));
      this.referenced.add(t.value.toLowerCase());
      j++;
      if (this.isSymbol(j, '.') && this.tokens[j + 1] !== undefined) {
        j++;
        continue;
      }
      break;
    }
    out.push(parts.join('.'));
    return j;
  }

  private selectList(k: number, end: number, out: string[]): number {
    out.push('SELECT');
    let j = k + 1;
    if (this.isWord(j, 'distinct') || this.isWord(j, 'all')) {
      out.push((this.tokens[j] as Token).value.toUpperCase());
      j++;
    }
    const listEnd = this.findClauseEnd(j, end, CLAUSE_KEYWORDS);
    if (listEnd === j) fail(this.tokens[j] ?? this.tokens[k], 'SELECT needs at least one expression');
    const items = this.splitTopLevel(j, listEnd, ',').map(([a, b], index) => {
      if (a === b) fail(this.tokens[a] ?? this.tokens[a - 1], 'empty expression in SELECT list');
      const sql = this.range(a, b);
      return this.needsGeneratedName(a, b) ? `${sql} AS "_col${index}"` : sql;
    });
    out.push(items.join(', '));
    return listEnd;
  }

  /** True when a SELECT item is an expression without alias (Timestream names such columns _col<N>). */
  private needsGeneratedName(a: number, b: number): boolean {
    const n = b - a;
    const last = this.tokens[b - 1] as Token;
    const prev = this.tokens[b - 2];
    const isName = (t: Token | undefined, at: number) =>
      t !== undefined &&
      (t.kind === TokenKind.Quoted || (t.kind === TokenKind.Word && !this.isKeywordAt(at)));
    if (n >= 2 && this.isWord(b - 2, 'as')) return false;
    const intervalUnit = prev?.kind === TokenKind.String && this.isWord(b - 3, 'interval');
    if (n >= 2 && isName(last, b - 1) && prev !== undefined && !intervalUnit) {
      const prevIsOperand =
        prev.kind === TokenKind.Number ||
        prev.kind === TokenKind.String ||
        prev.kind === TokenKind.Duration ||
        prev.kind === TokenKind.Quoted ||
        (prev.kind === TokenKind.Symbol && (prev.value === ')' || prev.value === '*')) ||
        (prev.kind === TokenKind.Word &&
          (!this.isKeywordAt(b - 2) || ['end', 'null', 'true', 'false'].includes(prev.value)));
      if (prevIsOperand) return false;
    }
    // plain column references keep their own name
    let j = a;
    for (;;) {
      const t = this.tokens[j];
      if (t === undefined || j >= b) return true;
      if (t.kind === TokenKind.Word && t.value === 'measure_value' && this.isSymbol(j + 1, '::'))
        return j + 3 !== b;
      if (t.kind === TokenKind.Symbol && t.value === '*') return j + 1 !== b;
      if (!isName(t, j)) return true;
      if (j + 1 === b) return false;
      if (!this.isSymbol(j + 1, '.')) return true;
      j += 2;
    }
  }

  private fromClause(k: number, end: number, out: string[]): number {
    out.push('FROM');
    let j = this.tablePrimary(k + 1, end, out);
    const clauseEnd = this.findClauseEnd(j, end, JOIN_END_KEYWORDS);
    // the rest of this FROM item (alias etc.), then further comma-separated items
    while (j < clauseEnd) {
      if (this.isSymbol(j, ',')) {
        out.push(',');
        j = this.tablePrimary(j + 1, end, out);
        continue;
      }
      j = this.step(j, end, out);
    }
    return j;
  }

  private tablePrimary(k: number, end: number, out: string[]): number {
    const t = this.tokens[k];
    if (t === undefined || k >= end) return fail(this.tokens[k - 1], 'a table or subquery must follow');
    if (t.kind === TokenKind.Symbol && t.value === '(') {
      const close = this.matching[k] as number;
      out.push(`(${this.range(k + 1, close)})`);
      return close + 1;
    }
    if (t.kind === TokenKind.Word && (t.value === 'unnest' || t.value === 'lateral'))
      fail(t, `'${t.text}' is not supported`);
    if (t.kind !== TokenKind.Word && t.kind !== TokenKind.Quoted)
      return fail(t, `mismatched input '${t.text}': expected a table name`);
    const parts: Token[] = [t];
    let j = k + 1;
    while (this.isSymbol(j, '.') && j + 1 < end) {
      const p = this.tokens[j + 1] as Token;
      if (p.kind !== TokenKind.Word && p.kind !== TokenKind.Quoted)
        fail(p, `mismatched input '${p.text}': expected a table name`);
      parts.push(p);
      j += 2;
    }
    if (parts.length === 1 && this.cteNames.has(t.value.toLowerCase())) {
      out.push(quoteIdent(t.value));
      return j;
    }
    const view = resolveTable(this.catalog, parts);
    let alias = view.table;
    if (this.isWord(j, 'as') && j + 1 < end) {
      alias = (this.tokens[j + 1] as Token).value;
      j += 2;
    } else {
      const a = this.tokens[j];
      if (
        j < end &&
        a !== undefined &&
        (a.kind === TokenKind.Quoted ||
          (a.kind === TokenKind.Word && !this.isKeywordAt(j) && !JOIN_END_KEYWORDS.has(a.value)))
      ) {
        alias = a.value;
        j++;
      }
    }
    this.tables.push({ view, alias, timePredicates: [], ownerSelect: this.owningSelect(k) });
    out.push(`${tableSubquery(view)} AS ${quoteIdent(alias)}`);
    return j;
  }

  /** WHERE: translated as is; constant bounds on `time` are noted for the tables of this SELECT (bytes scanned). */
  private whereClause(k: number, end: number, out: string[]): number {
    out.push('WHERE');
    const clauseEnd = this.findClauseEnd(k + 1, end, CLAUSE_KEYWORDS);
    out.push(this.range(k + 1, clauseEnd));
    const owner = this.owningSelect(k);
    const blockTables = this.tables.filter((t) => t.ownerSelect === owner);
    if (blockTables.length > 0) {
      const predicates = this.timePredicates(k + 1, clauseEnd);
      for (const table of blockTables) table.timePredicates.push(...predicates);
    }
    return clauseEnd;
  }

  /** Token index of the SELECT keyword at the same parenthesis level before k (-1 if none). */
  private owningSelect(k: number): number {
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

  /** Conjuncts `time <op> const` / `time BETWEEN const AND const` (time possibly qualified), as DuckDB SQL. */
  private timePredicates(start: number, end: number): string[] {
    const found: string[] = [];
    const conjuncts: Array<[number, number]> = [];
    let from = start;
    let k = start;
    let pendingBetween = false;
    while (k < end) {
      if (this.isSymbol(k, '(')) {
        k = (this.matching[k] as number) + 1;
        continue;
      }
      if (this.isWord(k, 'or')) return [];
      if (this.isWord(k, 'between')) pendingBetween = true;
      else if (this.isWord(k, 'and')) {
        if (pendingBetween) pendingBetween = false;
        else {
          conjuncts.push([from, k]);
          from = k + 1;
        }
      }
      k++;
    }
    conjuncts.push([from, end]);
    for (const [a, b] of conjuncts) {
      let j = a;
      if (
        (this.tokens[j]?.kind === TokenKind.Word || this.tokens[j]?.kind === TokenKind.Quoted) &&
        this.isSymbol(j + 1, '.')
      )
        j += 2;
      const col = this.tokens[j];
      if (col === undefined || col.value.toLowerCase() !== 'time' || col.kind === TokenKind.String) continue;
      const op = this.tokens[j + 1];
      if (op === undefined) continue;
      const constant = (x: number, y: number) => this.isConstant(x, y) && x < y;
      if (
        op.kind === TokenKind.Symbol &&
        ['<', '<=', '>', '>=', '='].includes(op.value) &&
        constant(j + 2, b)
      ) {
        found.push(`"time" ${op.value} ${this.subTranslate(j + 2, b)}`);
      } else if (op.kind === TokenKind.Word && op.value === 'between') {
        const and = this.findClauseEnd(j + 2, b, new Set(['and']));
        if (constant(j + 2, and) && constant(and + 1, b)) {
          found.push(`"time" BETWEEN ${this.subTranslate(j + 2, and)} AND ${this.subTranslate(and + 1, b)}`);
        }
      }
    }
    return found;
  }

  /** Translates a range without recording tables or columns (used for predicates reused by bytes scanned). */
  private subTranslate(a: number, b: number): string {
    const tables = this.tables.length;
    const sql = this.range(a, b);
    this.tables.length = tables;
    return sql;
  }

  /** True when the range holds only literals, operators and function calls (no column or subquery). */
  private isConstant(a: number, b: number): boolean {
    for (let k = a; k < b; k++) {
      const t = this.tokens[k] as Token;
      if (t.kind === TokenKind.Quoted) return false;
      if (t.kind === TokenKind.Word) {
        if (this.isSymbol(k + 1, '(')) continue;
        if (
          ['interval', 'timestamp', 'date'].includes(t.value) &&
          this.tokens[k + 1]?.kind === TokenKind.String
        )
          continue;
        if (INTERVAL_UNITS.has(t.value) && this.tokens[k - 1]?.kind === TokenKind.String) continue;
        if (['current_timestamp', 'null'].includes(t.value)) continue;
        return false;
      }
      if (this.isSymbol(k, '(') && this.isWord(k + 1, 'select')) return false;
    }
    return true;
  }

  private intervalSql(t: Token): string {
    const nanos = t.nanos as bigint;
    if (nanos % 1000n !== 0n)
      fail(t, `duration '${t.text}' is finer than a microsecond: only bin() accepts such durations`);
    return `to_microseconds(CAST(${(nanos / 1000n).toString()} AS BIGINT))`;
  }

  private intervalLiteral(k: number, out: string[]): number {
    const value = this.tokens[k + 1] as Token;
    const unit = this.tokens[k + 2];
    if (unit === undefined || unit.kind !== TokenKind.Word || !INTERVAL_UNITS.has(unit.value)) {
      return fail(
        unit,
        `INTERVAL '${value.value}' needs a unit: YEAR, MONTH, DAY, HOUR, MINUTE or SECOND`,
        value,
      );
    }
    if (this.isWord(k + 3, 'to'))
      fail(
        this.tokens[k + 3],
        `INTERVAL ... ${unit.text.toUpperCase()} TO ... is not supported: write INTERVAL 'n' ${unit.text.toUpperCase()}`,
      );
    if (!/^\s*-?\d+(\.\d+)?\s*$/.test(value.value)) fail(value, `invalid INTERVAL value '${value.value}'`);
    out.push(`INTERVAL '${value.value.trim()}' ${unit.value.toUpperCase()}`);
    return k + 3;
  }

  private cast(k: number, out: string[]): number {
    const open = k + 1;
    const close = this.matching[open] as number;
    const as = this.findClauseEnd(open + 1, close, new Set(['as']));
    if (as >= close) fail(this.tokens[k], `${(this.tokens[k] as Token).text.toUpperCase()} needs 'AS type'`);
    const typeToken = this.tokens[as + 1];
    const type = typeToken?.kind === TokenKind.Word ? CAST_TYPES[typeToken.value] : undefined;
    if (type === undefined) return fail(typeToken, `Unknown type: ${typeToken?.text ?? ''}`, this.tokens[as]);
    let typeSql = type;
    let j = as + 2;
    if (this.isSymbol(j, '(')) {
      const typeClose = this.matching[j] as number;
      // varchar(n) / decimal(p, s): keep the precision where DuckDB has one
      if (type === 'DECIMAL')
        typeSql = `DECIMAL${this.tokens
          .slice(j, typeClose + 1)
          .map((t) => t.text)
          .join('')}`;
      j = typeClose + 1;
    }
    if (j !== close) fail(this.tokens[j], `mismatched input '${(this.tokens[j] as Token).text}' in CAST`);
    const fn = (this.tokens[k] as Token).value === 'try_cast' ? 'TRY_CAST' : 'CAST';
    out.push(`${fn}(${this.range(open + 1, as)} AS ${typeSql})`);
    return close + 1;
  }

  private extract(k: number, out: string[]): number {
    const open = k + 1;
    const close = this.matching[open] as number;
    const field = this.tokens[open + 1];
    if (field === undefined || field.kind !== TokenKind.Word || !this.isWord(open + 2, 'from')) {
      return fail(field, 'EXTRACT needs (field FROM expression)', this.tokens[k]);
    }
    const expr = this.range(open + 3, close);
    if (field.value === 'millisecond') {
      out.push(`(millisecond(${expr}) % 1000)`);
      return close + 1;
    }
    const mapped = EXTRACT_FIELDS[field.value];
    if (mapped === undefined) fail(field, `Invalid EXTRACT field: ${field.text}`);
    out.push(`extract(${mapped} FROM ${expr})`);
    return close + 1;
  }

  private functionCall(k: number, out: string[]): number {
    const nameToken = this.tokens[k] as Token;
    const name = nameToken.value;
    const open = k + 1;
    const close = this.matching[open] as number;
    const argRanges = open + 1 === close ? [] : this.splitTopLevel(open + 1, close, ',');
    const arg = (index: number) => {
      const r = argRanges[index];
      if (r === undefined) return fail(nameToken, `Function '${nameToken.text}' expects more arguments`);
      return `(${this.range(r[0], r[1])})`;
    };
    const arity = (...allowed: number[]) => {
      if (!allowed.includes(argRanges.length)) {
        fail(
          nameToken,
          `Unexpected parameters for function '${nameToken.text}': expected ${allowed.join(' or ')} argument(s), got ${argRanges.length}`,
        );
      }
    };
    const single = (index: number): Token | undefined => {
      const r = argRanges[index];
      return r !== undefined && r[1] - r[0] === 1 ? this.tokens[r[0]] : undefined;
    };
    if (SPECIAL_FUNCTIONS.has(name)) {
      switch (name) {
        case 'now':
        case 'current_timestamp':
          arity(0);
          out.push(this.nowSql);
          break;
        case 'ago':
          arity(1);
          out.push(`(${this.nowSql} - ${arg(0)})`);
          break;
        case 'bin': {
          arity(2);
          const d = single(1);
          out.push(
            d?.kind === TokenKind.Duration
              ? binSql(arg(0), d.nanos as bigint)
              : `time_bucket(${arg(1)}, ${arg(0)}, TIMESTAMP '1970-01-01 00:00:00')`,
          );
          break;
        }
        case 'date_trunc': {
          arity(2);
          const unit = single(0);
          const nanos =
            unit?.kind === TokenKind.String ? DATE_TRUNC_NANOS[unit.value.toLowerCase()] : undefined;
          out.push(nanos !== undefined ? binSql(arg(1), nanos) : `date_trunc(${arg(0)}, ${arg(1)})`);
          break;
        }
        case 'if':
          arity(2, 3);
          out.push(
            `(CASE WHEN ${arg(0)} THEN ${arg(1)} ELSE ${argRanges.length === 3 ? arg(2) : 'NULL'} END)`,
          );
          break;
        case 'approx_percentile':
          if (argRanges.length !== 2)
            fail(nameToken, `Function 'approx_percentile' is supported with (value, percentage) only`);
          out.push(`quantile_disc(${arg(0)}, ${arg(1)})`);
          break;
        case 'from_milliseconds':
          arity(1);
          out.push(`make_timestamp_ns(CAST(${arg(0)} AS BIGINT) * 1000000)`);
          break;
        case 'from_nanoseconds':
          arity(1);
          out.push(`make_timestamp_ns(CAST(${arg(0)} AS BIGINT))`);
          break;
        case 'from_unixtime':
          arity(1);
          out.push(`make_timestamp_ns(CAST(round(CAST(${arg(0)} AS DOUBLE) * 1000000000.0) AS BIGINT))`);
          break;
        case 'to_unixtime':
          arity(1);
          out.push(`(epoch_ns(${arg(0)}) / 1000000000.0)`);
          break;
        case 'from_iso8601_timestamp':
          arity(1);
          out.push(`CAST(timezone('UTC', CAST(${arg(0)} AS TIMESTAMPTZ)) AS TIMESTAMP_NS)`);
          break;
        case 'from_iso8601_date':
          arity(1);
          out.push(`CAST(${arg(0)} AS DATE)`);
          break;
        case 'to_iso8601': {
          arity(1);
          const t = arg(0);
          out.push(
            `(strftime(${t}, '%Y-%m-%dT%H:%M:%S.') || lpad(CAST(((epoch_ns(${t}) % 1000000000) + 1000000000) % 1000000000 AS VARCHAR), 9, '0') || 'Z')`,
          );
          break;
        }
        case 'millisecond':
          arity(1);
          out.push(`(millisecond(${arg(0)}) % 1000)`);
          break;
        case 'date':
          arity(1);
          out.push(`CAST(${arg(0)} AS DATE)`);
          break;
        case 'concat':
          if (argRanges.length < 1) arity(1);
          out.push(`(${argRanges.map((_, i) => `CAST(${arg(i)} AS VARCHAR)`).join(' || ')})`);
          break;
        case 'greatest':
        case 'least': {
          if (argRanges.length < 1) arity(1);
          const all = argRanges.map((_, i) => arg(i));
          out.push(
            `(CASE WHEN ${all.map((a) => `${a} IS NULL`).join(' OR ')} THEN NULL ELSE ${name}(${all.join(', ')}) END)`,
          );
          break;
        }
        case 'create_time_series': {
          arity(2);
          const t = arg(0);
          out.push(
            `list(struct_pack(${TIME_SERIES_TIME_FIELD} := ${t}, ${TIME_SERIES_VALUE_FIELD} := ${arg(1)}) ORDER BY ${t})`,
          );
          break;
        }
      }
      return close + 1;
    }
    const renamed = RENAMED_FUNCTIONS[name];
    if (renamed === undefined) {
      if (KNOWN_UNSUPPORTED_FUNCTIONS.has(name))
        fail(nameToken, `Function '${nameToken.text}' is not supported by the local Timestream`);
      fail(nameToken, `Function '${nameToken.text}' is not supported`);
    }
    out.push(`${renamed}(${open + 1 === close ? '' : this.range(open + 1, close)})`);
    return close + 1;
  }
}
