export * from './dedupe';
export * from './reading';
export * from './records';
export * from './units';
