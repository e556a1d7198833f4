import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { App } from '../rest/context.js';
import { dispatch } from '../rest/dispatcher.js';
import { RestError } from '../rest/errors.js';
import type { Params } from '../rest/params.js';
import { buildParamsYielding, tooManyParams } from '../rest/bracket-params.js';
import { checkShape, decodeLimits, parseFormBody, parseJsonBody, parseQueryString, splitParams, type DecodeLimits } from '../rest/request-params.js';
import type { Config } from '../config.js';
import { routeRestPath } from './route.js';
import { answerTooLarge, toJsonSliced, type LentJson } from './json.js';
import { toXml } from './xml.js';

const COMMON_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'origin, content-type, accept, authorization',
  'x-content-type-options': 'nosniff',
};

/** A hook for modules (OAuth pages, admin endpoints) that add their own routes. */
import type { RouteInstaller } from '../rest/context.js';
import { baseUrlOf } from '../rest/base-url.js';

export type { RouteInstaller };

/**
 * Connection limits of every listener (HTTP here, HTTPS in tls.ts): a client that sends its
 * request slowly, or not at all, is cut off after the timeouts and holds only its socket meanwhile.
 */
export function connectionOptions(config: Pick<Config, 'requestTimeout' | 'headersTimeout' | 'keepAliveTimeout'>) {
  const requestTimeout = Math.round(config.requestTimeout * 1000);
  return {
    requestTimeout,
    headersTimeout: Math.min(Math.round(config.headersTimeout * 1000), requestTimeout),
    keepAliveTimeout: Math.round(config.keepAliveTimeout * 1000),
    // how often Node looks for connections past those timeouts (its default is 30 s)
    connectionsCheckingInterval: Math.min(1000, requestTimeout),
  };
}

/**
 * Fastify sets these on its server itself, overriding what `http` says. No idle-socket timeout:
 * a long batch sends nothing until it answers, and the request timeout covers slow senders.
 */
function fastifyTimeouts(config: Config) {
  const { requestTimeout, keepAliveTimeout } = connectionOptions(config);
  return { requestTimeout, keepAliveTimeout };
}

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
    // a bad URL and the like: Roster's error shape, never the URL (it can hold a webhook secret)
    frameworkErrors: (error, request, reply) => void sendError(reply, errorFromFramework(error), request.id as string),
    ...fastifyTimeouts(app.config),
    http: connectionOptions(app.config),
  });
  server.server.maxConnections = app.config.maxConnections;

  installBodyParsers(server, app.config.bodyLimit, decodeLimits(app.config));

  // a callback, not an async function: this runs for every answer, and a promise per hook shows in profiles
  server.addHook('onSend', (_req, reply, payload, done) => {
    reply.headers(COMMON_HEADERS);
    done(null, payload);
  });

  server.setErrorHandler((error, request, reply) => {
    const restError = errorFromFramework(error);
    if (restError.code === 'INTERNAL_SERVER_ERROR') request.log.error({ err: error }, 'request failed');
    void sendError(reply, restError, request.id as string);
  });

  server.setNotFoundHandler((request, reply) => {
    void sendError(reply, new RestError('NOT_FOUND', `Nothing at ${request.method} ${safePath(request.url)}`), request.id as string);
  });

  // `/` is the web console's (src/http/console/routes.ts): HTML to browsers, the old JSON line to others

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
  const limits = decodeLimits(app.config);
  const queryParams = parseQueryString(query, limits);
  const body = request.method === 'POST' ? ((request.body as Params | undefined) ?? {}) : {};
  // JSON bodies come as JSON.parse made them: nesting and size are bounded here, before any method walks them
  checkShape(body, limits);
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
  if ('drop' in response && response.drop) {
    // a scripted fault (control plane): the client sees the connection close without an answer
    reply.hijack();
    request.raw.socket.destroy();
    return;
  }
  // the cap is checked while the answer is built, before it is whole
  const max = app.config.maxAnswerBytes;
  if (route?.transport === 'xml') {
    const xml = toXml(response.body);
    if (xml.length > max) return sendError(reply, answerTooLarge(max), request.id as string);
    return reply.code(response.status).type('application/xml; charset=utf-8').send(xml);
  }
  let json: LentJson;
  try {
    json = await toJsonSliced(response.body, max);
  } catch (error) {
    if (error instanceof RestError) return sendError(reply, error, request.id as string);
    throw error;
  }
  // the buffer is lent: back once the response has gone out (or its connection is gone)
  reply.raw.once('close', json.release);
  return reply.code(response.status).type('application/json; charset=utf-8').send(json.bytes);
}

/**
 * Requests Node's parser refuses before they reach a route (oversized URL or headers, broken
 * HTTP): the same JSON error shape as everything else, on the raw socket.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const restError = new RestError(
    error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'BAD_REQUEST',
  );
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


function sendError(reply: FastifyReply, error: RestError, requestId: string) {
  const body = error.code === 'INTERNAL_SERVER_ERROR' ? { ...error.toWire(), error_description: `Internal server error (request ${requestId})` } : error.toWire();
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own errors in Roster's shape, with fixed texts: theirs can quote the URL or the body. */
function errorFromFramework(error: unknown): RestError {
  if (error instanceof RestError) return error;
  const e = error as { statusCode?: number; code?: string };
  if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new RestError('PAYLOAD_TOO_LARGE', 'Request body is larger than the server accepts');
  }
  const text = FRAMEWORK_TEXTS[e.code ?? ''];
  if (text) return new RestError('ERROR_ARGUMENT', text);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return new RestError('BAD_REQUEST');
  return new RestError('INTERNAL_SERVER_ERROR');
}

const FRAMEWORK_TEXTS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The URL is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is too long',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length does not match the body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Malformed JSON body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON body',
  FST_ERR_CTP_INVALID_TYPE: 'Unsupported Content-Type',
  FST_ERR_ASYNC_CONSTRAINT: 'Malformed HTTP request',
};

/** How much of a multipart body busboy parses at a time: about 120 short fields, a few milliseconds. */
const MULTIPART_SLICE = 8 * 1024;

/** The admin and control routes (/_roster/...): their JSON bodies are not REST parameters. */
function isAdminPath(url: string): boolean {
  // the router ignores duplicate slashes, so must this
  return /^\/+_roster\//.test(url);
}

function installBodyParsers(server: FastifyInstance, bodyLimit: number, limits: DecodeLimits) {
  server.removeAllContentTypeParsers();
  const asJson = (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      // the shape is checked on the text, before JSON.parse, everywhere but the admin token's
      // /_roster routes, whose imports are large documents read whole
      done(null, parseJsonBody(body as string, isAdminPath(request.raw.url ?? '/') ? undefined : limits));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  server.addContentTypeParser('application/json', { parseAs: 'string' }, asJson);
  server.addContentTypeParser(/^application\/[\w.-]+\+json\s*(;|$)/, { parseAs: 'string' }, asJson);
  server.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    const pairs: [string, string][] = [];
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      payload.resume();
      done(error, undefined);
    };
    let busboy: BusboyInstance;
    try {
      busboy = new Busboy({ headers: request.headers as BusboyHeaders, limits: { fieldSize: bodyLimit, fields: limits.maxParams, fileSize: bodyLimit } });
    } catch {
      return fail(new RestError('ERROR_ARGUMENT', 'Malformed multipart body'));
    }
    let received = 0;
    // busboy parses what it is given in one go, and a socket read can hand it the whole body
    // (15,000 fields held the event loop 300 ms): it gets slices, with the event loop served
    // between them, and the socket waits meanwhile
    let feeding = false;
    let ended = false;
    const feed = (chunk: Buffer, at: number) => {
      if (failed) return;
      const end = Math.min(at + MULTIPART_SLICE, chunk.length);
      busboy.write(chunk.subarray(at, end));
      if (end < chunk.length) return void setImmediate(feed, chunk, end);
      feeding = false;
      // a paused request still ends once its last chunk was handed out: the end waits for the feed
      if (ended) busboy.end();
      else setImmediate(() => failed || payload.resume());
    };
    payload.on('data', (chunk: Buffer) => {
      if (failed) return;
      received += chunk.length;
      if (received > bodyLimit) return fail(new RestError('PAYLOAD_TOO_LARGE', `Request body is larger than ${bodyLimit} bytes`));
      payload.pause();
      feeding = true;
      feed(chunk, 0);
    });
    payload.on('end', () => {
      ended = true;
      if (!feeding && !failed) busboy.end();
    });
    // field names and values arrive decoded: they go into the tree as they are
    busboy.on('field', (name: string, value: string) => pairs.push([name, value]));
    busboy.on('fieldsLimit', () => fail(tooManyParams(limits)));
    busboy.on('file', (_name: string, file: NodeJS.ReadableStream) => file.resume()); // files carry no directory parameters
    busboy.on('finish', () => {
      if (failed) return;
      buildParamsYielding(pairs, limits).then((params) => done(null, params), fail);
    });
    busboy.on('error', () => fail(new RestError('ERROR_ARGUMENT', 'Malformed multipart body')));
  });
  // urlencoded forms, and any other body read as a query string, as upstream does
  server.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    parseFormBody(body as string, limits).then(
      (params) => done(null, params),
      (error: Error) => done(error, undefined),
    );
  });
}
