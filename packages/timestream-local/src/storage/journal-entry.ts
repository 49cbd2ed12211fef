import type { ParsedRecord, TypedValue, ValueType } from '../operations/write-request';
import type { MeasureDataType } from './catalog';
import type { MeasureRecord } from './metadata-store';
import type { ExtraColumn } from './storage-layout';

/**
 * The journal's line format. A journal segment is a newline-delimited JSON file that DuckDB reads with
 * `read_ndjson`, so applying journaled writes is one `INSERT ... SELECT` run by DuckDB, off the event loop.
 *
 * An entry (what one group of WriteRecords calls changed in a table) is a header line followed by one line
 * per accepted row:
 * - header: `{"h":seq,"n":rows,"b":rowBytes,"p":"purgeNs","c":[columns],"m":[measures],"x":replaces,"k":crc}`;
 *   `k` is the CRC-32 of the header text before `,"k":` and of the row lines, so a torn or corrupt entry is
 *   found when the journal is opened.
 * - row: `{"s":seq,"t":timeNs,"mn":"measure","v":version,"r":1,"sd":1.5,"c0":"dev-1","c3":2.5}`: `r` when it
 *   replaces a row stored before; `sd|sb|sx|so|st` a single measure's DOUBLE, BIGINT, VARCHAR, BOOLEAN or
 *   TIMESTAMP (ns) value; `c<n>` the table's n-th added column (a dimension or a MULTI measure value).
 * No row key is a header key, so header lines read as rows with a NULL `s` and are filtered out.
 */

/** What an entry changed besides its rows: read back from its header without reading the rows. */
export interface JournalEntryHeader {
  /** position in the table's journal (1, 2, ...); the applied position is stored with the data */
  readonly seq: number;
  /** rows (lines) that follow the header */
  readonly rows: number;
  /** rows with time before this are deleted (retention), when set */
  readonly purgeBeforeNs?: bigint;
  /** columns added to the table, in order (their ordinals continue the table's) */
  readonly columns: readonly ExtraColumn[];
  /** measures created or grown, with their state after this entry */
  readonly measures: ReadonlyArray<readonly [string, MeasureRecord]>;
  /** rows that replace a row decided earlier (a higher version of it) */
  readonly replaces: number;
}

/** Key of a single measure's value, by type. */
export const singleValueKey: Record<ValueType, string> = {
  DOUBLE: 'sd',
  BIGINT: 'sb',
  VARCHAR: 'sx',
  BOOLEAN: 'so',
  TIMESTAMP: 'st',
};

/** Key of the n-th added column of a table. */
export const columnKey = (ordinal: number) => `c${ordinal}`;

/** A JSON string DuckDB can store: a lone surrogate becomes U+FFFD (what a UTF-8 conversion does). */
export function encodeJsonString(s: string): string {
  return JSON.stringify(s.isWellFormed() ? s : s.toWellFormed());
}

function jsonValue(v: TypedValue): string {
  return v.type === 'VARCHAR' ? encodeJsonString(v.value as string) : String(v.value);
}

/**
 * Appends the line of one accepted row to `out`. `ordinalOf` gives the ordinal of each dimension and
 * MULTI value column (all of them are decided before the row is encoded).
 */
export function encodeRow(
  rec: ParsedRecord,
  seq: number,
  replaces: boolean,
  measureNameJson: string,
  ordinalOf: (name: string) => number,
): string {
  let line = `{"s":${seq},"t":${rec.timeNs},"mn":${measureNameJson},"v":${rec.version}`;
  if (replaces) line += ',"r":1';
  const values = rec.values;
  if (rec.multi) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      line += `,"c${ordinalOf(v.name)}":${jsonValue(v)}`;
    }
  } else {
    const v = values[0]!;
    line += `,"${singleValueKey[v.type]}":${jsonValue(v)}`;
  }
  const dims = rec.dimensions;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    line += `,"c${ordinalOf(d[0])}":${encodeJsonString(d[1])}`;
  }
  return `${line}}\n`;
}

type EncodedColumn = [string, ExtraColumn['kind'], ValueType];
type EncodedMeasure = [string, MeasureDataType, string[]];
interface EncodedHeader {
  h: number;
  n: number;
  b: number;
  p?: string;
  c: EncodedColumn[];
  m: EncodedMeasure[];
  x: number;
  k?: number;
}

/** The header line's text before its checksum: `{"h":...,"x":n` (the checksum and `}` follow). */
export function headerPrefix(header: JournalEntryHeader, rowBytes: number): string {
  const encoded: EncodedHeader = {
    h: header.seq,
    n: header.rows,
    b: rowBytes,
    c: header.columns.map((c) => [c.name, c.kind, c.type]),
    m: header.measures.map(([n, m]) => [n, m.dataType, [...m.dimensions]]),
    x: header.replaces,
  };
  if (header.purgeBeforeNs !== undefined) encoded.p = String(header.purgeBeforeNs);
  const text = JSON.stringify(encoded);
  return text.slice(0, -1);
}

/** The text that ends a header line after {@link headerPrefix}. */
export const headerSuffix = (crc: number) => `,"k":${crc}}\n`;

/** Reads a header line (without its newline); undefined when it is not one. */
export function parseHeader(
  line: string,
): { header: JournalEntryHeader; rowBytes: number; crc: number } | undefined {
  let e: EncodedHeader;
  try {
    e = JSON.parse(line) as EncodedHeader;
  } catch {
    return undefined;
  }
  if (
    typeof e !== 'object' ||
    e === null ||
    !Number.isSafeInteger(e.h) ||
    !Number.isSafeInteger(e.n) ||
    !Number.isSafeInteger(e.b) ||
    typeof e.k !== 'number' ||
    !Array.isArray(e.c) ||
    !Array.isArray(e.m)
  ) {
    return undefined;
  }
  return {
    header: {
      seq: e.h,
      rows: e.n,
      purgeBeforeNs: e.p === undefined ? undefined : BigInt(e.p),
      columns: e.c.map(([name, kind, type]) => ({ name, kind, type })),
      measures: e.m.map(([n, dataType, dims]) => [n, { dataType, dimensions: new Set(dims) }] as const),
      replaces: e.x ?? 0,
    },
    rowBytes: e.b,
    crc: e.k,
  };
}
