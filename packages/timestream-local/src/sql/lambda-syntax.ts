import type { Lambda } from './call-arguments';
import { quoteIdent } from './table-columns';
import { fail, type TokenCursor } from './token-cursor';
import { type Token, TokenKind } from './tokenizer';

/**
 * The lambda in tokens [a, b) of a function argument, if it is one: `x -> body` or `(x, y) -> body`
 * (Trino's lambda syntax, which the filter, reduce and transform functions take). The body is translated
 * with `translate`; the parameters are returned as quoted DuckDB identifiers.
 */
export function lambdaAt(
  c: TokenCursor,
  a: number,
  b: number,
  translate: (from: number, to: number) => string,
): Lambda | undefined {
  let arrow: number;
  let params: Token[];
  if (c.isName(a) && c.isSymbol(a + 1, '->')) {
    arrow = a + 1;
    params = [c.at(a) as Token];
  } else if (c.isSymbol(a, '(')) {
    const close = c.matching[a] as number;
    if (!c.isSymbol(close + 1, '->') || !c.isNameList(a + 1, close)) return undefined;
    arrow = close + 1;
    params = c.tokens.slice(a + 1, close).filter((t) => t.kind !== TokenKind.Symbol);
  } else {
    return undefined;
  }
  if (arrow + 1 >= b) fail(c.at(arrow), 'a lambda needs a body after ->');
  return {
    params: params.map((p) => quoteIdent(p.kind === TokenKind.Quoted ? p.value : p.text)),
    body: translate(arrow + 1, b),
  };
}
