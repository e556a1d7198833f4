/**
 * Server-Sent Events streams (the change stream, the journal's stream): the response taken over
 * from Fastify, a comment now and then so that proxies keep an idle stream open, and the
 * client's read pace made visible (`full`, `drained`), so that a stream serves a slow client from
 * its own table or ring at the client's pace instead of buffering without bound.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Per-client stream limits (tests shorten them). */
export const streamLimits = {
  /** a comment this often keeps proxies from closing an idle stream */
  heartbeatMs: 15_000,
  /** live records waiting for a client beyond this: it is served from the table or ring instead */
  maxBufferedBytes: 1024 * 1024,
  /** a client that reads nothing for this long is dropped */
  stallMs: 30_000,
  /** records read from the table at once */
  page: 500,
};

export interface EventStream {
  raw: ServerResponse;
  /** the client went away (or was dropped) */
  readonly closed: boolean;
  /** what was written waits in the socket's buffer: stop writing until `drained` */
  full: boolean;
  /** writes one event (or comment) unless the client is gone */
  write(text: string): void;
  /** resolves true once the client read what was buffered, false when it did not for `stallMs` or left */
  drained(): Promise<boolean>;
  /** called once, when the client goes away */
  onClose(listener: () => void): void;
}

/**
 * Answers the request with an event stream: status 200, the SSE headers, a reconnection delay of
 * one second. `streams` holds it while it is open (the server ends them all when it closes).
 */
export function openEventStream(reply: FastifyReply, streams: Set<ServerResponse>): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  raw.write('retry: 1000\n\n');
  streams.add(raw);
  let closed = false;
  const stream: EventStream = {
    raw,
    get closed() {
      return closed;
    },
    full: false,
    write(text) {
      if (closed) return;
      stream.full = !raw.write(text) || stream.full;
    },
    drained: () =>
      new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          raw.off('drain', onDrain);
          raw.off('close', onClose);
          resolve(ok);
        };
        const onDrain = () => done(true);
        const onClose = () => done(false);
        const timer = setTimeout(() => done(false), streamLimits.stallMs);
        raw.on('drain', onDrain);
        raw.on('close', onClose);
      }),
    onClose: (listener) => raw.on('close', listener),
  };
  const heartbeat = setInterval(() => {
    if (!stream.full) stream.write(': ping\n\n');
  }, streamLimits.heartbeatMs);
  heartbeat.unref();
  raw.on('close', () => {
    closed = true;
    clearInterval(heartbeat);
    streams.delete(raw);
  });
  return stream;
}
