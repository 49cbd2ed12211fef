import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedHostHeaders, type HttpLimits, type ServedApp, serveApp } from '#adapters/serve-app';

/** A GET with an explicit Host header (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const seen: { errors: unknown[]; logged: { message: string; attributes: Record<string, unknown> }[] } = {
  errors: [],
  logged: [],
};
const app = new Hono();
app.get('/', (c) => c.text('ok'));
app.post('/readings-path', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
app.onError((error, c) => {
  seen.errors.push(error);
  return c.text('failed', error instanceof HTTPException ? error.status : 500);
});

let served: ServedApp | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await served?.close();
  served = undefined;
  seen.errors.length = 0;
  seen.logged.length = 0;
});

async function start(limits?: HttpLimits) {
  served = await serveApp({
    fetch: app.fetch,
    port: 0,
    name: 'test server',
    portVariable: 'TEST_PORT',
    ...(limits ? { limits } : {}),
    logger: { info: (message, attributes) => seen.logged.push({ message, attributes }) },
  });
  return served;
}

/** Opens a socket that sends half a request header and nothing more; resolves once connected. */
function slowClient(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    // read what the server sends (its 408), so that its closing of the connection is seen
    socket.resume();
    socket.once('connect', () => {
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

describe('serveApp: the Host check (DNS rebinding)', () => {
  it('answers 421 with a clear body to a Host that is not its own, and serves its own names', async () => {
    const { url, port } = await start();
    const refused = await getWithHost(url, 'evil.example');
    expect(refused.status).toBe(421);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'misdirected_request' });
    expect(JSON.parse(refused.body).error).toContain('does not answer to Host "evil.example"');
    expect((await getWithHost(url, `evil.example:${port}`)).status).toBe(421);
    expect((await getWithHost(url, `127.0.0.1:${port + 1}`)).status).toBe(421);
    for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await getWithHost(url, own)).status, own).toBe(200);
    }
  });

  it('accepts the names given for a LAN exposure, with the port', () => {
    const accepts = acceptedHostHeaders({ host: '192.168.1.10', port: 3000, extraNames: ['pipeline.lan'] });
    expect(['192.168.1.10:3000', 'pipeline.lan:3000', 'localhost:3000'].map(accepts)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['pipeline.lan', 'evil.example:3000', '192.168.1.11:3000', undefined].map(accepts)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('serveApp: slow clients', () => {
  const limits: HttpLimits = {
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    keepAliveTimeoutMs: 1_000,
    maxConnections: 1_000,
  };

  it('answers a normal request while 200 clients hold half a header, then closes them at the header timeout', async () => {
    // Prepare
    const { url, port } = await start(limits);
    const slow = await Promise.all(Array.from({ length: 200 }, () => slowClient(port)));
    const startedAt = Date.now();

    // Act
    const normal = await fetch(url);

    // Assess
    expect(normal.status).toBe(200);
    expect(await normal.text()).toBe('ok');
    let closed = 0;
    for (const s of slow) void s.closed.then(() => closed++);
    await expect.poll(() => closed, { timeout: 15_000, interval: 100 }).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
  }, 30_000);

  it('closes connections beyond maxConnections at once, and serves again once the slow ones time out', async () => {
    const { url, port } = await start({ ...limits, maxConnections: 20 });
    const slow = await Promise.all(Array.from({ length: 20 }, () => slowClient(port)));
    const extra = await slowClient(port);
    await extra.closed;
    expect(slow.filter((s) => s.socket.destroyed)).toEqual([]);
    await Promise.all(slow.map((s) => s.closed));
    await expect.poll(async () => (await fetch(url)).status, { timeout: 10_000 }).toBe(200);
  }, 30_000);
});

describe('serveApp: a client that goes away in the middle of its body', () => {
  it('is one INFO line, and the app sees a 400 HTTPException, not an error of its own', async () => {
    const { port } = await start();
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /readings-path HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"co2":`,
    );
    await expect.poll(() => seen.logged.length, { timeout: 5_000 }).toBe(0);
    socket.destroy();
    await expect.poll(() => seen.errors.length, { timeout: 5_000 }).toBe(1);
    expect(seen.errors[0]).toBeInstanceOf(HTTPException);
    expect((seen.errors[0] as HTTPException).status).toBe(400);
    expect(seen.logged).toEqual([
      {
        message: 'request aborted by the client',
        attributes: { method: 'POST', path: '/readings-path', bodyBytesReceived: 7, contentLength: '1000' },
      },
    ]);
  });
});
