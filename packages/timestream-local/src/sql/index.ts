export { estimateBytesScanned } from './bytes-scanned';
export { isMetadataStatement, type MetadataResult, runMetadataStatement } from './metadata';
export {
  createQueryEngine,
  type QueryEngine,
  type QueryEngineOptions,
  type QueryResultSet,
  toServiceError,
} from './query-engine';
export { formatDouble, formatResult, formatTimestampNs } from './result-format';
export { type Token, TokenKind, tokenize } from './tokenizer';
export { binSql, type TableRead, type Translation, Translator } from './translator';
