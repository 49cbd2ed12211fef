/**
 * Limits, defaults and fixed texts of Timestream for LiveAnalytics that the local service reproduces
 * (botocore's timestream-write / timestream-query models and the service's documented quotas).
 */
export const TimestreamLimits = {
  recordsPerWrite: 100,
  dimensionsPerRecord: 128,
  dimensionNameBytes: 60,
  dimensionValueChars: 2048,
  measureNameBytes: 256,
  measureValueChars: 2048,
  recordBytes: 2048,
  futureToleranceMs: 15 * 60 * 1000,
  memoryRetentionHours: { min: 1, max: 8766, default: 6 },
  magneticRetentionDays: { min: 1, max: 73000, default: 73000 },
  maxRowsPerPage: 1000,
  pageBytes: 1024 * 1024,
  queryStringChars: 262144,
  listMaxResults: 20,
  /** Timestream meters at least 10 MB per query. */
  minBytesMetered: 10 * 1024 * 1024,
} as const;

/** Names that a dimension, measure or multi-measure value may not take (they are columns of every table). */
export const reservedNamePattern = /^(time|measure_name|measure_value(::.*)?)$/i;

/** Prefix of the hidden bookkeeping columns of a storage table (see catalog.ts). */
export const hiddenColumnPrefix = '__ts_';

/** `X-Amz-Target` prefix of both Timestream APIs (Write and Query share it). */
export const targetPrefix = 'Timestream_20181101.';

/** Reason texts the service gives for rejected records. */
export const RejectionReason = {
  sameVersion:
    'A record already exists with the same time, dimensions, measure name, and record version. A higher record version must be specified in order to update the measure value.',
  lowerVersion: (given: bigint, existing: bigint) =>
    `The record version ${given} is lower than the existing version ${existing}. A higher version is required to update the measure value.`,
  outsideMemoryStore: (from: string, to: string) =>
    `The record timestamp is outside the time range [${from}, ${to}) of the memory store.`,
  outsideRetention: (from: string, to: string) =>
    `The record timestamp is outside the time range [${from}, ${to}) of the magnetic store retention.`,
} as const;

/** How long the pages of a query result stay fetchable with their NextToken. */
export const queryResultTtlMs = 10 * 60 * 1000;

/** Account id used in the ARNs the local service returns. */
export const localAccountId = '000000000000';
