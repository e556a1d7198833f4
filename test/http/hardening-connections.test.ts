/**
 * Issue 9, finding 11: a client that sends its request slowly (or never) is cut off by the
 * request and header timeouts, on HTTP and HTTPS alike, and the number of open connections per
 * listener is capped. Meanwhile everyone else is served.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { startRoster, type TestRoster } from '../helpers/roster.js';

type Opener = () => Socket;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Opens a socket, runs `drip` on it every 100 ms until the server closes it; resolves with what the server sent. */
function untilClosed(open: Opener, first: string, drip: string): Promise<{ received: string; drips: number }> {
  return new Promise((resolve, reject) => {
    const socket = open();
    let received = '';
    let drips = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (received += c));
    socket.on('error', () => undefined); // a reset is a way of being cut off too
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, drips });
    });
    socket.once(socket instanceof Object && 'encrypted' in socket ? 'secureConnect' : 'connect', () => {
      socket.write(first);
      timer = setInterval(() => {
        if (socket.writable) {
          socket.write(drip);
          drips++;
        }
      }, 100);
    });
    setTimeout(() => reject(new Error('the server never closed the slow connection')), 60000).unref();
  });
}

const SLOW_BODY = 'POST /rest/1/nosuchsecret/server.time HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\na=';
const SLOW_HEADERS = 'GET /rest/server.time HTTP/1.1\r\nHost: x\r\n';

describe('timeouts and the connection limit (finding 11)', () => {
  let r: TestRoster;
  let dataDir: string;
  let httpPort: number;
  let httpsPort: number;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-conn-'));
    r = await startRoster({ config: { requestTimeout: 2, headersTimeout: 1, keepAliveTimeout: 1, tls: true, tlsPort: await freePort(), dataDir } });
    httpPort = Number(new URL(r.roster.httpUrl!).port);
    httpsPort = Number(new URL(r.roster.https!.url).port);
  });
  after(async () => {
    await r.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const openers: Record<string, Opener> = {
    HTTP: () => netConnect(httpPort, '127.0.0.1'),
    HTTPS: () => tlsConnect({ port: httpsPort, host: '127.0.0.1', rejectUnauthorized: false }),
  };

  for (const [name, open] of Object.entries(openers)) {
    it(`${name}: a client sending its body a byte at a time is cut off, and others are served meanwhile`, async () => {
      const slow = untilClosed(open, SLOW_BODY, 'a');
      const time = await fetch(`${r.roster.httpUrl}/rest/server.time`);
      assert.equal(time.status, 401, 'answered while the slow client holds its connection');
      const { received, drips } = await slow;
      assert.ok(drips > 0, 'the client had been sending');
      assert.ok(received === '' || /^HTTP\/1\.1 408 /.test(received), received.slice(0, 200));
      if (received) assert.match(received, /"error":"REQUEST_TIMEOUT"/);
    });

    it(`${name}: a client sending its headers a line at a time is cut off`, async () => {
      const { drips } = await untilClosed(open, SLOW_HEADERS, 'X-Slow: 1\r\n');
      assert.ok(drips > 0);
    });
  }
});

describe('the connection limit (finding 11)', () => {
  let r: TestRoster;
  before(async () => {
    r = await startRoster({ config: { maxConnections: 3 } });
  });
  after(() => r.close());

  it('closes connections over the limit at once and serves again when one frees up', async () => {
    const port = Number(new URL(r.url).port);
    const open = () =>
      new Promise<Socket>((resolve) => {
        const s = netConnect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => undefined);
      });
    const held = [await open(), await open(), await open()];
    const count = () => new Promise<number>((resolve) => r.roster.server.server.getConnections((_e, n) => resolve(n)));
    while ((await count()) < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const extra = await open();
    const closed = await new Promise<string>((resolve) => {
      let text = '';
      extra.setEncoding('utf8');
      extra.on('data', (c: string) => (text += c));
      extra.on('close', () => resolve(text));
      extra.write('GET /rest/server.time HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    assert.equal(closed, '', 'the fourth connection got no answer');
    held[0]!.destroy();
    while ((await count()) >= 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const res = await r.fetch('/rest/server.time', { headers: { connection: 'close' } });
    assert.equal(res.status, 401);
    for (const s of held) s.destroy();
  });
});
