import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { App } from '../rest/context.js';
import { dispatch } from '../rest/dispatcher.js';
import { RestError } from '../rest/errors.js';
import type { Params } from '../rest/params.js';
import { parseJsonBody, parseQueryString, splitParams } from '../rest/request-params.js';
import { routeRestPath } from './route.js';
import { toJson } from './json.js';
import { toXml } from './xml.js';

const COMMON_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'origin, content-type, accept, authorization',
  'x-content-type-options': 'nosniff',
};

/** A hook for modules (OAuth pages, admin endpoints) that add their own routes. */
import type { RouteInstaller } from '../rest/context.js';

export type { RouteInstaller };

export async function buildServer(app: App, installers: RouteInstaller[] = []): Promise<FastifyInstance> {
  const server = Fastify({
    logger: {
      level: app.config.logLevel,
      // the webhook secret is part of the path: never let a URL reach the log
      serializers: { req: (req) => ({ method: req.method, id: req.id }) },
    },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: app.config.bodyLimit,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreDuplicateSlashes: true, ignoreTrailingSlash: true },
    clientErrorHandler: answerClientError,
  });

  installBodyParsers(server, app.config.bodyLimit);

  server.addHook('onSend', async (_req, reply) => {
    reply.headers(COMMON_HEADERS);
  });

  server.setErrorHandler((error, request, reply) => {
    const restError = errorFromFramework(error);
    if (restError.code === 'INTERNAL_SERVER_ERROR') request.log.error({ err: error }, 'request failed');
    void sendError(reply, restError, request.id as string);
  });

  server.setNotFoundHandler((request, reply) => {
    void sendError(reply, new RestError('NOT_FOUND', `Nothing at ${request.method} ${safePath(request.url)}`), request.id as string);
  });

  server.get('/', async () => ({
    name: 'Roster',
    about: 'Bitrix24-compatible messenger directory server',
    rest: '/rest/{userId}/{secret}/{method} or /rest/{method} with a token',
  }));

  server.options('/rest/*', async (_req, reply) => reply.code(204).send());
  server.route({
    method: ['GET', 'POST'],
    url: '/rest/*',
    handler: (request, reply) => handleRest(app, request, reply),
  });

  for (const install of installers) await install(server, app);
  return server;
}

async function handleRest(app: App, request: FastifyRequest, reply: FastifyReply) {
  const [path, query = ''] = splitUrl(request.raw.url ?? '/');
  const route = routeRestPath(path);
  const queryParams = parseQueryString(query);
  const body = request.method === 'POST' ? ((request.body as Params | undefined) ?? {}) : {};
  const { params, token } = splitParams(queryParams, body);
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const response = route
    ? await dispatch(app, {
        method: route.method,
        params,
        credentials: route.webhook ? { webhook: route.webhook } : { token: bearer ?? token },
        baseUrl: baseUrlOf(app, request),
        requestId: request.id as string,
      })
    : { status: 404, body: new RestError('ERROR_METHOD_NOT_FOUND').toWire() };
  if (route?.transport === 'xml') {
    return reply.code(response.status).type('application/xml; charset=utf-8').send(toXml(response.body));
  }
  return reply.code(response.status).type('application/json; charset=utf-8').send(toJson(response.body));
}

/**
 * Requests Node's parser refuses before they reach a route (oversized URL or headers, broken
 * HTTP): the same JSON error shape as everything else, on the raw socket.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const restError = new RestError(error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST');
  const body = JSON.stringify(restError.toWire());
  if (socket.writable) {
    const headers = Object.entries(COMMON_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(
      `HTTP/1.1 ${restError.status} ${STATUS_CODES[restError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function splitUrl(url: string): [string, string] {
  const i = url.indexOf('?');
  return i < 0 ? [url, ''] : [url.slice(0, i), url.slice(i + 1)];
}

/** Paths can hold webhook secrets: show only the first segments in messages. */
function safePath(url: string): string {
  return splitUrl(url)[0].split('/').slice(0, 3).join('/').slice(0, 100);
}

function baseUrlOf(app: App, request: FastifyRequest): string {
  if (app.config.publicUrl) return app.config.publicUrl.replace(/\/+$/, '');
  const host = request.headers.host ?? '';
  const safeHost = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : `${app.config.host}:${app.config.port}`;
  return `${request.protocol}://${safeHost}`;
}

function sendError(reply: FastifyReply, error: RestError, requestId: string) {
  const body = error.code === 'INTERNAL_SERVER_ERROR' ? { ...error.toWire(), error_description: `Internal server error (request ${requestId})` } : error.toWire();
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

function errorFromFramework(error: unknown): RestError {
  if (error instanceof RestError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new RestError('PAYLOAD_TOO_LARGE', 'Request body is larger than the server accepts');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new RestError('ERROR_ARGUMENT', e.message ?? 'Bad request');
  }
  return new RestError('INTERNAL_SERVER_ERROR');
}

function installBodyParsers(server: FastifyInstance, bodyLimit: number) {
  server.removeAllContentTypeParsers();
  const asJson = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  server.addContentTypeParser('application/json', { parseAs: 'string' }, asJson);
  server.addContentTypeParser(/^application\/[\w.-]+\+json\s*(;|$)/, { parseAs: 'string' }, asJson);
  server.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    const pairs: string[] = [];
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      payload.resume();
      done(error, undefined);
    };
    let busboy: BusboyInstance;
    try {
      busboy = new Busboy({ headers: request.headers as BusboyHeaders, limits: { fieldSize: bodyLimit, fields: 100000, fileSize: bodyLimit } });
    } catch {
      return fail(new RestError('ERROR_ARGUMENT', 'Malformed multipart body'));
    }
    let received = 0;
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > bodyLimit) fail(new RestError('PAYLOAD_TOO_LARGE', `Request body is larger than ${bodyLimit} bytes`));
    });
    busboy.on('field', (name: string, value: string) => {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    });
    busboy.on('file', (_name: string, file: NodeJS.ReadableStream) => file.resume()); // files carry no directory parameters
    busboy.on('finish', () => {
      if (failed) return;
      try {
        done(null, parseQueryString(pairs.join('&')));
      } catch (error) {
        fail(error as Error);
      }
    });
    busboy.on('error', () => fail(new RestError('ERROR_ARGUMENT', 'Malformed multipart body')));
    payload.pipe(busboy);
  });
  // urlencoded forms, and any other body read as a query string, as upstream does
  server.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseQueryString(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
