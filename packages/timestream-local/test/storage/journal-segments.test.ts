import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/client-timestream-query';
import { WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalTimestreamJournalFormatError, LocalTimestreamReplayError } from '../../src/errors';
import type { ParsedRecord } from '../../src/operations/parsed-record';
import { TableJournal } from '../../src/storage/journal';
import { encodeJsonString, encodeRow, type JournalEntryHeader } from '../../src/storage/journal-entry';
import { createTable, doubleRecord, type Fixture, startFixture } from '../local-timestream-fixture';

const dirs: string[] = [];
const fixtures: Fixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0).reverse()) await f.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-segments-'));
  dirs.push(dir);
  return dir;
}

const header = (seq: number, rows: number, replaces = 0): JournalEntryHeader => ({
  seq,
  rows,
  columns: seq === 1 ? [{ name: 'deviceId', kind: 'dimension', type: 'VARCHAR' }] : [],
  measures: [],
  replaces,
});

function record(device: string, timeNs: bigint, value: number): ParsedRecord {
  return {
    index: 0,
    timeNs,
    dimensions: [['deviceId', device]],
    measureName: 'co2',
    multi: false,
    values: [{ name: 'co2', type: 'DOUBLE', value }],
    version: 1n,
    key: `${timeNs}`,
    fingerprint: String(value),
  };
}

const rowsOf = (seq: number, devices: string[]) =>
  devices
    .map((d, i) => encodeRow(record(d, BigInt(seq * 1000 + i), seq + i / 10), seq, false, '"co2"', () => 0))
    .join('');

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((n) => join(dir, n));
}

describe('journal segments', () => {
  it('reads back the entries appended, across seals, in order', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 2), rowsOf(1, ['a', 'b']));
    journal.append(header(2, 1), rowsOf(2, ['c']));
    expect(journal.seal()).toHaveLength(1);
    journal.append({ ...header(3, 0), purgeBeforeNs: 123n }, '');
    await journal.close();

    const { journal: again, entries } = TableJournal.open(dir);
    await again.close();
    expect(entries.map((e) => [e.seq, e.rows])).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
    expect(entries[0]!.columns).toEqual([{ name: 'deviceId', kind: 'dimension', type: 'VARCHAR' }]);
    expect(entries[2]!.purgeBeforeNs).toBe(123n);
    expect(segmentFiles(dir)).toHaveLength(2);
  });

  it('cuts a torn tail off and drops the segments after it', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 2), rowsOf(1, ['a', 'b']));
    journal.append(header(2, 2), rowsOf(2, ['c', 'd']));
    journal.seal();
    journal.append(header(3, 1), rowsOf(3, ['e']));
    await journal.close();
    const [first, second] = segmentFiles(dir);
    const whole = readFileSync(first!);
    // the second entry's last row cut short, as by a write the process did not finish
    writeFileSync(first!, whole.subarray(0, whole.length - 5));

    const { journal: again, entries } = TableJournal.open(dir);
    await again.close();
    expect(entries.map((e) => e.seq)).toEqual([1]);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(statSync(first!).size).toBe(whole.indexOf('\n{"h":2') + 1);
    expect(segmentFiles(dir)).not.toContain(second);
  });

  it('finds a changed byte by its checksum', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 1), rowsOf(1, ['a']));
    journal.append(header(2, 1), rowsOf(2, ['b']));
    await journal.close();
    const [file] = segmentFiles(dir);
    const text = readFileSync(file!, 'utf8');
    // same length, valid JSON, other value: only the checksum tells
    writeFileSync(file!, text.replace('"c0":"b"', '"c0":"x"'));
    const { journal: again, entries } = TableJournal.open(dir);
    await again.close();
    expect(entries.map((e) => e.seq)).toEqual([1]);
  });

  it('removes a segment with nothing whole in it, so that a new one can take its name', async () => {
    const dir = tempDir();
    appendFileSync(join(dir, 'segment-0000000000000001.ndjson'), '{"h":1,"n":1,"b":40');
    const { journal, entries } = TableJournal.open(dir);
    expect(entries).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    journal.append(header(1, 1), rowsOf(1, ['a']));
    journal.seal();
    journal.release(0);
    expect(readdirSync(dir)).toEqual(['segment-0000000000000001.ndjson']);
    await journal.close();
  });

  it('refuses a directory holding files that are not segments, naming them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'segment-0000000000000001.log'), 'old');
    expect(() => TableJournal.open(dir)).toThrow(LocalTimestreamJournalFormatError);
    expect(() => TableJournal.open(dir)).toThrow(/segment-0000000000000001\.log/);
  });

  it('deletes sealed segments once applied, keeps the rest', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 1), rowsOf(1, ['a']));
    journal.seal();
    journal.append(header(2, 1), rowsOf(2, ['b']));
    const files = journal.seal();
    expect(files).toHaveLength(2);
    journal.release(1);
    expect(segmentFiles(dir)).toEqual([files[1]]);
    journal.release(2);
    expect(readdirSync(dir)).toEqual([]);
    await journal.close();
  });

  it('writes rows DuckDB reads back exactly: escapes, lone surrogates, int64 and double extremes', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    const values = [0.1, -1e-300, 1.7976931348623157e308, 5e-324, 123456789.12345679];
    const devices = [
      'plain',
      'quote " back \\ slash',
      'tab\tnew\nline\u0000nul',
      'lone \ud800 surrogate',
      '日本語',
    ];
    let text = '';
    values.forEach((value, i) => {
      text += encodeRow(
        { ...record(devices[i]!, 9_223_372_036_854_775_807n - BigInt(i), value), version: 2n ** 62n },
        1,
        i === 0,
        encodeJsonString('co2 "x"'),
        () => 0,
      );
    });
    journal.append(header(1, values.length), text);
    const files = journal.seal();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const read = await connection.runAndReadAll(
      `SELECT t, mn, v, r, sd, c0 FROM read_ndjson(['${files[0]}'], columns = {'s': 'BIGINT', 't': 'BIGINT', 'mn': 'VARCHAR', 'v': 'BIGINT', 'r': 'INTEGER', 'sd': 'DOUBLE', 'c0': 'VARCHAR'}) WHERE s IS NOT NULL`,
    );
    const rows = read.getRows();
    connection.closeSync();
    instance.closeSync();
    await journal.close();
    expect(rows.map((r) => r[0])).toEqual(values.map((_, i) => 9_223_372_036_854_775_807n - BigInt(i)));
    expect(rows.map((r) => r[1])).toEqual(values.map(() => 'co2 "x"'));
    expect(rows.map((r) => r[2])).toEqual(values.map(() => 2n ** 62n));
    expect(rows.map((r) => r[3])).toEqual([1, null, null, null, null]);
    expect(rows.map((r) => r[4])).toEqual(values);
    expect(rows.map((r) => r[5])).toEqual([...devices.slice(0, 3), 'lone \ufffd surrogate', '日本語']);
  });

  it('stores a dimension value with a lone surrogate as U+FFFD through the API', async () => {
    const f = await startFixture();
    fixtures.push(f);
    await createTable(f.write, 'Odd', 'readings');
    await f.write.send(
      new WriteRecordsCommand({
        DatabaseName: 'Odd',
        TableName: 'readings',
        Records: [doubleRecord('dev \ud83d end', 'co2', '1.5', Date.now() - 1000)],
      }),
    );
    const out = await f.query.send(
      new QueryCommand({ QueryString: 'SELECT deviceId, measure_value::double FROM "Odd"."readings"' }),
    );
    expect(out.Rows?.map((r) => r.Data?.map((d) => d.ScalarValue))).toEqual([['dev \ufffd end', '1.5']]);
  });
});

describe('journal writes that fail', () => {
  const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
  const realWriteSync = fs.writeSync;
  const realFtruncateSync = fs.ftruncateSync;
  const realOpen = fs.open;
  const realFsync = fs.fsync;
  /** Replaces fs functions for the journal module too (its named imports are refreshed). */
  function patch(changes: Partial<Pick<typeof fs, 'writeSync' | 'ftruncateSync' | 'open' | 'fsync'>>): void {
    Object.assign(fs, changes);
    syncBuiltinESMExports();
  }
  afterEach(() => {
    patch({ writeSync: realWriteSync, ftruncateSync: realFtruncateSync, open: realOpen, fsync: realFsync });
  });

  it('fsyncs the directory with the next sync after a segment is created, not on every sync', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    const opened = new Map<number, string>();
    const synced: string[] = [];
    patch({
      open: ((path: string, flags: string, callback: (e: Error | null, fd: number) => void) =>
        realOpen(path, flags, (error, fd) => {
          if (!error) opened.set(fd, path);
          callback(error, fd);
        })) as typeof fs.open,
      fsync: ((fd: number, callback: (e: Error | null) => void) => {
        synced.push(opened.get(fd) ?? 'segment');
        realFsync(fd, callback);
      }) as typeof fs.fsync,
    });
    journal.append(header(1, 1), rowsOf(1, ['a']));
    await journal.sync();
    expect(synced.sort()).toEqual([dir, 'segment'].sort());
    synced.length = 0;
    journal.append(header(2, 1), rowsOf(2, ['b']));
    await journal.sync();
    expect(synced).toEqual(['segment']);
    await journal.close();
  });
  const diskFull = () =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

  it('cuts a partly written entry back, so the retried entry follows whole ones', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 2), rowsOf(1, ['a', 'b']));
    let calls = 0;
    patch({
      writeSync: ((fd: number, buffer: Buffer, offset: number, length: number) => {
        calls++;
        if (calls === 1) return realWriteSync(fd, buffer, offset, Math.floor(length / 2));
        throw diskFull();
      }) as typeof fs.writeSync,
    });
    expect(() => journal.append(header(2, 2), rowsOf(2, ['c', 'd']))).toThrow(/ENOSPC/);
    patch({ writeSync: realWriteSync });
    journal.append(header(2, 2), rowsOf(2, ['c', 'd']));
    const files = journal.seal();
    await journal.close();
    const { journal: again, entries } = TableJournal.open(dir);
    await again.close();
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
    // and DuckDB reads the segment: no torn line in it
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const read = await connection.runAndReadAll(
      `SELECT count(*) FROM read_ndjson(['${files[0]}'], columns = {'s': 'BIGINT', 'c0': 'VARCHAR'}) WHERE s IS NOT NULL`,
    );
    connection.closeSync();
    instance.closeSync();
    expect(Number(read.getRows()[0]![0])).toBe(4);
  });

  it('refuses every later append when a partly written entry cannot be cut back', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 1), rowsOf(1, ['a']));
    let calls = 0;
    patch({
      writeSync: ((fd: number, buffer: Buffer, offset: number) => {
        calls++;
        if (calls === 1) return realWriteSync(fd, buffer, offset, 10);
        throw diskFull();
      }) as typeof fs.writeSync,
      ftruncateSync: (() => {
        throw new Error('EIO: i/o error, ftruncate');
      }) as typeof fs.ftruncateSync,
    });
    expect(() => journal.append(header(2, 1), rowsOf(2, ['b']))).toThrow(/ENOSPC/);
    patch({ writeSync: realWriteSync, ftruncateSync: realFtruncateSync });
    expect(() => journal.append(header(2, 1), rowsOf(2, ['b']))).toThrow(
      /could not be repaired after a failed write \(EIO.*restart the local Timestream/,
    );
    await journal.close();
    // a restart cuts the torn entry off and keeps the whole one
    const { journal: again, entries } = TableJournal.open(dir);
    await again.close();
    expect(entries.map((e) => e.seq)).toEqual([1]);
  });

  it('does not keep an empty segment past a seal: a later entry under its name survives the release', async () => {
    const dir = tempDir();
    const { journal } = TableJournal.open(dir);
    journal.append(header(1, 1), rowsOf(1, ['a']));
    journal.seal();
    patch({
      writeSync: (() => {
        throw diskFull();
      }) as typeof fs.writeSync,
    });
    // the first write into a new segment fails: the segment file exists, empty
    expect(() => journal.append(header(2, 1), rowsOf(2, ['b']))).toThrow(/ENOSPC/);
    patch({ writeSync: realWriteSync });
    // an apply is retried meanwhile: it seals
    expect(journal.seal()).toHaveLength(1);
    // the call is retried under the same seq, answered, then the first segment is applied and released
    journal.append(header(2, 1), rowsOf(2, ['b']));
    const files = journal.seal();
    journal.release(1);
    expect(segmentFiles(dir)).toEqual([files[1]]);
    await journal.close();
    const { journal: again, entries } = TableJournal.open(dir);
    await again.close();
    expect(entries.map((e) => e.seq)).toEqual([2]);
  });
});

describe('a journal DuckDB refuses at start', () => {
  it('stops the start with an error that names the table, the directory and what to do', async () => {
    const dataDir = tempDir();
    const f = await startFixture({ dataDir });
    await createTable(f.write, 'Poison', 'readings');
    await f.close();
    // an answered entry whose row DuckDB cannot cast (a version that is not a number)
    const { journal } = TableJournal.open(join(dataDir, 'journal', 'table-1'));
    journal.append(
      { seq: 1, rows: 1, columns: [], measures: [], replaces: 0 },
      '{"s":1,"t":1795000000000000000,"mn":"m","v":"not a number","sd":1}\n',
    );
    await journal.close();
    const started = startFixture({ dataDir });
    await expect(started).rejects.toThrow(LocalTimestreamReplayError);
    await expect(started).rejects.toThrow(
      /journal of table Poison\.readings in .*table-1 could not be applied at start: .*move that directory away/s,
    );
  });
});
