import {
  closeSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
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

/** One entry read back from a journal: its sequence number and the bytes given to {@link TableJournal.append}. */
export interface JournalFrame {
  readonly seq: number;
  readonly payload: Buffer;
}

export interface JournalOptions {
  /** a segment file is closed and a new one started once it holds this many bytes (default 16 MiB) */
  readonly segmentBytes?: number;
  /** the open segment is emptied once fully applied and at least this large (default 1 MiB) */
  readonly truncateBytes?: number;
}

/** Frame header: payload length (u32), crc32 of seq + payload (u32), seq (f64). */
const headerBytes = 16;
const segmentPattern = /^segment-(\d{16})\.log$/;
const segmentName = (firstSeq: number) => `segment-${String(firstSeq).padStart(16, '0')}.log`;

interface Segment {
  readonly path: string;
  /** highest seq written to it (0 when none) */
  lastSeq: number;
}

function frameCrc(header: Buffer, payload: Buffer): number {
  return crc32(payload, crc32(header.subarray(8, 16)));
}

/** Reads the whole frames of one segment; `validBytes` ends before the first torn or corrupt frame. */
function readFrames(path: string): { frames: JournalFrame[]; validBytes: number; size: number } {
  const data = readFileSync(path);
  const frames: JournalFrame[] = [];
  let at = 0;
  while (at + headerBytes <= data.length) {
    const length = data.readUInt32LE(at);
    const end = at + headerBytes + length;
    if (end > data.length) break;
    const header = data.subarray(at, at + headerBytes);
    const payload = data.subarray(at + headerBytes, end);
    if (frameCrc(header, payload) !== data.readUInt32LE(at + 4)) break;
    frames.push({ seq: data.readDoubleLE(at + 8), payload: Buffer.from(payload) });
    at = end;
  }
  return { frames, validBytes: at, size: data.length };
}

/**
 * The write-ahead journal of one table: append-only segment files in its own directory, each entry a frame
 * (length, crc32, sequence number, payload). An append is one `write` to the OS (page cache) with no fsync:
 * what was appended survives the process being killed (SIGKILL), and {@link TableJournal.sync} (called on a
 * timer and on close) makes it survive an OS crash as well. A torn or corrupt tail (a write cut short) is
 * cut off when the journal is opened. Segments are deleted (or emptied) once their entries are applied.
 */
export class TableJournal {
  private readonly closedSegments: Segment[] = [];
  private current: Segment | undefined;
  private fd: number | undefined;
  private bytes = 0;
  private dirty = false;
  private syncing: Promise<void> | undefined;
  private readonly segmentBytes: number;
  private readonly truncateBytes: number;

  private constructor(
    readonly dir: string,
    options: JournalOptions,
  ) {
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
    this.truncateBytes = options.truncateBytes ?? 1024 * 1024;
  }

  /**
   * Opens (creating if needed) the journal in `dir` and returns its whole entries in order. A torn tail is
   * truncated away, and segments after it are removed (nothing after a torn write was ever answered).
   */
  static open(dir: string, options: JournalOptions = {}): { journal: TableJournal; frames: JournalFrame[] } {
    mkdirSync(dir, { recursive: true });
    const journal = new TableJournal(dir, options);
    const names = readdirSync(dir)
      .filter((n) => segmentPattern.test(n))
      .sort();
    const frames: JournalFrame[] = [];
    let torn = false;
    for (const name of names) {
      const path = join(dir, name);
      if (torn) {
        unlinkSync(path);
        continue;
      }
      const read = readFrames(path);
      if (read.validBytes < read.size) {
        truncateSync(path, read.validBytes);
        torn = true;
      }
      frames.push(...read.frames);
      journal.closedSegments.push({ path, lastSeq: read.frames.at(-1)?.seq ?? 0 });
    }
    return { journal, frames };
  }

  /** Appends one entry with one `write` call (to the OS, not fsynced). */
  append(seq: number, payload: Buffer): void {
    if (this.fd === undefined || this.bytes >= this.segmentBytes) this.startSegment(seq);
    const frame = Buffer.allocUnsafe(headerBytes + payload.length);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeDoubleLE(seq, 8);
    payload.copy(frame, headerBytes);
    frame.writeUInt32LE(frameCrc(frame.subarray(0, headerBytes), payload), 4);
    let written = 0;
    while (written < frame.length) {
      written += writeSync(this.fd!, frame, written, frame.length - written);
    }
    this.bytes += frame.length;
    this.current!.lastSeq = seq;
    this.dirty = true;
  }

  /** Deletes the segments whose entries are all applied (up to `appliedSeq`); empties a large open one. */
  release(appliedSeq: number): void {
    while (this.closedSegments.length > 0 && this.closedSegments[0]!.lastSeq <= appliedSeq) {
      unlinkSync(this.closedSegments.shift()!.path);
    }
    if (
      this.fd !== undefined &&
      this.current!.lastSeq <= appliedSeq &&
      this.bytes >= this.truncateBytes &&
      this.syncing === undefined
    ) {
      ftruncateSync(this.fd, 0);
      this.bytes = 0;
    }
  }

  /** Flushes appended entries to the disk (fsync, off the event loop); for OS-crash durability. */
  sync(): Promise<void> {
    if (this.syncing) return this.syncing;
    if (!this.dirty || this.fd === undefined) return Promise.resolve();
    const fd = this.fd;
    this.dirty = false;
    const syncing: Promise<void> = new Promise<void>((resolve, reject) => {
      fsync(fd, (error) => {
        if (this.syncing === syncing) this.syncing = undefined;
        if (error) {
          this.dirty = true;
          reject(error);
        } else resolve();
      });
    });
    this.syncing = syncing;
    return syncing;
  }

  /** Fsyncs and closes the open segment (entries stay on disk until released). */
  async close(): Promise<void> {
    await this.syncing?.catch(() => undefined);
    if (this.fd === undefined) return;
    if (this.dirty) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    this.dirty = false;
  }

  /** Closes the journal and deletes its directory (the table is gone). */
  async destroy(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startSegment(firstSeq: number): void {
    if (this.fd !== undefined) {
      if (this.dirty) fsyncSync(this.fd);
      // a sync in flight holds the old descriptor; closing is left to it finishing
      const fd = this.fd;
      if (this.syncing) void this.syncing.finally(() => closeSync(fd)).catch(() => undefined);
      else closeSync(fd);
      this.closedSegments.push(this.current!);
      this.syncing = undefined;
    }
    const path = join(this.dir, segmentName(firstSeq));
    this.fd = openSync(path, 'a');
    this.bytes = fstatSync(this.fd).size;
    this.current = { path, lastSeq: 0 };
    this.dirty = false;
  }
}
