export { type DedupeResult, DuplicateOf, dedupe } from './dedupe';
export { dedupeKey } from './dedupe-key';
export { RecentKeys } from './recent-keys';
