import {
  close,
  closeSync,
  fsync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { LocalTimestreamJournalFormatError } from './errors';
import { headerPrefix, headerSuffix, type JournalEntryHeader, parseHeader } from './journal-entry';

const segmentPattern = /^segment-(\d{16})\.ndjson$/;
const segmentName = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, '0')}.ndjson`;
const newline = 0x0a;
const checksumMark = Buffer.from(',"k":');

interface Segment {
  readonly path: string;
  /** highest seq written to it (0 when none) */
  lastSeq: number;
  /** open while being written, or sealed but not fsynced yet */
  fd: number | undefined;
  /** appended to since the last fsync */
  dirty: boolean;
}

/** Reads the whole entries of one segment; `validBytes` ends before the first torn or corrupt entry. */
function readEntries(path: string): { entries: JournalEntryHeader[]; validBytes: number; size: number } {
  const data = readFileSync(path);
  const entries: JournalEntryHeader[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf(newline, at);
    if (end < 0) break;
    const parsed = parseHeader(data.toString('utf8', at, end));
    if (!parsed) break;
    const rowsStart = end + 1;
    const rowsEnd = rowsStart + parsed.rowBytes;
    if (rowsEnd > data.length) break;
    const mark = data.lastIndexOf(checksumMark, end);
    if (mark < at) break;
    const crc = crc32(data.subarray(rowsStart, rowsEnd), crc32(data.subarray(at, mark)));
    if (crc !== parsed.crc) break;
    entries.push(parsed.header);
    at = rowsEnd;
  }
  return { entries, validBytes: at, size: data.length };
}

/**
 * The write-ahead journal of one table: segment files in its own directory, each a newline-delimited JSON
 * file of entries (see journal-entry.ts) that DuckDB reads directly when applying them. An append is one
 * `write` to the OS (page cache) with no fsync: what was appended survives the process being killed
 * (SIGKILL), and {@link TableJournal.sync} (called on a timer and on close) makes it survive an OS crash as
 * well. The writer seals the open segment before each apply and releases it once applied: the segment is
 * then deleted. A torn or corrupt tail (a write cut short) is cut off when the journal is opened.
 */
export class TableJournal {
  /** sealed segments not released yet, oldest first */
  private readonly sealed: Segment[] = [];
  private current: Segment | undefined;
  private syncing: Promise<void> | undefined;

  private constructor(readonly dir: string) {}

  /**
   * Opens (creating if needed) the journal in `dir` and returns the headers of its whole entries in order;
   * the segments found are sealed. A torn tail is truncated away, and segments after it are removed (nothing
   * after a torn write was ever answered).
   *
   * @throws LocalTimestreamJournalFormatError when the directory holds files of another journal format
   */
  static open(dir: string): { journal: TableJournal; entries: JournalEntryHeader[] } {
    mkdirSync(dir, { recursive: true });
    const journal = new TableJournal(dir);
    const files = readdirSync(dir);
    const foreign = files.filter((n) => !segmentPattern.test(n));
    if (foreign.length > 0) throw new LocalTimestreamJournalFormatError(dir, foreign);
    const entries: JournalEntryHeader[] = [];
    let torn = false;
    for (const name of files.sort()) {
      const path = join(dir, name);
      if (torn) {
        unlinkSync(path);
        continue;
      }
      const read = readEntries(path);
      if (read.validBytes < read.size) torn = true;
      if (read.validBytes === 0) {
        // nothing whole in it: a new segment may start under this name
        unlinkSync(path);
        continue;
      }
      if (torn) truncateSync(path, read.validBytes);
      entries.push(...read.entries);
      journal.sealed.push({ path, lastSeq: read.entries.at(-1)!.seq, fd: undefined, dirty: false });
    }
    return { journal, entries };
  }

  /** Appends one entry (its header, then the row lines `rows` holds) with one `write` (not fsynced). */
  append(header: JournalEntryHeader, rows: string): void {
    const rowBytes = Buffer.from(rows);
    const prefix = Buffer.from(headerPrefix(header, rowBytes.length));
    const crc = crc32(rowBytes, crc32(prefix));
    const frame = Buffer.concat([prefix, Buffer.from(headerSuffix(crc)), rowBytes]);
    if (!this.current) {
      const path = join(this.dir, segmentName(header.seq));
      this.current = { path, lastSeq: 0, fd: openSync(path, 'a'), dirty: false };
    }
    const fd = this.current.fd!;
    let written = 0;
    while (written < frame.length) written += writeSync(fd, frame, written, frame.length - written);
    this.current.lastSeq = header.seq;
    this.current.dirty = true;
  }

  /**
   * Ends the open segment (later appends start a new one) and returns the paths of every segment not yet
   * released, oldest first: what DuckDB reads to apply the entries appended so far.
   */
  seal(): string[] {
    if (this.current) {
      const segment = this.current;
      this.current = undefined;
      if (!segment.dirty) this.closeSegment(segment);
      this.sealed.push(segment);
    }
    return this.sealed.filter((s) => s.lastSeq > 0).map((s) => s.path);
  }

  /** Deletes the sealed segments whose entries are all applied (up to `appliedSeq`). */
  release(appliedSeq: number): void {
    while (this.sealed.length > 0 && this.sealed[0]!.lastSeq <= appliedSeq) {
      const segment = this.sealed.shift()!;
      // applied entries are durable in DuckDB: an fsync still pending is not needed any more
      this.closeSegment(segment);
      unlinkSync(segment.path);
    }
  }

  /** Flushes appended entries to the disk (fsync, off the event loop); for OS-crash durability. */
  sync(): Promise<void> {
    if (this.syncing) return this.syncing;
    const segments = [...this.sealed, ...(this.current ? [this.current] : [])].filter(
      (s) => s.dirty && s.fd !== undefined,
    );
    if (segments.length === 0) return Promise.resolve();
    const syncing = Promise.all(
      segments.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const fd = s.fd!;
            s.dirty = false;
            fsync(fd, (error) => {
              if (error) {
                s.dirty = true;
                reject(error);
                return;
              }
              // a sealed segment is written no more: its descriptor can go
              if (s !== this.current && s.fd === fd && !s.dirty) {
                s.fd = undefined;
                close(fd, () => undefined);
              }
              resolve();
            });
          }),
      ),
    ).then(
      () => {
        this.syncing = undefined;
      },
      (error: unknown) => {
        this.syncing = undefined;
        throw error;
      },
    );
    this.syncing = syncing;
    return syncing;
  }

  /** Fsyncs and closes the segments (entries stay on disk until released). */
  async close(): Promise<void> {
    await this.syncing?.catch(() => undefined);
    for (const s of [...this.sealed, ...(this.current ? [this.current] : [])]) {
      if (s.fd === undefined) continue;
      if (s.dirty) fsyncSync(s.fd);
      this.closeSegment(s);
    }
    if (this.current) this.sealed.push(this.current);
    this.current = undefined;
  }

  /** Closes the journal and deletes its directory (the table is gone). */
  async destroy(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private closeSegment(segment: Segment): void {
    const fd = segment.fd;
    segment.fd = undefined;
    segment.dirty = false;
    // an fsync in flight holds the descriptor: it is closed by the fsync's callback check above
    if (fd !== undefined && !this.syncing) closeSync(fd);
    else if (fd !== undefined) void this.syncing!.finally(() => closeSync(fd)).catch(() => undefined);
  }
}
