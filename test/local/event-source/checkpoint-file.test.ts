import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointFile, CheckpointFileError } from '#local/event-source';

describe('CheckpointFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'checkpoints-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty without a file and reads back what it saved, leaving no temp file', async () => {
    const file = new CheckpointFile(join(dir, 'nested', 'writer.json'), 'readings');
    expect(await file.load()).toEqual({});
    await file.save({ 'shardId-000000000000': { sequenceNumber: '123' } });
    const again = new CheckpointFile(join(dir, 'nested', 'writer.json'), 'readings');
    expect(await again.load()).toEqual({ 'shardId-000000000000': { sequenceNumber: '123' } });
    expect(await readdir(join(dir, 'nested'))).toEqual(['writer.json']);
  });

  it('ends with the latest state when saves overlap', async () => {
    const path = join(dir, 'writer.json');
    const file = new CheckpointFile(path, 'readings');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        file.save({ 'shardId-000000000000': { sequenceNumber: String(i) } }),
      ),
    );
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved.shards['shardId-000000000000'].sequenceNumber).toBe('19');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    [
      'a wrong shape',
      JSON.stringify({ version: 1, streamName: 'readings', shards: { s: { sequenceNumber: 'x' } } }),
      /shards/,
    ],
    [
      'another stream',
      JSON.stringify({ version: 1, streamName: 'other', shards: {} }),
      /belongs to stream other/,
    ],
  ])('refuses a file with %s, naming the file', async (_, content, reason) => {
    const path = join(dir, 'writer.json');
    await writeFile(path, content);
    const load = new CheckpointFile(path, 'readings').load();
    await expect(load).rejects.toBeInstanceOf(CheckpointFileError);
    await expect(load).rejects.toThrow(reason);
    await expect(load).rejects.toThrow(path);
  });
});
