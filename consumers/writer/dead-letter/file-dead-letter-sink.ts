import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeadLetter, DeadLetterSink, StoredDeadLetter } from './dead-letter-sink';

/**
 * Adapter for the local stack: appends dead letters as JSON lines to a file, fsynced before `send` resolves.
 * Removal rewrites the file atomically (temp file + rename). One process writes it at a time.
 */
export class FileDeadLetterSink implements DeadLetterSink {
  readonly target: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {
    this.target = `file ${file}`;
  }

  send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    return this.serialized(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const handle = await open(this.file, 'a');
      try {
        await handle.write(letters.map((l) => `${JSON.stringify(l)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async list(limit: number): Promise<StoredDeadLetter[]> {
    const letters = await this.readAll();
    return letters.slice(0, limit).map((letter) => ({ letter, handle: letter.id }));
  }

  remove(handles: readonly string[]): Promise<void> {
    const gone = new Set(handles);
    return this.serialized(async () => {
      const kept = (await this.readAll()).filter((l) => !gone.has(l.id));
      const temp = `${this.file}.${randomUUID()}.tmp`;
      const handle = await open(temp, 'w');
      try {
        await handle.write(kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
    });
  }

  private async readAll(): Promise<DeadLetter[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const letters: DeadLetter[] = [];
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        letters.push(JSON.parse(line) as DeadLetter);
      } catch {
        // a line torn by a crash mid-append: keep going, but say where
        throw new Error(`${this.file}:${i + 1}: not a JSON dead letter; remove or repair that line`);
      }
    }
    return letters;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
