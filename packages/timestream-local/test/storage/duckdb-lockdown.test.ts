import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalTimestreamStore } from '../../src/storage/store';

// Defence in depth behind the SQL translation: even SQL that reached DuckDB unchecked could read no file
// but the journals, load no extension and change no setting.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the store opens DuckDB locked down', () => {
  it('refuses other files, extensions and setting changes, and applies the memory and thread settings', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-timestream-lockdown-'));
    dirs.push(dataDir);
    const secret = join(dataDir, 'token-secret');
    writeFileSync(secret, 'not for queries\n');
    const store = await LocalTimestreamStore.open(dataDir, {
      journalSyncMs: 0,
      memoryLimitMb: 300,
      threads: 1,
    });
    const reader = await store.connectReader();
    try {
      await store.lockConfiguration();
      const run = (sql: string) => reader.runAndReadAll(sql).then((r) => r.getRows());
      await expect(run(`SELECT content FROM read_text('${secret}')`)).rejects.toThrow(/Permission Error/);
      await expect(run(`SELECT * FROM glob('${dataDir}/*')`)).rejects.toThrow(/Permission Error/);
      await expect(run(`ATTACH '${join(dataDir, 'other.duckdb')}' AS other`)).rejects.toThrow(
        /Permission Error/,
      );
      await expect(run('INSTALL httpfs')).rejects.toThrow(/Permission Error/);
      await expect(run('SET enable_external_access = true')).rejects.toThrow(/configuration has been locked/);
      await expect(run("SET memory_limit = '100GB'")).rejects.toThrow(/configuration has been locked/);
      expect(
        await run(
          "SELECT current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'), current_setting('threads'), current_setting('memory_limit')",
        ),
      ).toEqual([[false, false, 1n, '300.0 MiB']]);
    } finally {
      reader.closeSync();
      await store.close();
    }
  });
});
