import {
  close,
  closeSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  open,
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
import { LocalTimestreamJournalFormatError } from '../errors';
import { headerPrefix, headerSuffix, type JournalEntryHeader, parseHeader } from './journal-entry';

const segmentPattern = /^segment-(\d{16})\.ndjson$/;
const segmentName = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, '0')}.ndjson`;
const newline = 0x0a;
const checksumMark = Buffer.from(',"k":');

interface Segment {
  readonly path: string;
  /** highest seq written to it (0 when none) */
  lastSeq: number;
  /** open while being written */
  fd: number | undefined;
  /** bytes written to it (the end of its last whole entry) */
  bytes: number;
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
 * (SIGKILL), and {@link TableJournal.sync} (called on a timer), the fsync of each sealed segment and the
 * one on close make it survive an OS crash as well. The writer seals the open segment before each apply and
 * releases it once applied: the segment is then deleted. A torn or corrupt tail (a write cut short) is cut off when the journal is opened.
 */
export class TableJournal {
  /** sealed segments not released yet, oldest first */
  private readonly sealed: Segment[] = [];
  private current: Segment | undefined;
  private syncing: Promise<void> | undefined;
  /** fsyncs of sealed segments in flight (each closes its descriptor when done) */
  private readonly finishing = new Set<Promise<void>>();
  /** a segment was created since the directory was last fsynced */
  private dirDirty = false;
  /** close() has begun: later syncs leave the descriptors to it */
  private closing = false;
  /** set when a failed append could not be undone: the open segment's end is not known to be whole */
  private broken: Error | undefined;

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
      journal.sealed.push({
        path,
        lastSeq: read.entries.at(-1)!.seq,
        fd: undefined,
        bytes: read.validBytes,
        dirty: false,
      });
    }
    return { journal, entries };
  }

  /**
   * Appends one entry (its header, then the row lines `rows` holds) with one `write` (not fsynced). When the
   * write fails, the segment is cut back to where the entry began, so that a retry appends after whole
   * entries; if even that fails, every later append fails too (the journal needs a restart, which cuts the
   * torn tail off).
   */
  append(header: JournalEntryHeader, rows: string): void {
    if (this.broken) {
      throw new Error(
        `The journal in ${this.dir} could not be repaired after a failed write (${this.broken.message}); restart the local Timestream to cut the torn entry off.`,
      );
    }
    const rowBytes = Buffer.from(rows);
    const prefix = Buffer.from(headerPrefix(header, rowBytes.length));
    const crc = crc32(rowBytes, crc32(prefix));
    const frame = Buffer.concat([prefix, Buffer.from(headerSuffix(crc)), rowBytes]);
    if (!this.current) {
      const path = join(this.dir, segmentName(header.seq));
      this.current = { path, lastSeq: 0, fd: openSync(path, 'a'), bytes: 0, dirty: false };
      this.dirDirty = true;
    }
    const segment = this.current;
    const fd = segment.fd!;
    let written = 0;
    try {
      while (written < frame.length) written += writeSync(fd, frame, written, frame.length - written);
    } catch (error) {
      if (written > 0) {
        try {
          ftruncateSync(fd, segment.bytes);
        } catch (repair) {
          this.broken = repair instanceof Error ? repair : new Error(String(repair));
        }
      }
      throw error;
    }
    segment.bytes += frame.length;
    segment.lastSeq = header.seq;
    segment.dirty = true;
  }

  /**
   * Ends the open segment (later appends start a new one; it is fsynced and closed in the background) and
   * returns the paths of every segment not yet released, oldest first: what DuckDB reads to apply the
   * entries appended so far.
   */
  seal(): string[] {
    const segment = this.current;
    if (segment) {
      this.current = undefined;
      if (segment.lastSeq === 0) this.discard(segment);
      else {
        this.sealed.push(segment);
        this.finish(segment);
      }
    }
    return this.sealed.map((s) => s.path);
  }

  /** Deletes the sealed segments whose entries are all applied (up to `appliedSeq`). */
  release(appliedSeq: number): void {
    while (this.sealed.length > 0 && this.sealed[0]!.lastSeq <= appliedSeq) {
      // an fsync still in flight closes its descriptor when done; the file can go now
      unlinkSync(this.sealed.shift()!.path);
    }
  }

  /** Flushes the open segment's entries to the disk (fsync, off the event loop); for OS-crash durability. */
  sync(): Promise<void> {
    if (this.syncing) return this.syncing;
    // close() fsyncs what is left itself; a sync started now would race it for the descriptor
    if (this.closing) return Promise.resolve();
    const segment = this.current;
    const dirDirty = this.dirDirty;
    if (!dirDirty && (!segment?.dirty || segment.fd === undefined)) return Promise.resolve();
    this.dirDirty = false;
    const fd = segment?.dirty ? segment.fd : undefined;
    if (fd !== undefined) segment!.dirty = false;
    const syncing = Promise.all([
      fd === undefined ? undefined : fsyncFd(fd),
      // a segment created since the last sync: its directory entry too, or an OS crash may lose the file
      dirDirty ? fsyncPath(this.dir) : undefined,
    ]).then(
      () => {
        this.syncing = undefined;
      },
      (error: unknown) => {
        this.syncing = undefined;
        if (fd !== undefined) segment!.dirty = true;
        if (dirDirty) this.dirDirty = true;
        throw error;
      },
    );
    this.syncing = syncing;
    return syncing;
  }

  /** Fsyncs and closes the segments (entries stay on disk until released). */
  async close(): Promise<void> {
    this.closing = true;
    await this.syncing?.catch(() => undefined);
    await Promise.allSettled([...this.finishing]);
    const segment = this.current;
    this.current = undefined;
    if (segment) {
      if (segment.lastSeq === 0) this.discard(segment);
      else {
        if (segment.dirty && segment.fd !== undefined) fsyncSync(segment.fd);
        this.closeNow(segment);
        this.sealed.push(segment);
      }
    }
    if (this.dirDirty) {
      this.dirDirty = false;
      await fsyncPath(this.dir);
    }
  }

  /** Closes the journal and deletes its directory (the table is gone). */
  async destroy(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Fsyncs a sealed segment in the background, then closes its descriptor. */
  private finish(segment: Segment): void {
    const fd = segment.fd;
    segment.fd = undefined;
    if (fd === undefined) return;
    const dirty = segment.dirty;
    segment.dirty = false;
    // an fsync of the open segment may be running on this descriptor: close only after it
    const before = this.syncing ?? Promise.resolve();
    const done: Promise<void> = before
      .catch(() => undefined)
      .then(
        () =>
          new Promise<void>((resolve) => {
            const closeFd = () => close(fd, () => resolve());
            if (dirty) fsync(fd, closeFd);
            else closeFd();
          }),
      )
      .finally(() => this.finishing.delete(done));
    this.finishing.add(done);
  }

  /**
   * Removes a segment nothing was ever appended to whole (its first append failed): it must not outlive
   * its end under a name a later segment may take.
   */
  private discard(segment: Segment): void {
    this.closeNow(segment);
    unlinkSync(segment.path);
  }

  private closeNow(segment: Segment): void {
    const fd = segment.fd;
    segment.fd = undefined;
    segment.dirty = false;
    if (fd !== undefined) closeSync(fd);
  }
}

const fsyncFd = (fd: number) =>
  new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));

/** Fsyncs a directory (its entries: files created or removed in it). */
function fsyncPath(path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    open(path, 'r', (error, fd) => {
      if (error) return reject(error);
      fsync(fd, (syncError) => close(fd, () => (syncError ? reject(syncError) : resolve())));
    });
  });
}
