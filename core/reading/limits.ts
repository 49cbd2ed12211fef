/**
 * Limits enforced when a reading is accepted, so that nothing accepted is later refused by Timestream or
 * Kinesis for its shape. Timestream's own limits: dimension name <= 60 bytes, <= 128 dimensions, measure name
 * <= 256 bytes, dimension value <= 2048 bytes, record <= 2 KB, time <= 15 minutes in the future.
 * The rest are this pipeline's choices, each explained below.
 */
export const readingLimits = {
  /** deviceId is a dimension value and the Kinesis partition key (<= 256): 128 ASCII characters leave room. */
  maxDeviceIdLength: 128,
  maxMessageIdLength: 128,
  maxDimensionNameBytes: 60,
  /** Timestream allows 128 dimensions per table; deviceId is one of them. */
  maxDimensions: 128,
  maxDimensionValueBytes: 2048,
  maxMeasureNameBytes: 256,
  /** A MULTI record holds up to 256 measures; 64 is already far more than any room or weather sensor sends. */
  maxMeasures: 64,
  maxUnitLength: 32,
  /** Timestream refuses data more than 15 minutes ahead of its clock. */
  maxFutureMs: 15 * 60_000,
  /**
   * Times before 2000-01-01T00:00:00Z are refused: they come from a device clock that was never set (1970) or
   * from epoch seconds sent as milliseconds (1.65e9 ms is January 1970), not from real measurements.
   */
  minTimeMs: Date.UTC(2000, 0, 1),
  /** Timestream's record size limit, checked on the MULTI record (the larger of the two layouts). */
  maxRecordBytes: 2048,
} as const;

/** Names Timestream reserves for its own columns (compared case-insensitively). */
export const reservedNames = ['time', 'measure_name'] as const;
/** Every name starting with this (case-insensitively) is reserved: `measure_value::double` and friends. */
export const reservedNamePrefix = 'measure_value';
/** The fields of a canonical reading, also refused as measure names so the seed body stays unambiguous. */
export const readingFields = ['deviceId', 'time', 'messageId', 'dimensions', 'measures'] as const;
