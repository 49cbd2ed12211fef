import type { ArgumentShapes } from './call-arguments';
import type { Token } from './tokenizer';

/** One call of a special function, as its translation sees it. */
export interface FunctionCall extends ArgumentShapes {
  /** the function name as written */
  readonly name: Token;
  /** number of arguments */
  readonly count: number;
  /** argument i translated to DuckDB SQL, in parentheses (refused when missing) */
  arg(i: number): string;
  /** argument i when it is a single token (a literal), else undefined */
  single(i: number): Token | undefined;
  /** the tokens of argument i as written (empty when missing) */
  tokens(i: number): readonly Token[];
  /** refuses the call unless it has one of these argument counts */
  arity(...allowed: number[]): void;
  /** refuses the call with this message, positioned at the function name */
  refuse(message: string): never;
  /** the query's clock reading as a DuckDB TIMESTAMP_NS constant */
  readonly nowSql: string;
}
