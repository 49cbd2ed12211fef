import type { QueryCatalog, TableView } from '../storage/catalog';
import {
  arrayConstructor,
  compositeType,
  type SyntaxContext,
  subscript,
  unnestRelation,
  valuesList,
} from './array-syntax';
import {
  DATE_RESULT_FUNCTIONS,
  dateArithmeticSql,
  isDateExpression,
  timestampLiteralSql,
  timestampPlusNanosSql,
} from './datetime-functions';
import { KNOWN_UNSUPPORTED_FUNCTIONS, RENAMED_FUNCTIONS } from './functions';
import { lambdaAt } from './lambda-syntax';
import { resolveTable } from './resolve-table';
import { type FunctionCall, SPECIAL_FUNCTIONS } from './special-functions';
import { quoteIdent, tableSubquery, timestampNsLiteral } from './table-columns';
import { INTERVAL_UNITS, timePredicates } from './time-predicates';
import { CLAUSE_KEYWORDS, fail, JOIN_END_KEYWORDS, TokenCursor } from './token-cursor';
import { type Token, TokenKind } from './tokenizer';

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

/** Above this many characters of operands, a division is not repeated to tell its type (see divisor). */
const MAX_DIVISION_OPERANDS_SQL = 4000;

const MEASURE_VALUE_TYPES = new Set(['double', 'bigint', 'varchar', 'boolean', 'timestamp']);

/** A query named in a WITH clause. */
interface WithQuery {
  /** its name, lower-case (names are case-insensitive) */
  readonly name: string;
  /** its name in the DuckDB SQL */
  readonly sqlName: string;
  /** end (exclusive token index) of the range where its name is visible */
  readonly scopeEnd: number;
}

/**
 * Translates Timestream SQL tokens into DuckDB SQL over the catalog's storage tables.
 * Works on tokens and balanced parenthesis ranges: clause structure (SELECT lists, FROM items, WHERE conjuncts)
 * is recognised where the translation needs it; everything else is mapped token by token.
 */
export class Translator {
  private readonly c: TokenCursor;
  private readonly tokens: readonly Token[];
  /** WITH queries by the token index of their name */
  private readonly withQueries = new Map<number, WithQuery>();
  private readonly tables: TableRead[] = [];
  private readonly nowSql: string;
  private readonly referenced = new Set<string>();
  private starUsed = false;
  /** what array-syntax.ts needs of this translator */
  private readonly syntax: SyntaxContext;
  /** per output list, where in it the translation of each token that began a step starts (see divisor) */
  private readonly stepMarks = new WeakMap<string[], Map<number, number>>();

  constructor(
    tokens: readonly Token[],
    private readonly catalog: QueryCatalog,
    nowNs: bigint,
  ) {
    this.tokens = tokens;
    this.c = new TokenCursor(tokens);
    this.nowSql = timestampNsLiteral(nowNs);
    this.syntax = { c: this.c, range: (a, b) => this.range(a, b) };
  }

  translate(): Translation {
    let end = this.tokens.length;
    while (end > 0 && this.c.isSymbol(end - 1, ';')) end--;
    if (end === 0) fail(undefined, 'empty query: nothing to run');
    for (let k = 0; k < end; k++)
      if (this.c.isSymbol(k, ';')) fail(this.tokens[k], "mismatched input ';': only one statement per query");
    for (let k = 0; k < end; k++) {
      if (this.c.isWord(k, 'with') && (k === 0 || this.c.isSymbol(k - 1, '('))) this.readWithClause(k);
    }
    const sql = this.range(0, end);
    for (const t of this.tables) {
      t.referencedColumns = this.starUsed ? undefined : this.referenced;
    }
    return { sql, tables: this.tables };
  }

  /**
   * Notes the WITH queries of the clause at k: `WITH [RECURSIVE] name [(columns)] AS (query), ...` followed by
   * the query that uses them. Each is visible from its own name to the end of the parenthesis group of the
   * WITH; in DuckDB each is named `__ts_with_<token index>`, so a name it cannot see there is no file,
   * table or function of DuckDB's either.
   */
  private readWithClause(k: number): void {
    const scopeEnd = this.c.groupEnd(k);
    let j = this.c.isWord(k + 1, 'recursive') ? k + 2 : k + 1;
    for (;;) {
      const name = this.tokens[j];
      if (name === undefined || !this.c.isName(j) || this.c.isKeywordAt(j))
        fail(
          name,
          `mismatched input '${name?.text ?? ''}': expected the name of a WITH query`,
          this.tokens[j - 1],
        );
      const nameAt = j;
      j++;
      if (this.c.isSymbol(j, '(')) {
        const close = this.c.matching[j] as number;
        if (!this.c.isNameList(j + 1, close))
          fail(
            this.tokens[j + 1],
            `the columns of WITH query '${name?.text}' must be names separated by commas`,
          );
        j = close + 1;
      }
      if (!this.c.isWord(j, 'as') || !this.c.isSymbol(j + 1, '('))
        fail(this.tokens[j], `mismatched input '${this.tokens[j]?.text ?? ''}': expected AS (query)`, name);
      this.withQueries.set(nameAt, {
        name: (name as Token).value.toLowerCase(),
        sqlName: quoteIdent(`__ts_with_${nameAt}`),
        scopeEnd,
      });
      j = (this.c.matching[j + 1] as number) + 1;
      if (!this.c.isSymbol(j, ',')) break;
      j++;
    }
    if (!this.c.isWord(j, 'select') && !this.c.isSymbol(j, '(')) {
      const body = this.tokens[j];
      fail(
        body,
        `Statement '${body?.text.toUpperCase() ?? ''}' is not supported after WITH: only SELECT`,
        this.tokens[j - 1],
      );
    }
  }

  /** The WITH query a one-part FROM name at k refers to (the innermost one visible there), if any. */
  private withQueryAt(k: number, name: string): WithQuery | undefined {
    let found: WithQuery | undefined;
    let foundAt = -1;
    for (const [at, q] of this.withQueries) {
      if (q.name === name && at <= k && k < q.scopeEnd && at > foundAt) {
        found = q;
        foundAt = at;
      }
    }
    return found;
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
    let marks = this.stepMarks.get(out);
    if (marks === undefined) {
      marks = new Map();
      this.stepMarks.set(out, marks);
    }
    marks.set(k, out.length);
    switch (t.kind) {
      case TokenKind.String:
        out.push(`'${t.value.replaceAll("'", "''")}'`);
        return k + 1;
      case TokenKind.Number:
        out.push(t.text);
        return k + 1;
      case TokenKind.Duration:
        if ((t.nanos as bigint) % 1000n !== 0n && this.nanosecondArithmetic(k, out)) return k + 1;
        out.push(this.intervalSql(t));
        return k + 1;
      case TokenKind.Symbol:
        return this.symbol(k, end, out);
      default:
        return this.word(k, end, out);
    }
  }

  private symbol(k: number, end: number, out: string[]): number {
    const t = this.tokens[k] as Token;
    if (t.value === '(') {
      this.refuseCallOnName(k);
      const close = this.c.matching[k] as number;
      out.push(`(${this.range(k + 1, close)})`);
      return close + 1;
    }
    if (t.value === '[') return subscript(this.syntax, k, out);
    if (t.value === '->')
      fail(t, "'->' is only valid in a lambda argument, such as filter(array, x -> x > 0)");
    if (t.value === '::') fail(t, "'::' casts are not supported: write CAST(x AS type)");
    if (t.value === '?') fail(t, 'query parameters are not supported');
    if (t.value === ';') fail(t, "mismatched input ';'");
    if (t.value === '*') this.starUsed = this.starUsed || this.isStarColumn(k);
    if (t.value === '/' || t.value === '%') return this.divisor(k, end, out);
    out.push(t.value === '!=' ? '<>' : t.value);
    return k + 1;
  }

  /**
   * `/` or `%` and its right operand. Integer division by zero is an error in Timestream (DuckDB answers NULL);
   * the error is a failing cast, which TRY(...) turns into NULL as Timestream's TRY does. A floating point
   * division by zero is IEEE's Infinity, -Infinity or NaN (Timestream's double is IEEE 754, as Trino's): x / ±0
   * is x times ±Infinity, x % 0 is NaN (DuckDB's integer_division mode, which the engine sets, answers NULL).
   * Which one applies is the type of the division, so the left operand (the product chain before the operator,
   * already translated) is taken back out of `out`; DuckDB folds `typeof(l / r)` when it plans the query, so
   * only the branch of the division's type is left, and `cast_to_type` keeps that type (a REAL stays a REAL).
   * When the left operand cannot be told apart, or the expression would grow too long (each division repeats
   * its operands), any zero divisor is refused (never another answer).
   */
  private divisor(k: number, end: number, out: string[]): number {
    const operandEnd = this.operandEnd(k + 1, end);
    if (operandEnd === k + 1)
      fail(
        this.tokens[k + 1] ?? this.tokens[k],
        `mismatched input after '${(this.tokens[k] as Token).text}'`,
      );
    const op = (this.tokens[k] as Token).value;
    const r = `(${this.range(k + 1, operandEnd)})`;
    const raise = (message: string) => `CAST('__ts_error: ${message}' AS INTEGER)`;
    const zero = raise('Division by zero');
    const leftStart = this.leftOperandStart(k);
    const from = leftStart === undefined ? undefined : this.stepMarks.get(out)?.get(leftStart);
    const l = from === undefined || from >= out.length ? undefined : `(${out.slice(from).join(' ')})`;
    if (l === undefined || l.length + r.length > MAX_DIVISION_OPERANDS_SQL) {
      out.push(op, `(CASE WHEN ${r} = 0 THEN ${zero} ELSE ${r} END)`);
      return operandEnd;
    }
    out.splice(from as number);
    const division = `${l} ${op} ${r}`;
    const type = `typeof(${division})`;
    const ieee =
      op === '/'
        ? `${l} * (CASE WHEN signbit(CAST(${r} AS DOUBLE)) THEN '-Infinity'::DOUBLE ELSE 'Infinity'::DOUBLE END)`
        : `'NaN'::DOUBLE`;
    const byZero =
      `CASE WHEN ${type} IN ('DOUBLE', 'FLOAT') THEN cast_to_type(${ieee}, ${division}) ` +
      // a decimal literal is a double in Timestream, but DuckDB's DECIMAL has no NaN
      `WHEN ${type} LIKE 'DECIMAL%' THEN ${raise('% by zero of a number written without an exponent is not supported by the local Timestream: write it as a double (7.5e0)')} ` +
      `ELSE ${zero} END`;
    out.push(`(CASE WHEN ${r} = 0 AND ${l} IS NOT NULL THEN ${byZero} ELSE ${division} END)`);
    return operandEnd;
  }

  /**
   * The first token of the left operand of the `/` or `%` at k: the primaries joined by `*`, `/` and `%` before
   * it (unary signs left out: they change no type). Undefined when a primary there is not one this can read.
   */
  private leftOperandStart(k: number): number | undefined {
    let j = k - 1;
    for (;;) {
      const start = this.primaryStart(j);
      if (start === undefined) return undefined;
      if (!['*', '/', '%'].some((s) => this.c.isSymbol(start - 1, s))) return start;
      j = start - 2;
    }
  }

  /** The first token of the primary expression ending at token j (inclusive), if it is one of the usual forms. */
  private primaryStart(j: number): number | undefined {
    const t = this.tokens[j];
    if (t === undefined) return undefined;
    const dotted = (a: number) => {
      let b = a;
      while (this.c.isSymbol(b - 1, '.') && this.c.isName(b - 2)) b -= 2;
      return b;
    };
    if (this.c.isSymbol(j, ')')) {
      const open = this.c.matching[j] as number;
      if (this.c.isWord(open - 1, 'over') || this.c.isWord(open - 1, 'filter'))
        return this.primaryStart(open - 2);
      if (this.c.isName(open - 1) && !this.c.isKeywordAt(open - 1)) return dotted(open - 1);
      if (['cast', 'try_cast', 'extract', 'position'].some((w) => this.c.isWord(open - 1, w)))
        return open - 1;
      return open;
    }
    if (this.c.isSymbol(j, ']')) {
      const open = this.c.matching[j] as number;
      if (this.c.isWord(open - 1, 'array')) return open - 1;
      return this.primaryStart(open - 1);
    }
    if (this.c.isWord(j, 'end')) {
      let depth = 0;
      for (let i = j; i >= 0; i--) {
        if (this.c.isWord(i, 'end')) depth++;
        else if (this.c.isWord(i, 'case') && --depth === 0) return i;
      }
      return undefined;
    }
    if (t.kind === TokenKind.String) {
      const before = this.tokens[j - 1];
      const typed = before?.kind === TokenKind.Word && ['timestamp', 'date', 'time'].includes(before.value);
      return typed ? j - 1 : j;
    }
    if (t.kind === TokenKind.Number || t.kind === TokenKind.Duration) return j;
    if (this.c.isSymbol(j - 1, '::') && this.c.isWord(j - 2, 'measure_value')) return j - 2;
    if (this.c.isName(j) && !this.c.isKeywordAt(j)) return dotted(j);
    return undefined;
  }

  /** The end (exclusive) of the primary expression at j, with its unary signs: what `/` or `%` applies to. */
  private operandEnd(start: number, end: number): number {
    let j = start;
    while (j < end && (this.c.isSymbol(j, '-') || this.c.isSymbol(j, '+'))) j++;
    const t = this.tokens[j];
    if (t === undefined || j >= end) return start;
    if (this.c.isSymbol(j, '(')) j = (this.c.matching[j] as number) + 1;
    else if (this.c.isWord(j, 'case')) {
      let depth = 0;
      for (; j < end; j++) {
        if (this.c.isWord(j, 'case')) depth++;
        else if (this.c.isWord(j, 'end') && --depth === 0) break;
      }
      j++;
    } else if (
      ['interval', 'date', 'timestamp', 'time'].includes(t.value) &&
      this.tokens[j + 1]?.kind === TokenKind.String
    ) {
      j += t.value === 'interval' ? 3 : 2;
    } else if (t.kind === TokenKind.Word || t.kind === TokenKind.Quoted) {
      if (this.c.isWord(j, 'measure_value') && this.c.isSymbol(j + 1, '::')) j += 3;
      else {
        j++;
        while (this.c.isSymbol(j, '.') && this.c.isName(j + 1)) j += 2;
        if (this.c.isSymbol(j, '(')) j = (this.c.matching[j] as number) + 1;
      }
    } else j++;
    while (this.c.isSymbol(j, '[')) {
      while (j < end && !this.c.isSymbol(j, ']')) j++;
      j++;
    }
    return Math.min(j, end);
  }

  /**
   * A `(` right after a name that no construct took (a WITH query or a table named in FROM, `a.b`, a quoted
   * name): a call of something that is not a Timestream function, such as a DuckDB table function. Refused,
   * naming it.
   */
  private refuseCallOnName(open: number): void {
    if (!this.c.isName(open - 1) || this.c.isKeywordAt(open - 1)) return;
    let first = open - 1;
    while (this.c.isSymbol(first - 1, '.') && this.c.isName(first - 2)) first -= 2;
    const name = this.dottedName(first, open);
    fail(
      this.tokens[first],
      `'${name}' is not a Timestream function: only the functions of Timestream's SQL can be called, and tables are named "database"."table" or by a WITH query, never called`,
    );
  }

  /** The names of [a, b) joined by dots, as written (without quotes). */
  private dottedName(a: number, b: number): string {
    return this.tokens
      .slice(a, b)
      .filter((t) => t.kind !== TokenKind.Symbol)
      .map((t) => t.value)
      .join('.');
  }

  private isStarColumn(k: number): boolean {
    const prev = this.tokens[k - 1];
    return (
      prev === undefined ||
      (prev.kind === TokenKind.Word && ['select', 'distinct', 'all'].includes(prev.value)) ||
      this.c.isSymbol(k - 1, ',') ||
      this.c.isSymbol(k - 1, '.')
    );
  }

  private word(k: number, end: number, out: string[]): number {
    const t = this.tokens[k] as Token;
    const next = this.tokens[k + 1];
    const withQuery = this.withQueries.get(k);
    if (withQuery !== undefined) return this.withQueryName(k, withQuery, out);
    if (t.kind === TokenKind.Quoted && this.c.isSymbol(k + 1, '(')) return this.functionCall(k, out);
    if (t.kind === TokenKind.Word) {
      switch (t.value) {
        case 'select':
          return this.selectList(k, end, out);
        case 'from':
          // `a IS [NOT] DISTINCT FROM b` is a comparison, not a FROM clause
          if (this.c.isDistinctFrom(k)) {
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
          if (this.c.isSymbol(k + 1, '(')) return this.cast(k, out);
          break;
        case 'extract':
          if (this.c.isSymbol(k + 1, '(')) return this.extract(k, out);
          break;
        case 'interval':
          if (next?.kind === TokenKind.String) return this.intervalLiteral(k, out);
          break;
        case 'timestamp':
        case 'date':
        case 'time':
          if (next?.kind === TokenKind.String) {
            const type = t.value === 'timestamp' ? 'TIMESTAMP_NS' : t.value.toUpperCase();
            const literal = `CAST('${next.value.replaceAll("'", "''")}' AS ${type})`;
            if (type === 'DATE') return this.dateOperand(literal, k + 2, out);
            out.push(literal);
            return k + 2;
          }
          break;
        case 'current_timestamp':
        case 'localtimestamp':
          if (!this.c.isSymbol(k + 1, '(')) {
            out.push(this.nowSql);
            return k + 1;
          }
          break;
        case 'current_date':
          return this.dateOperand(`CAST(${this.nowSql} AS DATE)`, k + 1, out);
        case 'current_time':
        case 'localtime':
          if (!this.c.isSymbol(k + 1, '(')) {
            out.push(`CAST(${this.nowSql} AS TIME)`);
            return k + 1;
          }
          break;
        case 'position':
          if (this.c.isSymbol(k + 1, '(')) return this.position(k, out);
          break;
        case 'array':
          if (this.c.isSymbol(k + 1, '[')) return arrayConstructor(this.syntax, k, out);
          break;
        case 'values':
          return valuesList(this.syntax, k, end, out);
        case 'unnest':
        case 'lateral':
          fail(t, `'${t.text}' is not supported`);
          break;
        default:
          break;
      }
      if (this.c.isKeywordAt(k)) {
        out.push(t.value.toUpperCase());
        return k + 1;
      }
      if (this.c.isSymbol(k + 1, '(')) return this.functionCall(k, out);
    }
    return this.columnReference(k, out);
  }

  /** The name of a WITH query where it is defined, with its column list if any. */
  private withQueryName(k: number, q: WithQuery, out: string[]): number {
    out.push(q.sqlName);
    if (!this.c.isSymbol(k + 1, '(')) return k + 1;
    const close = this.c.matching[k + 1] as number;
    out.push(`(${this.nameList(k + 2, close)})`);
    return close + 1;
  }

  /** A checked list of names (see TokenCursor.isNameList) as quoted DuckDB identifiers. */
  private nameList(a: number, b: number): string {
    return this.c
      .splitTopLevel(a, b, ',')
      .map(([x]) => quoteIdent((this.tokens[x] as Token).value))
      .join(', ');
  }

  /** identifier, qualified name `a.b`, `measure_value::double`, `t.*` */
  private columnReference(k: number, out: string[]): number {
    const parts: string[] = [];
    let j = k;
    for (;;) {
      const t = this.tokens[j] as Token;
      if (t.kind === TokenKind.Word && t.value === 'measure_value' && this.c.isSymbol(j + 1, '::')) {
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
      if (this.c.isSymbol(j, '.') && this.tokens[j + 1] !== undefined) {
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
    if (this.c.isWord(j, 'distinct') || this.c.isWord(j, 'all')) {
      out.push((this.tokens[j] as Token).value.toUpperCase());
      j++;
    }
    const listEnd = this.c.findClauseEnd(j, end, CLAUSE_KEYWORDS);
    if (listEnd === j) fail(this.tokens[j] ?? this.tokens[k], 'SELECT needs at least one expression');
    const items = this.c.splitTopLevel(j, listEnd, ',').map(([a, b], index) => {
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
      (t.kind === TokenKind.Quoted || (t.kind === TokenKind.Word && !this.c.isKeywordAt(at)));
    if (n >= 2 && this.c.isWord(b - 2, 'as')) return false;
    const intervalUnit = prev?.kind === TokenKind.String && this.c.isWord(b - 3, 'interval');
    if (n >= 2 && isName(last, b - 1) && prev !== undefined && !intervalUnit) {
      const prevIsOperand =
        prev.kind === TokenKind.Number ||
        prev.kind === TokenKind.String ||
        prev.kind === TokenKind.Duration ||
        prev.kind === TokenKind.Quoted ||
        (prev.kind === TokenKind.Symbol && (prev.value === ')' || prev.value === '*')) ||
        (prev.kind === TokenKind.Word &&
          (!this.c.isKeywordAt(b - 2) || ['end', 'null', 'true', 'false'].includes(prev.value)));
      if (prevIsOperand) return false;
    }
    // plain column references keep their own name
    let j = a;
    for (;;) {
      const t = this.tokens[j];
      if (t === undefined || j >= b) return true;
      if (t.kind === TokenKind.Word && t.value === 'measure_value' && this.c.isSymbol(j + 1, '::'))
        return j + 3 !== b;
      if (t.kind === TokenKind.Symbol && t.value === '*') return j + 1 !== b;
      if (!isName(t, j)) return true;
      if (j + 1 === b) return false;
      if (!this.c.isSymbol(j + 1, '.')) return true;
      j += 2;
    }
  }

  private fromClause(k: number, end: number, out: string[]): number {
    out.push('FROM');
    let j = this.tablePrimary(k + 1, end, out);
    const clauseEnd = this.c.findClauseEnd(j, end, JOIN_END_KEYWORDS);
    // the rest of this FROM item (alias etc.), then further comma-separated items
    while (j < clauseEnd) {
      if (this.c.isSymbol(j, ',')) {
        out.push(',');
        j = this.tablePrimary(j + 1, end, out);
        continue;
      }
      j = this.step(j, end, out);
    }
    return j;
  }

  /**
   * One FROM item: a subquery, a WITH query, or a catalog table as "database"."table", each with an optional
   * alias and column list. Any other name, and any call (a table function), is refused naming it.
   */
  private tablePrimary(k: number, end: number, out: string[]): number {
    const t = this.tokens[k];
    if (t === undefined || k >= end) return fail(this.tokens[k - 1], 'a table or subquery must follow');
    if (t.kind === TokenKind.Symbol && t.value === '(') {
      const close = this.c.matching[k] as number;
      const subquery = `(${this.range(k + 1, close)})`;
      const alias = this.alias(close + 1, end);
      out.push(
        alias.name === undefined ? subquery : `${subquery} AS ${quoteIdent(alias.name)}${alias.columns}`,
      );
      return alias.next;
    }
    if (t.kind === TokenKind.Word && t.value === 'unnest') {
      const unnest = unnestRelation(this.syntax, k);
      const alias = this.alias(unnest.next, end);
      out.push(
        alias.name === undefined ? unnest.sql : `${unnest.sql} AS ${quoteIdent(alias.name)}${alias.columns}`,
      );
      return alias.next;
    }
    if (t.kind === TokenKind.Word && t.value === 'lateral') fail(t, `'${t.text}' is not supported`);
    if (t.kind !== TokenKind.Word && t.kind !== TokenKind.Quoted)
      return fail(t, `mismatched input '${t.text}': expected a table name`);
    const parts: Token[] = [t];
    let j = k + 1;
    while (this.c.isSymbol(j, '.') && j + 1 < end) {
      const p = this.tokens[j + 1] as Token;
      if (p.kind !== TokenKind.Word && p.kind !== TokenKind.Quoted)
        fail(p, `mismatched input '${p.text}': expected a table name`);
      parts.push(p);
      j += 2;
    }
    if (this.c.isSymbol(j, '(')) {
      fail(
        t,
        `'${this.dottedName(k, j)}' is not a table: table functions are not supported; name tables as "database"."table" or by a WITH query`,
      );
    }
    const withQuery = parts.length === 1 ? this.withQueryAt(k, t.value.toLowerCase()) : undefined;
    const view = withQuery === undefined ? resolveTable(this.catalog, parts) : undefined;
    const alias = this.alias(j, end);
    const name = alias.name ?? (view === undefined ? t.value : view.table);
    if (view !== undefined) {
      this.tables.push({ view, alias: name, timePredicates: [], ownerSelect: this.c.owningSelect(k) });
    }
    const relation = view === undefined ? (withQuery as WithQuery).sqlName : tableSubquery(view);
    out.push(`${relation} AS ${quoteIdent(name)}${alias.columns}`);
    return alias.next;
  }

  /** `[AS] alias [(column, ...)]` after a FROM item at j: the alias (if any), its column list as SQL, what follows. */
  private alias(j: number, end: number): { name?: string; columns: string; next: number } {
    let name: string | undefined;
    let next = j;
    const a = this.tokens[j];
    if (this.c.isWord(j, 'as') && j + 1 < end) {
      name = (this.tokens[j + 1] as Token).value;
      next = j + 2;
    } else if (
      j < end &&
      a !== undefined &&
      (a.kind === TokenKind.Quoted ||
        (a.kind === TokenKind.Word && !this.c.isKeywordAt(j) && !JOIN_END_KEYWORDS.has(a.value)))
    ) {
      name = a.value;
      next = j + 1;
    }
    if (name === undefined || !this.c.isSymbol(next, '(') || next >= end) return { name, columns: '', next };
    const close = this.c.matching[next] as number;
    if (!this.c.isNameList(next + 1, close)) {
      fail(
        this.tokens[next - 1],
        `'${name}' is not a Timestream function: an alias takes a list of column names only`,
      );
    }
    return { name, columns: ` (${this.nameList(next + 1, close)})`, next: close + 1 };
  }

  /** WHERE: translated as is; constant bounds on `time` are noted for the tables of this SELECT (bytes scanned). */
  private whereClause(k: number, end: number, out: string[]): number {
    out.push('WHERE');
    const clauseEnd = this.c.findClauseEnd(k + 1, end, CLAUSE_KEYWORDS);
    out.push(this.range(k + 1, clauseEnd));
    const owner = this.c.owningSelect(k);
    const blockTables = this.tables.filter((t) => t.ownerSelect === owner);
    if (blockTables.length > 0) {
      const predicates = timePredicates(this.c, k + 1, clauseEnd, (a, b) => this.subTranslate(a, b));
      for (const table of blockTables) table.timePredicates.push(...predicates);
    }
    return clauseEnd;
  }

  /** Translates a range without recording tables or columns (used for predicates reused by bytes scanned). */
  private subTranslate(a: number, b: number): string {
    const tables = this.tables.length;
    const sql = this.range(a, b);
    this.tables.length = tables;
    return sql;
  }

  /**
   * `t + 50ns` / `t - 50ns`: DuckDB intervals hold microseconds, so a finer duration is added to the timestamp
   * just emitted as nanoseconds since the epoch (only a timestamp takes such a duration).
   */
  private nanosecondArithmetic(k: number, out: string[]): boolean {
    const op = out[out.length - 1];
    const left = out[out.length - 2];
    const before = out[out.length - 3];
    const operand = this.tokens[k - 2];
    const operandEnds =
      operand !== undefined &&
      (operand.kind === TokenKind.Quoted ||
        operand.kind === TokenKind.String ||
        operand.kind === TokenKind.Number ||
        operand.kind === TokenKind.Duration ||
        (operand.kind === TokenKind.Symbol && operand.value === ')') ||
        (operand.kind === TokenKind.Word && !this.c.isKeywordAt(k - 2)));
    if ((op !== '+' && op !== '-') || left === undefined || !operandEnds) return false;
    if (before === '*' || before === '/' || this.c.isSymbol(k + 1, '*') || this.c.isSymbol(k + 1, '/'))
      return false;
    const nanos = (this.tokens[k] as Token).nanos as bigint;
    out.splice(out.length - 2, 2, timestampPlusNanosSql(left, op === '+' ? nanos : -nanos));
    return true;
  }

  private intervalSql(t: Token): string {
    const nanos = t.nanos as bigint;
    if (nanos % 1000n !== 0n)
      fail(
        t,
        `duration '${t.text}' is finer than a microsecond: only bin(), ago() and timestamp + or - such a duration accept it`,
      );
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
    if (this.c.isWord(k + 3, 'to') && unit.value === 'year' && this.c.isWord(k + 4, 'month')) {
      const m = /^\s*(-?)(\d+)-(\d+)\s*$/.exec(value.value);
      if (m === null)
        fail(value, `invalid INTERVAL YEAR TO MONTH value '${value.value}': write 'years-months'`);
      const [, sign, years, months] = m as RegExpExecArray;
      out.push(`(${sign}(INTERVAL '${years}' YEAR + INTERVAL '${months}' MONTH))`);
      return k + 5;
    }
    if (this.c.isWord(k + 3, 'to'))
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
    const close = this.c.matching[open] as number;
    const as = this.c.findClauseEnd(open + 1, close, new Set(['as']));
    if (as >= close) fail(this.tokens[k], `${(this.tokens[k] as Token).text.toUpperCase()} needs 'AS type'`);
    const typeToken = this.tokens[as + 1];
    const composite = compositeType(this.c, as + 1);
    if (composite !== undefined) {
      if (composite.next !== close) fail(this.tokens[composite.next], 'mismatched input in CAST type');
      const fn = (this.tokens[k] as Token).value === 'try_cast' ? 'TRY_CAST' : 'CAST';
      out.push(`${fn}(${this.range(open + 1, as)} AS ${composite.sql})`);
      return close + 1;
    }
    const type = typeToken?.kind === TokenKind.Word ? CAST_TYPES[typeToken.value] : undefined;
    if (type === undefined) return fail(typeToken, `Unknown type: ${typeToken?.text ?? ''}`, this.tokens[as]);
    let typeSql = type;
    let j = as + 2;
    if (this.c.isSymbol(j, '(')) {
      const typeClose = this.c.matching[j] as number;
      // varchar(n) / decimal(p, s): keep the precision where DuckDB has one
      if (type === 'DECIMAL') {
        const params = this.c.splitTopLevel(j + 1, typeClose, ',');
        const numbers = params.map(([x, y]) => (y === x + 1 ? this.tokens[x] : undefined));
        const bad = params.findIndex((_, i) => numbers[i]?.kind !== TokenKind.Number);
        if (params.length > 2 || bad >= 0) {
          const at = this.tokens[(params[Math.max(bad, 0)] as [number, number])[0]];
          fail(
            at,
            `DECIMAL takes (precision) or (precision, scale) as whole numbers, not '${at?.text ?? ''}'`,
          );
        }
        typeSql = `DECIMAL(${numbers.map((n) => n?.text).join(', ')})`;
      }
      j = typeClose + 1;
    }
    if (j !== close) fail(this.tokens[j], `mismatched input '${(this.tokens[j] as Token).text}' in CAST`);
    const fn = (this.tokens[k] as Token).value === 'try_cast' ? 'TRY_CAST' : 'CAST';
    const sql = `${fn}(${this.range(open + 1, as)} AS ${typeSql})`;
    if (typeSql === 'DATE') return this.dateOperand(sql, close + 1, out);
    out.push(sql);
    return close + 1;
  }

  private extract(k: number, out: string[]): number {
    const open = k + 1;
    const close = this.c.matching[open] as number;
    const field = this.tokens[open + 1];
    if (field === undefined || field.kind !== TokenKind.Word || !this.c.isWord(open + 2, 'from')) {
      return fail(field, 'EXTRACT needs (field FROM expression)', this.tokens[k]);
    }
    const source = this.tokens[open + 3];
    // the guide's extract(YEAR FROM '2019-10-12 23:10:34.000000000'): a string literal is a timestamp
    const expr =
      source?.kind === TokenKind.String && open + 4 === close
        ? timestampLiteralSql(source.value)
        : this.range(open + 3, close);
    if (field.value === 'millisecond') {
      out.push(`(millisecond(${expr}) % 1000)`);
      return close + 1;
    }
    const mapped = EXTRACT_FIELDS[field.value];
    if (mapped === undefined) fail(field, `Invalid EXTRACT field: ${field.text}`);
    out.push(`extract(${mapped} FROM ${expr})`);
    return close + 1;
  }

  /**
   * A DATE expression (its SQL) followed by `+`/`-` and an interval literal: the sum stays a DATE, as in
   * Timestream (DuckDB's DATE + INTERVAL is a TIMESTAMP). Whole days, weeks, months and years only.
   */
  private dateOperand(dateSql: string, next: number, out: string[]): number {
    let sql = dateSql;
    let j = next;
    for (;;) {
      const op = this.tokens[j];
      if (!this.c.isSymbol(j, '+') && !this.c.isSymbol(j, '-')) break;
      const operand = this.tokens[j + 1];
      let width = 0;
      if (operand?.kind === TokenKind.Duration) width = 1;
      else if (
        this.c.isWord(j + 1, 'interval') &&
        this.tokens[j + 2]?.kind === TokenKind.String &&
        this.tokens[j + 3]?.kind === TokenKind.Word &&
        INTERVAL_UNITS.has((this.tokens[j + 3] as Token).value) &&
        !this.c.isWord(j + 4, 'to')
      )
        width = 3;
      if (width === 0 || this.c.isSymbol(j + 1 + width, '*') || this.c.isSymbol(j + 1 + width, '/')) break;
      sql = dateArithmeticSql(sql, (op as Token).value, this.tokens.slice(j + 1, j + 1 + width));
      j += 1 + width;
    }
    out.push(sql);
    return j;
  }

  /** `position(substring IN string)`: Trino's strpos(string, substring). */
  private position(k: number, out: string[]): number {
    const open = k + 1;
    const close = this.c.matching[open] as number;
    const inAt = this.c.findClauseEnd(open + 1, close, new Set(['in']));
    if (inAt >= close) return fail(this.tokens[k], 'POSITION needs (substring IN string)');
    out.push(`strpos(${this.range(inAt + 1, close)}, ${this.range(open + 1, inAt)})`);
    return close + 1;
  }

  /** A call of a Timestream function (quoted or not): special ones translated, others renamed, the rest refused. */
  private functionCall(k: number, out: string[]): number {
    const nameToken = this.tokens[k] as Token;
    const name = nameToken.value.toLowerCase();
    const written = nameToken.kind === TokenKind.Quoted ? nameToken.value : nameToken.text;
    const open = k + 1;
    const close = this.c.matching[open] as number;
    const argRanges = open + 1 === close ? [] : this.c.splitTopLevel(open + 1, close, ',');
    const special = SPECIAL_FUNCTIONS.get(name);
    if (special !== undefined) {
      const call: FunctionCall = {
        name: nameToken,
        count: argRanges.length,
        nowSql: this.nowSql,
        arg: (index) => {
          const r = argRanges[index];
          if (r === undefined) return fail(nameToken, `Function '${nameToken.text}' expects more arguments`);
          return `(${this.range(r[0], r[1])})`;
        },
        single: (index) => {
          const r = argRanges[index];
          return r !== undefined && r[1] - r[0] === 1 ? this.tokens[r[0]] : undefined;
        },
        tokens: (index) => {
          const r = argRanges[index];
          return r === undefined ? [] : this.tokens.slice(r[0], r[1]);
        },
        first: (index) => {
          const r = argRanges[index];
          return r !== undefined && r[1] > r[0] ? this.tokens[r[0]] : undefined;
        },
        second: (index) => {
          const r = argRanges[index];
          return r !== undefined && r[1] > r[0] + 1 ? this.tokens[r[0] + 1] : undefined;
        },
        firstIsFollowedBy: (index, symbol) => {
          const r = argRanges[index];
          return r !== undefined && r[1] > r[0] + 1 && this.c.isSymbol(r[0] + 1, symbol);
        },
        lambda: (index) => {
          const r = argRanges[index];
          return r === undefined ? undefined : lambdaAt(this.c, r[0], r[1], (a, b) => this.range(a, b));
        },
        arity: (...allowed) => {
          if (!allowed.includes(argRanges.length)) {
            fail(
              nameToken,
              `Unexpected parameters for function '${nameToken.text}': expected ${allowed.join(' or ')} argument(s), got ${argRanges.length}`,
            );
          }
        },
        refuse: (message) => fail(nameToken, message),
      };
      const sql = special(call);
      if (DATE_RESULT_FUNCTIONS.has(name) || isDateExpression(this.tokens, k, close + 1))
        return this.dateOperand(sql, close + 1, out);
      out.push(sql);
      return close + 1;
    }
    const renamed = Object.hasOwn(RENAMED_FUNCTIONS, name) ? RENAMED_FUNCTIONS[name] : undefined;
    if (renamed === undefined) {
      if (KNOWN_UNSUPPORTED_FUNCTIONS.has(name))
        fail(nameToken, `Function '${written}' is not supported by the local Timestream`);
      fail(nameToken, `Function '${written}' is not supported`);
    }
    out.push(`${renamed}(${open + 1 === close ? '' : this.range(open + 1, close)})`);
    return close + 1;
  }
}
