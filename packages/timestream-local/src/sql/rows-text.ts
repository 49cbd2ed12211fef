import type { Row } from '@aws-sdk/client-timestream-query';

/**
 * A query's rows as the JSON text the Query API sends, in one buffer: row i is `{"Data":[...]}`, and every
 * row after the first is preceded by a comma, so that any run of rows is a ready-made JSON array body.
 * Pages are cut from it without serializing anything again.
 */
export class RowsText {
  private constructor(
    private readonly bytes: Buffer,
    /** byte offset just past each row */
    private readonly ends: readonly number[],
  ) {}

  /** How many rows. */
  get count(): number {
    return this.ends.length;
  }

  /** Bytes row `i` takes on the wire, its separating comma included. */
  byteLength(i: number): number {
    return (this.ends[i] ?? 0) - (i === 0 ? 0 : (this.ends[i - 1] ?? 0));
  }

  /** Rows [from, to) as the items of a JSON array (`{...},{...}`), without copying. */
  slice(from: number, to: number): Buffer {
    if (to <= from) return this.bytes.subarray(0, 0);
    const start = from === 0 ? 0 : (this.ends[from - 1] ?? 0) + 1;
    return this.bytes.subarray(start, this.ends[to - 1]);
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
  static of(bytes: Buffer, ends: readonly number[]): RowsText {
    return new RowsText(bytes, ends);
  }
}

/** Appends rows' JSON texts into one growing buffer. */
export class RowsTextWriter {
  private bytes: Buffer;
  private at = 0;
  private readonly ends: number[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(Math.max(1024, initialBytes));
  }

  /** Room for `bytes` more bytes. */
  private reserve(bytes: number): void {
    if (this.at + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.at + bytes));
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }

  /** Appends rows given as their JSON texts (`{"Data":[...]}`), written into the buffer in one go. */
  append(rowsJson: readonly string[]): void {
    if (rowsJson.length === 0) return;
    const text = rowsJson.join(',');
    // UTF-8 takes at most 3 bytes per UTF-16 unit, and the comma one more
    this.reserve(text.length * 3 + 1);
    if (this.ends.length > 0) this.bytes[this.at++] = 0x2c; // ','
    const start = this.at;
    const written = this.bytes.write(text, start, 'utf8');
    this.at += written;
    // all ASCII (the common case): every row's bytes are its characters
    const ascii = written === text.length;
    let end = start;
    for (let i = 0; i < rowsJson.length; i++) {
      const row = rowsJson[i] as string;
      end += (i > 0 ? 1 : 0) + (ascii ? row.length : Buffer.byteLength(row, 'utf8'));
      this.ends.push(end);
    }
  }

  /**
   * Appends rows given as UTF-8 bytes: their JSON texts joined by commas, with each row's byte length
   * (its text's, without the comma).
   */
  appendJoined(joined: Uint8Array, byteLengths: readonly number[]): void {
    if (byteLengths.length === 0) return;
    let total = byteLengths.length - 1;
    for (const length of byteLengths) total += length;
    if (total !== joined.length) {
      throw new Error(`rows of ${total} bytes in all expected, got ${joined.length} bytes`);
    }
    this.reserve(joined.length + 1);
    if (this.ends.length > 0) this.bytes[this.at++] = 0x2c; // ','
    this.bytes.set(joined, this.at);
    let end = this.at;
    for (let i = 0; i < byteLengths.length; i++) {
      end += (i > 0 ? 1 : 0) + (byteLengths[i] as number);
      this.ends.push(end);
    }
    this.at += joined.length;
  }

  finish(): RowsText {
    return RowsText.of(this.bytes.subarray(0, this.at), this.ends);
  }
}
