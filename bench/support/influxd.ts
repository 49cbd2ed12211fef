import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { mapWithConcurrency } from '#adapters/map-with-concurrency';

const gzip = promisify(gzipCallback);

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** CPU time (user + system, ms) of this Node process so far. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Wall time and the CPU time of this process and of influxd over `run`. */
export async function measured<T>(influxdPid: number, run: () => Promise<T>) {
  const cpu0 = ownCpuMs();
  const server0 = processCpuMs(influxdPid);
  const began = performance.now();
  const result = await run();
  return {
    result,
    wallMs: performance.now() - began,
    ownCpuMs: ownCpuMs() - cpu0,
    serverCpuMs: processCpuMs(influxdPid) - server0,
  };
}

/**
 * Raw line-protocol writes, without the pipeline's client: `lines` in batches of `linesPerRequest`, each
 * gzipped (level `gzipLevel`, as the writer's client does) and POSTed to `/write?db=..&precision=ms`,
 * `concurrency` requests in flight. Fails on any answer but 204.
 */
export async function postLines(
  url: string,
  database: string,
  lines: readonly string[],
  options: { linesPerRequest: number; concurrency: number; gzipLevel: number },
): Promise<void> {
  const batches: (readonly string[])[] = [];
  for (let i = 0; i < lines.length; i += options.linesPerRequest) {
    batches.push(lines.slice(i, i + options.linesPerRequest));
  }
  const target = `${url}/write?${new URLSearchParams({ db: database, precision: 'ms' })}`;
  await mapWithConcurrency(batches, options.concurrency, async (batch) => {
    const body = await gzip(Buffer.from(batch.join('\n'), 'utf8'), { level: options.gzipLevel });
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Encoding': 'gzip' },
      body: new Uint8Array(body),
    });
    const text = await response.text();
    if (response.status !== 204) throw new Error(`POST /write answered ${response.status}: ${text}`);
  });
}

/** Runs InfluxQL with a plain GET (or POST for statements that change something); returns the parsed JSON. */
export async function influxQl(
  url: string,
  database: string | undefined,
  q: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<{
  results: {
    series?: { name?: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> }[];
    error?: string;
  }[];
}> {
  const params = new URLSearchParams({ q, epoch: 'ms' });
  if (database !== undefined) params.set('db', database);
  const response = await fetch(`${url}/query?${params}`, { method });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`InfluxQL ${q.slice(0, 80)} answered ${response.status}: ${text}`);
  const parsed = JSON.parse(text) as Awaited<ReturnType<typeof influxQl>>;
  const failed = parsed.results.find((r) => r.error !== undefined);
  if (failed) throw new Error(`InfluxQL ${q.slice(0, 80)} failed: ${failed.error}`);
  return parsed;
}

/** `SELECT count(field) FROM measurement` as a number (0 when the measurement is empty). */
export async function countPoints(url: string, database: string, measurement: string, field: string) {
  const { results } = await influxQl(url, database, `SELECT count("${field}") FROM "${measurement}"`);
  return Number(results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
}

/**
 * Waits until influxd has snapshotted its in-memory cache to TSM files and no compaction runs (from
 * `SHOW STATS`): data at rest, as days older than today are. Needs influxd started with a short
 * `INFLUXDB_DATA_CACHE_SNAPSHOT_WRITE_COLD_DURATION`. Fails after `timeoutMs`.
 */
export async function waitForDataAtRest(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  let quiet = 0;
  while (Date.now() < deadline) {
    const { results } = await influxQl(url, undefined, 'SHOW STATS');
    let cacheBytes = 0;
    let active = 0;
    for (const s of results[0]?.series ?? []) {
      const row = s.values[0] ?? [];
      s.columns.forEach((c, i) => {
        if (s.name === 'tsm1_cache' && c === 'memBytes') cacheBytes += Number(row[i]);
        if (s.name === 'tsm1_engine' && /Active$/.test(c)) active += Number(row[i]);
      });
    }
    state = `${cacheBytes} bytes in the cache, ${active} compactions active`;
    quiet = cacheBytes === 0 && active === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`influxd did not put its data at rest within ${timeoutMs} ms (${state})`);
}
