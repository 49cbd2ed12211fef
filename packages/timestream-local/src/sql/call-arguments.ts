import type { Token } from './tokenizer';

/** A lambda argument: parameter names (as DuckDB identifiers) and its body translated to DuckDB SQL. */
export interface Lambda {
  readonly params: readonly string[];
  readonly body: string;
}

/** What a translation may ask about the arguments of a call beyond their SQL: how they are written. */
export interface ArgumentShapes {
  /** the first token of argument i, the second one */
  first(i: number): Token | undefined;
  second(i: number): Token | undefined;
  /** true when the first token of argument i is followed by this symbol (`ARRAY[`, `f(`) */
  firstIsFollowedBy(i: number, symbol: string): boolean;
  /** argument i when it is a lambda (`x -> body`, `(s, x) -> body`): its parameters and translated body */
  lambda(i: number): Lambda | undefined;
}

/**
 * A call as the array and time-series translations see it (a FunctionCall of special-functions.ts fits):
 * the function name, its arguments as DuckDB SQL, and the checks that refuse a call naming the function.
 */
export interface ArrayCall extends ArgumentShapes {
  readonly name: Token;
  readonly count: number;
  arg(i: number): string;
  single(i: number): Token | undefined;
  arity(...allowed: number[]): void;
  refuse(message: string): never;
}
