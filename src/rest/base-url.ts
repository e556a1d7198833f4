import type { FastifyRequest } from 'fastify';
import type { App } from './context.js';

/**
 * `http(s)://host[:port]` clients reach this server at: --public-url, else the request's Host
 * when it is a plain host name (anything else could be a header injected into URLs we print).
 */
export function baseUrlOf(app: App, request: FastifyRequest): string {
  if (app.config.publicUrl) return app.config.publicUrl.replace(/\/+$/, '');
  const host = request.headers.host ?? '';
  const safeHost = /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : `${app.config.host}:${app.config.port}`;
  return `${request.protocol}://${safeHost}`;
}
