/**
 * Admin endpoints for test suites, off unless an admin token is configured (`--admin-token`,
 * ROSTER_ADMIN_TOKEN), and refused without that token (`Authorization: Bearer <token>` or
 * `X-Roster-Admin-Token: <token>`, compared in constant time):
 *
 * - `POST /_roster/reset`: the directory goes back to the seed (`--seed`, or the demo company
 *   with `--demo`) or, without one, to a fresh database's content. Webhooks and OAuth
 *   applications stay, so a suite's credentials keep working; `?webhooks=drop` (or
 *   `{"webhooks": "drop"}`) deletes the webhooks too.
 * - `POST /_roster/import`: a directory document as the JSON body (or `{"mode", "directory"}`),
 *   validated like `roster import`: 400 with every problem, nothing written; `mode` (query or
 *   body) is `replace` (default) or `merge`.
 * - `GET /_roster/export`: the whole directory as a document, without password hashes unless
 *   `?with_secrets=true` (or `1`, `Y`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ACTOR } from '../directory/commands/run.js';
import type { App } from '../rest/context.js';
import { busyReply } from '../rest/errors.js';
import { DEMO_SEED, exportDirectory, importDirectory, loadSeed, resetDirectory, type ImportMode } from '../state/directory.js';
import { directoryJson } from '../state/output.js';
import type { RouteInstaller } from './server.js';

/** Documents far larger than REST calls: the generated 100k-user company is about 70 MB. */
export const ADMIN_BODY_LIMIT = 256 * 1024 * 1024;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** The seed `reset` returns to: --seed, else the demo company with --demo, else none (a fresh database). */
export function seedOf(config: App['config']): string | null {
  return config.seed || (config.demo ? DEMO_SEED : null);
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-roster-admin-token'];
  if (typeof header === 'string' && header !== '') return header;
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

export function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export function queryValue(request: FastifyRequest, key: string): string | undefined {
  const v = (request.query as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

export const adminRoutes: RouteInstaller = (root: FastifyInstance, app: App) => installAdmin(root, app, (server) => adminPlugin(server, app));

/**
 * Installs `routes` as a plugin of their own, guarded by the admin token, when one is
 * configured; without one they do not exist (404). Other /_roster modules use it too.
 */
export async function installAdmin(root: FastifyInstance, app: App, routes: (server: FastifyInstance) => void): Promise<void> {
  const token = app.config.adminToken;
  if (!token) return;
  // a plugin of its own, so that the token check guards these routes only
  await root.register(async (server) => {
    // a write that waited too long for the directory's lock is a 503, as on /rest
    server.setErrorHandler(async (error, _request, reply) => {
      const busy = busyReply(error);
      if (busy) return send(reply, busy.status, busy.body);
      throw error;
    });
    requireAdminToken(server, token);
    routes(server);
  });
}

/** Refuses every request to `server`'s routes without the admin token; call inside a plugin of its own. */
export function requireAdminToken(server: FastifyInstance, token: string): void {
  const expected = digest(token);
  server.addHook('onRequest', async (request, reply) => {
    const given = tokenOf(request);
    if (given === undefined) {
      return send(reply, 401, {
        error: 'NO_AUTH_FOUND',
        error_description: 'The /_roster endpoints need the admin token: Authorization: Bearer <token> or X-Roster-Admin-Token: <token>',
      });
    }
    if (!timingSafeEqual(digest(given), expected)) return send(reply, 403, { error: 'ACCESS_DENIED', error_description: 'Wrong admin token' });
  });
}

function adminPlugin(server: FastifyInstance, app: App): void {
  server.post('/_roster/reset', async (request, reply) => {
    const started = performance.now();
    const drop = (queryValue(request, 'webhooks') ?? bodyObject(request).webhooks) === 'drop';
    const seedFile = seedOf(app.config);
    const seed = seedFile ? await loadSeed(seedFile) : null;
    const counts = await resetDirectory(app.store, seed, { dropWebhooks: drop, actor: ADMIN_ACTOR, onCommitted: app.afterWrite });
    return send(reply, 200, {
      result: {
        seed: seedFile,
        departments: counts.departments,
        users: counts.users,
        groups: counts.groups,
        webhooks: drop ? 'dropped' : 'kept',
        duration_ms: Math.round(performance.now() - started),
      },
    });
  });

  server.post('/_roster/import', { bodyLimit: Math.max(ADMIN_BODY_LIMIT, app.config.bodyLimit) }, async (request, reply) => {
    const started = performance.now();
    const body = bodyObject(request);
    const wrapped = body.directory !== undefined && body.format === undefined;
    const mode = queryValue(request, 'mode') ?? (wrapped ? body.mode : undefined) ?? 'replace';
    if (mode !== 'replace' && mode !== 'merge') {
      return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: `mode must be replace or merge, got ${JSON.stringify(mode)}` });
    }
    const outcome = await importDirectory(app.store, wrapped ? body.directory : request.body, { mode: mode as ImportMode, actor: ADMIN_ACTOR, onCommitted: app.afterWrite });
    if (!outcome.ok) {
      return send(reply, 400, {
        error: 'INVALID_DIRECTORY',
        error_description: `${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'} in the directory; nothing was imported`,
        problems: outcome.problems.map((p) => ({ path: p.path, code: p.code, message: p.message })),
      });
    }
    return send(reply, 200, { result: { mode, ...outcome.counts, given: outcome.given, revoked: outcome.revoked, duration_ms: Math.round(performance.now() - started) } });
  });

  server.get('/_roster/export', async (request, reply) => {
    const secrets = /^(1|true|y|yes)$/i.test(queryValue(request, 'with_secrets') ?? '');
    const text = directoryJson(await exportDirectory(app.store), { secrets });
    return reply.code(200).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(text);
  });
}
