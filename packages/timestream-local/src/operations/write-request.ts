import type { ValidationException } from '../errors';
import type { ParsedRecord, RecordRejection } from './parsed-record';
import { commonDimensionConflict, commonDimensionsOf, parseRecord } from './record-semantics';
import {
  emptyFields,
  type Json,
  type RawFields,
  readRawRecord,
  requireRecordList,
  requireString,
} from './write-request-model';

export type { ParsedRecord, TypedValue, ValueType } from './parsed-record';

export interface ParsedWriteRequest {
  readonly databaseName: string;
  readonly tableName: string;
  readonly records: ReadonlyArray<ParsedRecord | RecordRejection>;
}

/** Fields of the record being read; reused from one record to the next (parsing is synchronous). */
const current = emptyFields();

/**
 * Parses a WriteRecords request body. Violations of the API model (sizes, enums, missing names) fail the
 * whole call with a ValidationException, as the service does ({@link readRawRecord}); problems of a single
 * record's content become a {@link RecordRejection} so that the other records are still written
 * ({@link parseRecord}).
 */
export function parseWriteRequest(body: Json): ParsedWriteRequest {
  const databaseName = requireString(body.DatabaseName, 'databaseName');
  const tableName = requireString(body.TableName, 'tableName');
  const list = requireRecordList(body.Records);
  const n = list.length;
  let common: RawFields | undefined;
  if (body.CommonAttributes !== undefined && body.CommonAttributes !== null) {
    common = emptyFields();
    readRawRecord(body.CommonAttributes, -1, common);
  }
  const commonDims = commonDimensionsOf(common);
  // A record naming a dimension of CommonAttributes fails the call, but only once every record passed the
  // model checks (those errors win); the records parsed meanwhile are then dropped.
  let conflict: ValidationException | undefined;
  const records: Array<ParsedRecord | RecordRejection> = new Array(n);
  for (let i = 0; i < n; i++) {
    readRawRecord(list[i], i, current);
    if (commonDims !== undefined && conflict === undefined) {
      conflict = commonDimensionConflict(commonDims, current, i);
    }
    if (conflict === undefined) records[i] = parseRecord(i, current, common);
  }
  if (conflict !== undefined) throw conflict;
  return { databaseName, tableName, records };
}
