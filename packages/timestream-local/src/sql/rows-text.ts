import type { Row } from '@aws-sdk/client-timestream-query';

const comma = Buffer.from(',');

/**
 * A query's rows as the JSON text the Query API sends: row i is `{"Data":[...]}`, and every row after the
 * first is preceded by a comma, so that any run of rows is a ready-made JSON array body. The text is kept in
 * segments (each a run of rows joined by commas; the comma between two segments is implied), so that the
 * blocks DuckDB wrote are kept as they came, never copied into one buffer; pages are sent as views of them
 * (see {@link RowsText.pieces}), without serializing or copying anything again.
 */
export class RowsText {
  private constructor(
    private readonly segments: readonly Buffer[],
    /** offset of each segment's first byte in the whole text (commas between segments counted) */
    private readonly segmentStarts: readonly number[],
    /** offset just past each row in the whole text */
    private readonly ends: Float64Array,
  ) {}

  /** How many rows. */
  get count(): number {
    return this.ends.length;
  }

  /** Bytes row `i` takes on the wire, its separating comma included. */
  byteLength(i: number): number {
    return (this.ends[i] ?? 0) - (i === 0 ? 0 : (this.ends[i - 1] ?? 0));
  }

  /**
   * Where a page starting at row `from` ends: as many rows as fit in `maxBytes` on the wire (row by row, each
   * with its separating comma after the first) and `maxRows`, but at least one. A binary search over the rows'
   * ends, not a walk over the rows.
   */
  pageEnd(from: number, maxRows: number, maxBytes: number): number {
    if (from >= this.count) return from;
    const base = from === 0 ? 0 : (this.ends[from - 1] as number);
    const last = Math.min(this.count, from + maxRows);
    // the first row past `from` whose end is beyond base + maxBytes
    let lo = from;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ends[mid] as number) - base <= maxBytes) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(lo, from + 1);
  }

  /** Rows [from, to) as the items of a JSON array (`{...},{...}`), in pieces that are views of the text. */
  pieces(from: number, to: number): Buffer[] {
    if (to <= from) return [];
    const start = from === 0 ? 0 : (this.ends[from - 1] ?? 0) + 1;
    const end = this.ends[to - 1] ?? 0;
    // the last segment starting at or before `start`
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.segmentStarts[mid] ?? 0) <= start) lo = mid;
      else hi = mid - 1;
    }
    const out: Buffer[] = [];
    for (let k = lo; k < this.segments.length; k++) {
      const segmentStart = this.segmentStarts[k] ?? 0;
      if (segmentStart >= end) break;
      const segment = this.segments[k] as Buffer;
      if (out.length > 0) out.push(comma);
      out.push(
        segment.subarray(Math.max(0, start - segmentStart), Math.min(segment.length, end - segmentStart)),
      );
    }
    return out;
  }

  /** Rows [from, to) as the items of a JSON array (`{...},{...}`), in one buffer. */
  slice(from: number, to: number): Buffer {
    const pieces = this.pieces(from, to);
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
  }

  /** Rows [from, to) as objects (callers inside the process, tests). */
  toRows(from = 0, to = this.count): Row[] {
    return JSON.parse(`[${this.slice(from, to).toString('utf8')}]`) as Row[];
  }

  /** Rows built as objects (SHOW and DESCRIBE answers). */
  static fromRows(rows: readonly Row[]): RowsText {
    const writer = new RowsTextWriter(rows.length * 64);
    writer.append(rows.map((row) => JSON.stringify(row)));
    return writer.finish();
  }

  /** For {@link RowsTextWriter}. */
  static of(segments: readonly Buffer[], segmentStarts: readonly number[], ends: Float64Array): RowsText {
    return new RowsText(segments, segmentStarts, ends);
  }
}

/**
 * Appends rows' JSON texts: rows given as strings are written into one growing buffer; rows given as UTF-8
 * bytes already joined ({@link RowsTextWriter.appendJoined}) are kept as they are, as segments of their own.
 */
export class RowsTextWriter {
  private bytes: Buffer;
  private at = 0;
  /** where the run of rows written into `bytes` since the last segment was closed begins */
  private openStart = 0;
  /** offset of that run in the whole text */
  private openTextStart = 0;
  private openRows = 0;
  private readonly segments: Buffer[] = [];
  private readonly segmentStarts: number[] = [];
  /** offset just past each row in the whole text: the first `rows` entries */
  private ends = new Float64Array(1024);
  private rows = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(Math.max(1024, initialBytes));
  }

  /** Where the next row starts in the whole text (after the comma that separates it from the last). */
  private get nextRowStart(): number {
    return this.rows === 0 ? 0 : (this.ends[this.rows - 1] as number) + 1;
  }

  /** Room for `bytes` more bytes. */
  private reserve(bytes: number): void {
    if (this.at + bytes <= this.bytes.length) return;
    // the closed segments keep their views of the old buffer; only the open run moves
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at - this.openStart + bytes));
    this.bytes.copy(grown, 0, this.openStart, this.at);
    this.at -= this.openStart;
    this.openStart = 0;
    this.bytes = grown;
  }

  /** Room for `rows` more row ends. */
  private reserveRows(rows: number): void {
    if (this.rows + rows <= this.ends.length) return;
    const grown = new Float64Array(Math.max(this.ends.length * 2, this.rows + rows));
    grown.set(this.ends.subarray(0, this.rows));
    this.ends = grown;
  }

  /** Closes the run of rows written into the buffer as a segment. */
  private closeRun(): void {
    if (this.openRows === 0) return;
    this.segments.push(this.bytes.subarray(this.openStart, this.at));
    this.segmentStarts.push(this.openTextStart);
    this.openStart = this.at;
    this.openRows = 0;
  }

  /** Appends rows given as their JSON texts (`{"Data":[...]}`), written into the buffer in one go. */
  append(rowsJson: readonly string[]): void {
    if (rowsJson.length === 0) return;
    const text = rowsJson.join(',');
    // UTF-8 takes at most 3 bytes per UTF-16 unit, and the comma one more
    this.reserve(text.length * 3 + 1);
    if (this.openRows === 0) this.openTextStart = this.nextRowStart;
    else this.bytes[this.at++] = 0x2c; // ','
    const start = this.at;
    const written = this.bytes.write(text, start, 'utf8');
    this.at += written;
    this.openRows += rowsJson.length;
    // all ASCII (the common case): every row's bytes are its characters
    const ascii = written === text.length;
    let end = this.openTextStart + (start - this.openStart);
    this.reserveRows(rowsJson.length);
    for (let i = 0; i < rowsJson.length; i++) {
      const row = rowsJson[i] as string;
      end += (i > 0 ? 1 : 0) + (ascii ? row.length : Buffer.byteLength(row, 'utf8'));
      this.ends[this.rows++] = end;
    }
  }

  /**
   * Appends rows given as UTF-8 bytes: their JSON texts joined by commas, with each row's byte length
   * (its text's, without the comma). The bytes are kept, not copied: they must not change afterwards.
   */
  appendJoined(joined: Uint8Array, byteLengths: readonly number[]): void {
    if (byteLengths.length === 0) return;
    let total = byteLengths.length - 1;
    for (const length of byteLengths) total += length;
    if (total !== joined.length) {
      throw new Error(`rows of ${total} bytes in all expected, got ${joined.length} bytes`);
    }
    this.closeRun();
    const start = this.nextRowStart;
    this.segments.push(Buffer.from(joined.buffer, joined.byteOffset, joined.length));
    this.segmentStarts.push(start);
    let end = start;
    this.reserveRows(byteLengths.length);
    for (let i = 0; i < byteLengths.length; i++) {
      end += (i > 0 ? 1 : 0) + (byteLengths[i] as number);
      this.ends[this.rows++] = end;
    }
  }

  finish(): RowsText {
    this.closeRun();
    return RowsText.of(this.segments, this.segmentStarts, this.ends.subarray(0, this.rows));
  }
}
