import type { MeasureDataType } from './catalog';
import type { MeasureRecord } from './metadata-store';
import type { ExtraColumn } from './storage-layout';
import { recordKey, type TypedValue, type ValueType } from './write-request';

/** A record accepted by a WriteRecords call, as it is stored (what the DuckDB row is made of). */
export interface StoredRow {
  /** identity for upserts: time, dimensions, measure name */
  readonly key: string;
  readonly timeNs: bigint;
  readonly measureName: string;
  /** [name, value] sorted by name */
  readonly dimensions: ReadonlyArray<readonly [string, string]>;
  readonly multi: boolean;
  readonly values: readonly TypedValue[];
  readonly version: bigint;
}

/**
 * What one group of WriteRecords calls changed in a table, decided against the in-memory index and written
 * to the journal before the calls are answered; applied to DuckDB later, in order.
 */
export interface JournalEntry {
  /** position in the table's journal (1, 2, ...); the applied position is stored with the data */
  readonly seq: number;
  /** rows with time before this are deleted (retention), when set */
  readonly purgeBeforeNs?: bigint;
  /** columns added to the table, in order */
  readonly columns: readonly ExtraColumn[];
  /** measures created or grown, with their state after this entry */
  readonly measures: ReadonlyArray<readonly [string, MeasureRecord]>;
  /** accepted rows (one per key) */
  readonly rows: readonly StoredRow[];
  /** keys of `rows` that replace a row decided earlier (a higher version of it) */
  readonly replaces: ReadonlySet<string>;
}

type EncodedValue = [string, ValueType, number | string | boolean];
type EncodedRow = [string, string, [string, string][], 0 | 1, EncodedValue[], string, 0 | 1];
interface EncodedEntry {
  p?: string;
  c: [string, ExtraColumn['kind'], ValueType][];
  m: [string, MeasureDataType, string[]][];
  r: EncodedRow[];
}

const encodeValue = (v: TypedValue): EncodedValue => [
  v.name,
  v.type,
  typeof v.value === 'bigint' ? String(v.value) : v.value,
];

function decodeValue([name, type, value]: EncodedValue): TypedValue {
  if (type === 'BIGINT' || type === 'TIMESTAMP') return { name, type, value: BigInt(value as string) };
  return { name, type, value };
}

/** The journal payload of an entry (JSON; bigints as decimal strings). The seq is kept by the frame. */
export function encodeEntry(entry: JournalEntry): Buffer {
  const encoded: EncodedEntry = {
    c: entry.columns.map((c) => [c.name, c.kind, c.type]),
    m: entry.measures.map(([n, m]) => [n, m.dataType, [...m.dimensions]]),
    r: entry.rows.map((r) => [
      String(r.timeNs),
      r.measureName,
      r.dimensions.map(([n, v]) => [n, v]),
      r.multi ? 1 : 0,
      r.values.map(encodeValue),
      String(r.version),
      entry.replaces.has(r.key) ? 1 : 0,
    ]),
  };
  if (entry.purgeBeforeNs !== undefined) encoded.p = String(entry.purgeBeforeNs);
  return Buffer.from(JSON.stringify(encoded));
}

/** Reads back an entry written by {@link encodeEntry}. */
export function decodeEntry(seq: number, payload: Buffer): JournalEntry {
  const e = JSON.parse(payload.toString('utf8')) as EncodedEntry;
  const replaces = new Set<string>();
  const rows = e.r.map(([time, measureName, dims, multi, values, version, replaced]): StoredRow => {
    const timeNs = BigInt(time);
    const dimensions = dims.map(([n, v]) => [n, v] as const);
    const key = recordKey(timeNs, measureName, dimensions);
    if (replaced === 1) replaces.add(key);
    return {
      key,
      timeNs,
      measureName,
      dimensions,
      multi: multi === 1,
      values: values.map(decodeValue),
      version: BigInt(version),
    };
  });
  return {
    seq,
    purgeBeforeNs: e.p === undefined ? undefined : BigInt(e.p),
    columns: e.c.map(([name, kind, type]) => ({ name, kind, type })),
    measures: e.m.map(([n, dataType, dims]) => [n, { dataType, dimensions: new Set(dims) }] as const),
    rows,
    replaces,
  };
}
