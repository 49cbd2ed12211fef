/** What parsing a WriteRecords request makes of each record. */

/** Value types of a single measure or of one value of a MULTI measure. */
export const ValueType = {
  DOUBLE: 'DOUBLE',
  BIGINT: 'BIGINT',
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** A parsed measure value: DOUBLE -> number, BIGINT -> bigint, BOOLEAN -> boolean, TIMESTAMP -> bigint ns. */
export interface TypedValue {
  readonly name: string;
  readonly type: ValueType;
  readonly value: number | bigint | string | boolean;
}

/** One record of a WriteRecords call after CommonAttributes were merged and every field was parsed. */
export interface ParsedRecord {
  readonly index: number;
  readonly timeNs: bigint;
  /** [name, value] sorted by name */
  readonly dimensions: ReadonlyArray<readonly [string, string]>;
  readonly measureName: string;
  readonly multi: boolean;
  /** one value (named after the measure) for single measures, the MeasureValues for MULTI */
  readonly values: readonly TypedValue[];
  readonly version: bigint;
  /** identity for upserts: time, dimensions, measure name */
  readonly key: string;
  /** canonical text of the value(s): equal fingerprints mean an identical value */
  readonly fingerprint: string;
}

/** A record refused for its own content; the other records of the call are still written. */
export interface RecordRejection {
  readonly index: number;
  readonly reason: string;
}
