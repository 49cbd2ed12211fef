export { type DedupeResult, DuplicateOf, dedupe } from './dedupe';
export { canonicalJson, dedupeKey } from './dedupe-key';
export { RecentKeys } from './recent-keys';
