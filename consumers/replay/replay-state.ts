import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where a replay stands, persisted after every batch so that an interrupted replay can continue. */
export interface ReplayState {
  readonly streamName: string;
  /** ISO */
  readonly from: string;
  /** ISO, or undefined for "up to the tip" */
  readonly to?: string;
  /** shard id -> last sequence number fully written, and whether the shard is done */
  readonly shards: Record<string, { readonly lastSequenceNumber?: string; readonly done: boolean }>;
  readonly records: number;
  readonly readings: number;
  readonly minTimeMs?: number;
  readonly maxTimeMs?: number;
  readonly finished: boolean;
}

export async function loadReplayState(file: string): Promise<ReplayState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ReplayState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `${file}: cannot read the replay state (${(error as Error).message}); delete it to start over`,
    );
  }
}

/** Writes the state atomically (temp file + rename), so that a crash never leaves half a file. */
export async function saveReplayState(file: string, state: ReplayState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(state, null, 2));
  await rename(temp, file);
}
