/*
 * Plain types for Timestream WriteRecords, structurally compatible with @aws-sdk/client-timestream-write's
 * `_Record`, `Dimension` and `MeasureValue` (a test checks the assignment), so the core needs no SDK import.
 */

export const MeasureValueType = { double: 'DOUBLE', multi: 'MULTI' } as const;
export type MeasureValueType = (typeof MeasureValueType)[keyof typeof MeasureValueType];

export const TimeUnit = { milliseconds: 'MILLISECONDS', nanoseconds: 'NANOSECONDS' } as const;
export type TimeUnit = (typeof TimeUnit)[keyof typeof TimeUnit];

export type TimestreamDimension = { Name: string; Value: string };

export type TimestreamMeasureValue = { Name: string; Value: string; Type: MeasureValueType };

/** A Timestream record (or the CommonAttributes of a WriteRecords request). */
export type TimestreamRecord = {
  Dimensions?: TimestreamDimension[];
  MeasureName?: string;
  MeasureValue?: string;
  MeasureValueType?: MeasureValueType;
  MeasureValues?: TimestreamMeasureValue[];
  Time?: string;
  TimeUnit?: TimeUnit;
  Version?: number;
};

/** A record with the index of the reading it came from (to route a rejected record back to its reading). */
export type MappedRecord = { readonly record: TimestreamRecord; readonly readingIndex: number };
