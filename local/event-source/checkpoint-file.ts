import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CheckpointFileError } from './errors';

/** Where a shard stands: the last sequence number fully processed, and whether the (closed) shard is done. */
export interface ShardCheckpoint {
  readonly sequenceNumber?: string;
  /** The shard is closed and every record of it was processed (or reported): it is never read again. */
  readonly finished?: boolean;
}

/** The checkpoints of one stream, per shard id. */
export type Checkpoints = Readonly<Record<string, ShardCheckpoint>>;

const fileSchema = z.object({
  version: z.literal(1),
  streamName: z.string(),
  shards: z.record(
    z.string(),
    z.object({ sequenceNumber: z.string().regex(/^\d+$/).optional(), finished: z.boolean().optional() }),
  ),
  updatedAt: z.string().optional(),
});

/**
 * Checkpoints kept in a JSON file, written atomically (temp file + rename) so that a crash leaves either the
 * old or the new file, never half of one. Saves are serialised; a save asked for while one runs is coalesced
 * into the next write, which always carries the latest state.
 */
export class CheckpointFile {
  private pending: Checkpoints | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    readonly file: string,
    readonly streamName: string,
  ) {}

  /** Reads the file; a missing file means no checkpoints. Fails with {@link CheckpointFileError} when unreadable or for another stream. */
  async load(): Promise<Checkpoints> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new CheckpointFileError(this.file, (error as Error).message, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CheckpointFileError(this.file, `not JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      throw new CheckpointFileError(
        this.file,
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    if (parsed.data.streamName !== this.streamName) {
      throw new CheckpointFileError(
        this.file,
        `it belongs to stream ${parsed.data.streamName}, not ${this.streamName}`,
      );
    }
    return parsed.data.shards;
  }

  /** Persists `checkpoints` (the whole state); resolves once it, or a later state, is on disk. */
  save(checkpoints: Checkpoints): Promise<void> {
    this.pending = checkpoints;
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.pending !== undefined) {
      const shards = this.pending;
      this.pending = undefined;
      const body = JSON.stringify(
        { version: 1, streamName: this.streamName, shards, updatedAt: new Date().toISOString() },
        null,
        2,
      );
      const temp = `${this.file}.${process.pid}.tmp`;
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temp, `${body}\n`, 'utf8');
      await rename(temp, this.file);
    }
  }
}
