export type { MetadataResult } from './metadata';
export {
  createQueryEngine,
  type QueryEngine,
  type QueryEngineOptions,
  type QueryResultSet,
} from './query-engine';
export { formatDouble, formatTimestampNs } from './result-format';
export { type Token, TokenKind, tokenize } from './tokenizer';
export type { TableRead, Translation } from './translator';
