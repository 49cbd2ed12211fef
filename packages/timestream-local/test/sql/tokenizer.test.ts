import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../src/errors';
import { TokenKind, tokenize } from '../../src/sql';

describe('tokenize', () => {
  it('splits words, quoted names, strings, numbers, durations and symbols with their positions', () => {
    // Act
    const tokens = tokenize(
      `SELECT "my ""col""", 'it''s', 1.5e3, 10m, x::double -- tail\n  FROM /* a\nb */ "db"."t"`,
    );
    // Assess
    expect(tokens.map((t) => [t.kind, t.value, t.line, t.column])).toEqual([
      [TokenKind.Word, 'select', 1, 1],
      [TokenKind.Quoted, 'my "col"', 1, 8],
      [TokenKind.Symbol, ',', 1, 20],
      [TokenKind.String, "it's", 1, 22],
      [TokenKind.Symbol, ',', 1, 29],
      [TokenKind.Number, '1.5e3', 1, 31],
      [TokenKind.Symbol, ',', 1, 36],
      [TokenKind.Duration, '10m', 1, 38],
      [TokenKind.Symbol, ',', 1, 41],
      [TokenKind.Word, 'x', 1, 43],
      [TokenKind.Symbol, '::', 1, 44],
      [TokenKind.Word, 'double', 1, 46],
      [TokenKind.Word, 'from', 2, 3],
      [TokenKind.Quoted, 'db', 3, 6],
      [TokenKind.Symbol, '.', 3, 10],
      [TokenKind.Quoted, 't', 3, 11],
    ]);
  });

  it('reads every Timestream duration unit in nanoseconds', () => {
    const nanos = tokenize('1d 12h 15m 10s 60000ms 1us 50ns').map((t) => t.nanos);
    expect(nanos).toEqual([
      86_400_000_000_000n,
      43_200_000_000_000n,
      900_000_000_000n,
      10_000_000_000n,
      60_000_000_000n,
      1_000n,
      50n,
    ]);
  });

  it('rejects malformed input with line and column', () => {
    expect(() => tokenize('SELECT 1.5h')).toThrow(
      new ValidationException(
        "line 1:8: invalid literal '1.5h': durations are an integer followed by one of d, h, m, s, ms, us, ns (or day, hour, minute, second, millisecond, microsecond, nanosecond)",
      ),
    );
    expect(() => tokenize('SELECT\n  "open')).toThrow(/^line 2:3: unterminated quoted identifier/);
    expect(() => tokenize('SELECT 1 /* never closed')).toThrow(/^line 1:10: mismatched input '\/\*'/);
    expect(() => tokenize('SELECT #')).toThrow("line 1:8: token recognition error at: '#'");
  });
});
