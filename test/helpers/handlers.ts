/**
 * Real event handlers on loopback: each records what it receives (the raw form body and what
 * PHP's $_POST would hold, parsed with qs) and answers as the test tells it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';

export interface Received {
  raw: string;
  post: Record<string, any>;
  headers: IncomingMessage['headers'];
  /** whether the handler answered (a hung request that was cut off did not) */
  answered: boolean;
}

export type Behaviour = 'ok' | '500' | 'hang' | 'close' | 'huge' | 'redirect';

export interface HandlerServer {
  url: string;
  received: Received[];
  behaviour: Behaviour;
  /** resolves when `n` requests arrived (answered or not) */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startHandler(behaviour: Behaviour = 'ok', path = '/handler'): Promise<HandlerServer> {
  const received: Received[] = [];
  const hung = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { raw, post: qs.parse(raw, { depth: 10, arrayLimit: 1000 }) as Record<string, any>, headers: req.headers, answered: false };
      received.push(entry);
      const answer = (status: number, text: string) => {
        entry.answered = true;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      };
      switch (handler.behaviour) {
        case 'ok': return answer(200, 'OK');
        case '500': return answer(500, 'handler failed');
        case 'redirect':
          entry.answered = true;
          return res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
        case 'close': return req.socket.destroy();
        case 'hang':
          hung.add(res);
          return;
        case 'huge': {
          // 100 MB, written as long as the client reads
          entry.answered = true;
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = Buffer.alloc(1024 * 1024, 'x');
          let left = 100;
          const write = () => {
            while (left > 0) {
              left--;
              if (!res.write(chunk)) return void res.once('drain', write);
            }
            res.end();
          };
          res.on('error', () => undefined);
          return write();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const handler: HandlerServer = {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    behaviour,
    async waitFor(n, timeoutMs = 30000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} requests at ${path}, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handler;
}
