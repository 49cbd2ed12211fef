import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#core/config';
import { readLocalSettings } from '#local/runtime/local-settings';
import { type NpmStartChild, startNpmStart } from './npm-start-child';

/** A request with an explicit Host header (fetch does not let one set it). */
function requestWithHost(
  url: string,
  host: string,
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { host, 'content-type': 'application/x-amz-json-1.1' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/** The addresses the sockets listening on `port` are bound to, from /proc/net/tcp (IPv4, Linux). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`))
    .map((f) => {
      const hex = f[1]!.split(':')[0]!;
      return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
    });
}

const portOf = (url: string) => Number(new URL(url).port);

describe('npm start with the ingest and the dashboard exposed on the LAN', () => {
  let started: NpmStartChild;
  const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-exposed-'));
  beforeAll(async () => {
    started = await startNpmStart({
      INGEST_PORT: '0',
      KINESIS_PORT: '0',
      TIMESTREAM_PORT: '0',
      DASHBOARD_PORT: '0',
      DATA_DIR: dataDir,
      INGEST_HOST: '0.0.0.0',
      DASHBOARD_HOST: '0.0.0.0',
      ALLOWED_HOSTS: 'pipeline.lan',
    });
  });
  afterAll(async () => {
    await started?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps kinesalite and the local Timestream on 127.0.0.1 only', () => {
    expect(listeningAddresses(portOf(started.endpoints.kinesis))).toEqual(['127.0.0.1']);
    expect(listeningAddresses(portOf(started.endpoints.timestream))).toEqual(['127.0.0.1']);
    expect(listeningAddresses(portOf(started.endpoints.ingest))).toEqual(['0.0.0.0']);
    expect(listeningAddresses(portOf(started.dashboard))).toEqual(['0.0.0.0']);
  });

  it('refuses a request with Host: evil.example on the ingest, the dashboard and kinesalite (DNS rebinding)', async () => {
    const ingest = `http://127.0.0.1:${portOf(started.endpoints.ingest)}`;
    const dashboard = `http://127.0.0.1:${portOf(started.dashboard)}`;
    for (const url of [`${ingest}/health`, `${dashboard}/`]) {
      const refused = await requestWithHost(url, 'evil.example');
      expect(refused.status, url).toBe(421);
      expect(JSON.parse(refused.body).error, url).toContain('does not answer to Host "evil.example"');
    }
    const kinesis = await requestWithHost(
      started.endpoints.kinesis,
      `evil.example:${portOf(started.endpoints.kinesis)}`,
      'POST',
    );
    expect(kinesis.status).toBe(421);
    // their own names, and the configured LAN name, are answered
    expect((await requestWithHost(`${ingest}/health`, `pipeline.lan:${portOf(ingest)}`)).status).toBe(200);
    expect((await requestWithHost(`${dashboard}/`, `localhost:${portOf(dashboard)}`)).status).toBe(200);
    // the printed endpoints (and the curl line) are usable as they are
    expect(started.endpoints.ingest).toBe(ingest);
    expect((await fetch(`${started.dashboard}/`)).status).toBe(200);
  });
});

describe('local settings: exposure is explicit', () => {
  it('keeps LOCAL_HOST as a deprecated alias of INGEST_HOST and DASHBOARD_HOST, with a warning', () => {
    const settings = readLocalSettings({ LOCAL_HOST: '0.0.0.0', DASHBOARD_HOST: '127.0.0.1' });
    expect([settings.ingestHost, settings.dashboardHost]).toEqual(['0.0.0.0', '127.0.0.1']);
    expect(settings.warnings.join('\n')).toContain('LOCAL_HOST is deprecated');
    expect(readLocalSettings({}).warnings).toEqual([]);
    expect([readLocalSettings({}).ingestHost, readLocalSettings({}).dashboardHost]).toEqual([
      '127.0.0.1',
      '127.0.0.1',
    ]);
  });

  it('refuses a host that is not an address, and limits that contradict each other', () => {
    expect(() => readLocalSettings({ INGEST_HOST: 'my box' })).toThrow(ConfigError);
    expect(() => readLocalSettings({ INGEST_HOST: 'my box' })).toThrow(
      /INGEST_HOST="my box": must be an IP address/,
    );
    expect(() =>
      readLocalSettings({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }),
    ).toThrow(/HTTP_REQUEST_TIMEOUT_MS=10000 is shorter than HTTP_HEADERS_TIMEOUT_MS=20000/);
    expect(() => readLocalSettings({ SERVICE_MAX_RESTARTS: '-1' })).toThrow(/SERVICE_MAX_RESTARTS="-1"/);
  });
});
