import { ValidationException } from '../errors';

/** Kinds of lexical tokens of Timestream's SQL dialect (Presto/Trino with Timestream's duration literals). */
export const TokenKind = {
  /** unquoted word: keyword, function name or identifier */
  Word: 'word',
  /** "quoted identifier" (value has the quotes removed and `""` unescaped) */
  Quoted: 'quoted',
  /** 'string literal' (value has the quotes removed and `''` unescaped) */
  String: 'string',
  Number: 'number',
  /** Timestream duration literal such as `1d`, `10m`, `60000ms`, `50ns` (value: nanoseconds) */
  Duration: 'duration',
  /** operator or punctuation */
  Symbol: 'symbol',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface Token {
  readonly kind: TokenKind;
  /** source text of the token */
  readonly text: string;
  /** unescaped value (identifiers and strings), lower-cased word for words, symbol text for symbols */
  readonly value: string;
  /** 1-based line and column of the first character, as Timestream reports positions */
  readonly line: number;
  readonly column: number;
  /** duration length in nanoseconds (Duration tokens only) */
  readonly nanos?: bigint;
}

/** Nanoseconds per unit of Timestream's duration literals. */
const DurationUnitNanos: Readonly<Record<string, bigint>> = {
  d: 86_400_000_000_000n,
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  ns: 1n,
  // spelled out, as the guide also writes them (1day, 2hour, 7millisecond)
  day: 86_400_000_000_000n,
  days: 86_400_000_000_000n,
  hour: 3_600_000_000_000n,
  hours: 3_600_000_000_000n,
  minute: 60_000_000_000n,
  minutes: 60_000_000_000n,
  second: 1_000_000_000n,
  seconds: 1_000_000_000n,
  millisecond: 1_000_000n,
  milliseconds: 1_000_000n,
  microsecond: 1_000n,
  microseconds: 1_000n,
  nanosecond: 1n,
  nanoseconds: 1n,
};

const SYMBOLS = [
  '::',
  '||',
  '<>',
  '!=',
  '<=',
  '>=',
  '=>',
  '->',
  '(',
  ')',
  ',',
  '.',
  ';',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '[',
  ']',
  '?',
];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isWordPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_@$]/.test(c);

/** Formats a source position the way Timestream prefixes its query errors. */
export function positionPrefix(pos: { line: number; column: number }): string {
  return `line ${pos.line}:${pos.column}: `;
}

/**
 * Splits Timestream SQL into tokens, skipping whitespace and `--` / `/* *\/` comments.
 * Throws ValidationException (with line:column) for unterminated strings, identifiers or comments and for
 * characters that are not part of the language.
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number) => ({ line, column: at - lineStart + 1 });
  const advanceLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      if (sql[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advanceLines(i, i + 1);
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0)
        throw new ValidationException(`${positionPrefix(pos(i))}mismatched input '/*': unterminated comment`);
      advanceLines(i, end + 2);
      i = end + 2;
      continue;
    }
    const start = pos(i);
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) {
          const what = c === "'" ? 'string literal' : 'quoted identifier';
          throw new ValidationException(`${positionPrefix(start)}unterminated ${what} starting with ${c}`);
        }
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      const text = sql.slice(i, j + 1);
      tokens.push({ kind: c === "'" ? TokenKind.String : TokenKind.Quoted, text, value, ...start });
      advanceLines(i, j + 1);
      i = j + 1;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(sql[i + 1]))) {
      let j = i;
      while (isDigit(sql[j])) j++;
      let isInteger = true;
      if (sql[j] === '.' && isDigit(sql[j + 1])) {
        isInteger = false;
        j++;
        while (isDigit(sql[j])) j++;
      } else if (sql[j] === '.' && !isWordStart(sql[j + 1])) {
        isInteger = false;
        j++;
      }
      if (
        (sql[j] === 'e' || sql[j] === 'E') &&
        (isDigit(sql[j + 1]) || ((sql[j + 1] === '+' || sql[j + 1] === '-') && isDigit(sql[j + 2])))
      ) {
        isInteger = false;
        j += 2;
        while (isDigit(sql[j])) j++;
      }
      if (isWordStart(sql[j])) {
        let k = j;
        while (isWordPart(sql[k])) k++;
        const unit = sql.slice(j, k).toLowerCase();
        const perUnit = DurationUnitNanos[unit];
        const text = sql.slice(i, k);
        if (!isInteger || perUnit === undefined) {
          throw new ValidationException(
            `${positionPrefix(start)}invalid literal '${text}': durations are an integer followed by one of d, h, m, s, ms, us, ns (or day, hour, minute, second, millisecond, microsecond, nanosecond)`,
          );
        }
        tokens.push({
          kind: TokenKind.Duration,
          text,
          value: text.toLowerCase(),
          nanos: BigInt(sql.slice(i, j)) * perUnit,
          ...start,
        });
        i = k;
        continue;
      }
      const text = sql.slice(i, j);
      tokens.push({ kind: TokenKind.Number, text, value: text, ...start });
      i = j;
      continue;
    }
    if (isWordStart(c)) {
      let j = i;
      while (isWordPart(sql[j])) j++;
      const text = sql.slice(i, j);
      tokens.push({ kind: TokenKind.Word, text, value: text.toLowerCase(), ...start });
      i = j;
      continue;
    }
    const symbol = SYMBOLS.find((s) => sql.startsWith(s, i));
    if (symbol === undefined) {
      throw new ValidationException(`${positionPrefix(start)}token recognition error at: '${c}'`);
    }
    tokens.push({ kind: TokenKind.Symbol, text: symbol, value: symbol, ...start });
    i += symbol.length;
  }
  return tokens;
}
