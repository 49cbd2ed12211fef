export { type DedupeResult, DuplicateOf, dedupe } from './dedupe';
export { canonicalBytes, dedupeKey } from './dedupe-key';
export { RecentKeys } from './recent-keys';
