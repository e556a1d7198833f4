/**
 * The web console (issue #14), served by Roster itself at `/` (docs/CONSOLE.md):
 *
 * - `/` answers the console's page to browsers (`Accept: text/html`) and the old line of JSON
 *   (`{"name": "Roster", ...}`) to everything else;
 * - `/_roster/console/assets/*` and `/_roster/console/vendor/*`: the page's scripts and styles
 *   (ES modules, no bundler: Preact, its hooks and htm straight from node_modules);
 * - `/_roster/console/api/*`: its JSON API, behind a session cookie of an administrator who
 *   signed in with their password, and a CSRF header on every request that changes anything.
 *   Directory data comes from the registered REST methods called as the signed-in administrator
 *   (the same code and visibility as /rest); the control plane's journal, faults and clock are
 *   its own routes mounted here; the rest calls the same commands and store functions as the CLI
 *   and the /_roster endpoints.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clock } from '../../clock.js';
import { createApplication, createWebhook, deleteApplication, revokeWebhook } from '../../directory/commands/credentials.js';
import { ADMIN_ACTOR, runCommand, type Actor } from '../../directory/commands/run.js';
import { RuleError } from '../../directory/rules.js';
import { createOutgoingHook, EventsError, installApplication, uninstallApplication } from '../../events/apps.js';
import { EVENTS } from '../../events/catalog.js';
import { presentAttempt } from '../../events/log.js';
import { reserveSignIn } from '../../oauth/throttle.js';
import { verifyPassword } from '../../oauth/passwords.js';
import { baseUrlOf } from '../../rest/base-url.js';
import type { App } from '../../rest/context.js';
import { checkShape } from '../../rest/bracket-params.js';
import { envelope, findMethod, invoke, toRestError } from '../../rest/dispatcher.js';
import { decodeLimits } from '../../rest/request-params.js';
import { busyReply, RestError } from '../../rest/errors.js';
import type { Params } from '../../rest/params.js';
import { SCOPES, parseScopes } from '../../rest/scopes.js';
import { timeBlock, nowSeconds } from '../../rest/time.js';
import { documentedParams, paramTypeText } from '../../rest/registry.js';
import { exportDirectory, importDirectory, loadSeed, resetDirectory } from '../../state/directory.js';
import { directoryJson } from '../../state/output.js';
import { createSession, deleteSession, findSession, listAllBindings, touchSession } from '../../store/console.js';
import { deleteHook, listAttempts, listHooks, requeueDelivery } from '../../store/events.js';
import { listApplications, scopesOfRow } from '../../store/oauth.js';
import { findSignInUser, findUser, type UserRow } from '../../store/users.js';
import { listWebhooks, scopesOf } from '../../store/webhooks.js';
import { ADMIN_BODY_LIMIT, bodyObject, seedOf, send } from '../admin.js';
import { streamChanges } from '../changes-routes.js';
import { controlPlugin } from '../control-routes.js';
import type { RouteInstaller } from '../server.js';
import { loadAssets, type Asset } from './assets.js';
import { callerOf, directoryRoutes } from './directory.js';

/** What `/` answers to clients that do not ask for HTML (scripts, monitors, older tests). */
export const ABOUT = {
  name: 'Roster',
  about: 'Bitrix24-compatible messenger directory server',
  rest: '/rest/{userId}/{secret}/{method} or /rest/{method} with a token',
  console: '/',
};

export const SESSION_COOKIE = 'roster_console';
const SIGNIN_CSRF_COOKIE = 'roster_console_signin';
/** A session ends after this long without a request. */
export const IDLE_SECONDS = 12 * 3600;
/** `seen_at` is written at most this often per session: the idle expiry is this precise. */
const TOUCH_SECONDS = 60;
export const API = '/_roster/console/api';

/** Strict: scripts and styles from Roster only, nothing inline, nothing framed; photos may be on https hosts (initials when they do not load). */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; " +
  "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PAGE_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

interface ConsoleRequest extends FastifyRequest {
  consoleUser?: UserRow;
  consoleToken?: string;
}

function cookie(request: FastifyRequest, name: string): string {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return '';
}

const secureFlag = (app: App, request: FastifyRequest) => (request.protocol === 'https' || app.config.publicUrl.startsWith('https:') ? '; Secure' : '');

/** The CSRF token of a session: derived from its secret, so nothing more is stored; the page reads it from /session. */
export function csrfOf(sessionToken: string): string {
  return createHash('sha256').update(`console-csrf:${sessionToken}`, 'utf8').digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const isAdmin = (user: UserRow | undefined): user is UserRow => !!user && user.active === 1 && user.is_admin === 1;
const changesState = (method: string) => method !== 'GET' && method !== 'HEAD';

export const consoleRoutes: RouteInstaller = async (root: FastifyInstance, app: App) => {
  const enabled = app.config.console;
  const assets = enabled ? await loadAssets() : new Map<string, Asset>();

  root.get('/', async (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (!enabled || !/text\/html/.test(accept)) return send(reply, 200, ABOUT);
    return sendAsset(reply, assets.get('index.html')!, request);
  });
  if (!enabled) return;

  root.get('/_roster/console/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const asset = assets.get(path);
    if (!asset) return send(reply, 404, { error: 'NOT_FOUND', error_description: 'No such console file' });
    return sendAsset(reply, asset, request);
  });

  const streams = new Set<ServerResponse>();
  root.addHook('preClose', async () => {
    for (const raw of streams) raw.end();
  });

  await root.register(async (server) => {
    server.setErrorHandler(async (error, request, reply) => {
      const busy = busyReply(error);
      if (busy) return send(reply, busy.status, busy.body);
      if (error instanceof RuleError || error instanceof EventsError) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: error.message });
      const e = error as { statusCode?: number };
      if (typeof e.statusCode === 'number' && e.statusCode < 500) return send(reply, e.statusCode, { error: 'BAD_REQUEST', error_description: 'The request was not understood' });
      request.log.error({ err: error }, 'console request failed');
      return send(reply, 500, { error: 'INTERNAL_SERVER_ERROR', error_description: `Internal server error (request ${request.id as string})` });
    });
    server.addHook('onRequest', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const path = (request.raw.url ?? '').split('?')[0]!;
      if (path === `${API}/session` || path === `${API}/sign-in`) return;
      const token = cookie(request, SESSION_COOKIE);
      const now = clock.unix();
      const session = token ? await findSession(app.store.db, token, now, IDLE_SECONDS) : undefined;
      const user = session ? await findUser(app.store.db, session.userId) : undefined;
      if (!session || !isAdmin(user)) {
        return send(reply, 401, { error: 'NOT_SIGNED_IN', error_description: 'Sign in to the console first (your session may have expired)' });
      }
      if (changesState(request.method) && !same(request.headers['x-csrf-token'] as string | undefined ?? '', csrfOf(token))) {
        return send(reply, 403, { error: 'CSRF_FAILED', error_description: 'This request lacks the console\'s CSRF token: reload the page' });
      }
      if (now - session.seenAt >= TOUCH_SECONDS) await touchSession(app.store, token, now);
      (request as ConsoleRequest).consoleUser = user;
      (request as ConsoleRequest).consoleToken = token;
    });

    sessionRoutes(server, app);
    methodRoutes(server, app);
    directoryRoutes(server, app, API, userOf);
    credentialRoutes(server, app);
    toolRoutes(server, app, streams);
    // the control plane's own routes (journal, faults, clock), under the console's sign-in
    await server.register(async (control) => controlPlugin(control, app), { prefix: `${API}/control` });
  });
};

function sendAsset(reply: FastifyReply, asset: Asset, request: FastifyRequest) {
  reply.headers(PAGE_HEADERS).header('etag', asset.etag).header('cache-control', 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.code(200).type(asset.type).send(asset.body);
}

const userOf = (request: FastifyRequest) => (request as ConsoleRequest).consoleUser!;
const actorOf = (request: FastifyRequest): Actor => ({ user: userOf(request).id, credential: 'console' });

function presentUser(user: UserRow) {
  return { id: user.id, name: [user.name, user.last_name].filter(Boolean).join(' ') || user.login, login: user.login, email: user.email };
}

function sessionRoutes(server: FastifyInstance, app: App) {
  /** Who is signed in and the CSRF token; signed out, the token the sign-in form must send. */
  server.get(`${API}/session`, async (request, reply) => {
    const token = cookie(request, SESSION_COOKIE);
    const session = token ? await findSession(app.store.db, token, clock.unix(), IDLE_SECONDS) : undefined;
    const user = session ? await findUser(app.store.db, session.userId) : undefined;
    if (session && isAdmin(user)) {
      return send(reply, 200, { signed_in: true, user: presentUser(user), csrf: csrfOf(token), timezone: app.config.timezone, now: clock.now(), scopes: SCOPES, idle_seconds: IDLE_SECONDS });
    }
    let signIn = cookie(request, SIGNIN_CSRF_COOKIE);
    if (!/^[A-Za-z0-9_-]{43}$/.test(signIn)) {
      signIn = randomBytes(32).toString('base64url');
      reply.header('set-cookie', `${SIGNIN_CSRF_COOKIE}=${signIn}; Path=${API}/; HttpOnly; SameSite=Strict${secureFlag(app, request)}`);
    }
    return send(reply, 200, { signed_in: false, csrf: signIn });
  });

  server.post(`${API}/sign-in`, async (request, reply) => {
    const body = bodyObject(request);
    const signIn = cookie(request, SIGNIN_CSRF_COOKIE);
    if (!signIn || !same(request.headers['x-csrf-token'] as string | undefined ?? '', signIn)) {
      return send(reply, 403, { error: 'CSRF_FAILED', error_description: 'The sign-in form has expired: reload the page' });
    }
    const login = typeof body.login === 'string' ? body.login.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!login || !password) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'Enter your login or e-mail and your password' });
    // the OAuth sign-in page's lock-out: login and e-mail of one account share its counter
    const user = await findSignInUser(app.store.db, login);
    const ticket = await reserveSignIn(app.limits?.backend, user ? `user:${user.id}` : `login:${login.toLowerCase().slice(0, 320)}`, request.ip);
    if (!ticket.ok && ticket.reason === 'unavailable') {
      app.log.error({ err: ticket.error }, 'console sign-in refused: the sign-in throttle\'s counter store is unavailable');
      return send(reply, 503, { error: 'UNAVAILABLE', error_description: 'Signing in is not possible right now. Please try again in a few minutes.' });
    }
    if (!ticket.ok) {
      const minutes = Math.max(1, Math.ceil((ticket.resetAt - clock.seconds()) / 60));
      return send(reply, 429, { error: 'TOO_MANY_ATTEMPTS', error_description: `Too many failed sign-ins for this login. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` });
    }
    const valid = await verifyPassword(password, user?.password_hash);
    if (!user || !valid || user.active !== 1) return send(reply, 401, { error: 'WRONG_PASSWORD', error_description: 'Wrong login or password.' });
    await ticket.release();
    if (user.is_admin !== 1) {
      return send(reply, 403, {
        error: 'NOT_ADMIN',
        error_description: `${presentUser(user).name} is not an administrator of this directory. The console is for administrators only; ask one to make you one, or use your applications and webhooks.`,
      });
    }
    const token = await createSession(app.store, user.id, clock.unix());
    reply.header('set-cookie', [
      `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${IDLE_SECONDS}${secureFlag(app, request)}`,
      `${SIGNIN_CSRF_COOKIE}=; Path=${API}/; HttpOnly; SameSite=Strict; Max-Age=0${secureFlag(app, request)}`,
    ]);
    return send(reply, 200, { signed_in: true, user: presentUser(user), csrf: csrfOf(token), timezone: app.config.timezone, now: clock.now(), scopes: SCOPES, idle_seconds: IDLE_SECONDS });
  });

  server.post(`${API}/sign-out`, async (request, reply) => {
    await deleteSession(app.store, (request as ConsoleRequest).consoleToken!);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secureFlag(app, request)}`);
    return send(reply, 200, { signed_in: false });
  });
}

function methodRoutes(server: FastifyInstance, app: App) {
  server.get(`${API}/methods`, async (_request, reply) => {
    const methods = app.registry.all().map((m) => ({
      name: m.name,
      scope: m.scope,
      granted_by: m.grantedBy ?? [m.scope],
      list: m.list,
      summary: m.summary,
      differences: m.differences ?? [],
      batch: m.batch !== false,
      params: documentedParams(m).map((p) => ({
        name: p.name,
        aliases: p.aliases ?? [],
        type: p.type,
        type_text: paramTypeText(p),
        required: p.required === true,
        description: p.description,
        ...(p.values ? { values: p.values } : {}),
        ...(p.example !== undefined ? { example: p.example } : {}),
      })),
    }));
    return send(reply, 200, { methods });
  });

  /**
   * One registered method as the signed-in administrator: the REST method's own handler,
   * parameters and answer (`{result, total, next, time}` or the wire error). Not journaled and
   * not faulted: the console looking at the directory is not a client's call. `as_user` calls
   * it as another user (every scope), for answers that depend on who asks.
   */
  server.post(`${API}/call`, async (request, reply) => {
    const body = bodyObject(request);
    const name = typeof body.method === 'string' ? body.method : '';
    const params = (body.params !== null && typeof body.params === 'object' && !Array.isArray(body.params) ? body.params : {}) as Params;
    const started = nowSeconds();
    try {
      // the parameters a REST call could carry, no deeper or wider: /_roster bodies are not shape-checked on the way in
      checkShape(params, decodeLimits(app.config));
      const definition = findMethod(app, name);
      // `as_user`: what the method answers that user (the card's colleagues are theirs, not the administrator's)
      let user = userOf(request);
      if (body.as_user !== undefined) {
        const other = /^\d{1,10}$/.test(String(body.as_user)) ? await findUser(app.store.db, Number(body.as_user)) : undefined;
        if (!other) throw new RestError('ERROR_ARGUMENT', `There is no user ${String(body.as_user).slice(0, 20)}`);
        user = other;
      }
      const processStarted = nowSeconds();
      const outcome = await invoke(app, callerOf(user), definition, params, { baseUrl: baseUrlOf(app, request), requestId: request.id as string });
      const time = timeBlock({ started, processStarted, processFinished: nowSeconds() }, app.config.timezone, outcome.operating);
      return send(reply, 200, envelope(outcome, time));
    } catch (error) {
      const restError = error instanceof RestError ? error : toRestError(app, error, request.id as string);
      return send(reply, restError.status, restError.toWire());
    }
  });
}

const idParam = (request: FastifyRequest, key = 'id') => {
  const text = (request.params as Record<string, string>)[key] ?? '';
  return /^\d{1,10}$/.test(text) ? Number(text) : NaN;
};

function credentialRoutes(server: FastifyInstance, app: App) {
  const env = (request: FastifyRequest) => ({ store: app.store, actor: actorOf(request), onCommitted: app.afterWrite });

  // secrets are hashed at rest: lists never carry them, only the answer that creates one
  server.get(`${API}/webhooks`, async (_request, reply) => {
    const rows = await listWebhooks(app.store.db);
    return send(reply, 200, {
      webhooks: rows.map((w) => ({ id: w.id, user_id: w.user_id, scopes: scopesOf(w), title: w.title, date_create: w.date_create, expires_at: w.expires_at, revoked_at: w.revoked_at })),
    });
  });
  server.post(`${API}/webhooks`, async (request, reply) => {
    const b = bodyObject(request);
    const userId = Number(b.user_id);
    const given = Array.isArray(b.scopes) ? b.scopes.filter((s): s is string => typeof s === 'string') : typeof b.scopes === 'string' ? [b.scopes] : [];
    const { scopes, unknown } = parseScopes(given.join(','));
    if (!Number.isInteger(userId) || userId <= 0) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'Choose the user the webhook acts as' });
    if (unknown.length) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: `Unknown scope ${unknown.join(', ')}` });
    if (scopes.length === 0) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'Tick at least one scope' });
    const title = typeof b.title === 'string' ? b.title.slice(0, 200) : '';
    const created = await runCommand(env(request), (tx) => createWebhook(tx, { userId, scopes, title }));
    return send(reply, 200, { id: created.id, user_id: userId, scopes, url: `${baseUrlOf(app, request)}/rest/${userId}/${created.secret}/` });
  });
  server.post(`${API}/webhooks/:id/revoke`, async (request, reply) => {
    const id = idParam(request);
    if (Number.isNaN(id)) return send(reply, 404, { error: 'NOT_FOUND', error_description: 'No such webhook' });
    await runCommand(env(request), (tx) => revokeWebhook(tx, id));
    return send(reply, 200, { revoked: id });
  });

  server.get(`${API}/apps`, async (_request, reply) => {
    const rows = await listApplications(app.store.db);
    return send(reply, 200, { apps: rows.map((a) => ({ id: a.id, client_id: a.client_id, name: a.name, scopes: scopesOfRow(a), redirect_uri: a.redirect_uri, date_create: a.date_create })) });
  });
  server.post(`${API}/apps`, async (request, reply) => {
    const b = bodyObject(request);
    const name = typeof b.name === 'string' ? b.name.trim().slice(0, 200) : '';
    const given = Array.isArray(b.scopes) ? b.scopes.filter((s): s is string => typeof s === 'string') : [];
    const { scopes, unknown } = parseScopes(given.join(','));
    const redirectUri = typeof b.redirect_uri === 'string' ? b.redirect_uri.trim() : '';
    if (!name) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'Give the application a name' });
    if (unknown.length) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: `Unknown scope ${unknown.join(', ')}` });
    if (redirectUri && !/^https?:\/\/\S+$/.test(redirectUri)) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'The redirect URI must be an http(s) URL' });
    const created = await runCommand(env(request), (tx) => createApplication(tx, { name, scopes, redirectUri }));
    return send(reply, 200, { id: created.id, client_id: created.clientId, client_secret: created.clientSecret, name, scopes });
  });
  server.delete(`${API}/apps/:clientId`, async (request, reply) => {
    const clientId = (request.params as { clientId: string }).clientId;
    await runCommand(env(request), (tx) => deleteApplication(tx, clientId));
    return send(reply, 200, { deleted: clientId });
  });
  server.post(`${API}/apps/:clientId/install`, async (request, reply) => {
    const clientId = (request.params as { clientId: string }).clientId;
    const b = bodyObject(request);
    const handler = typeof b.handler === 'string' && b.handler ? b.handler : undefined;
    await installApplication(app.store, clientId, { userId: userOf(request).id, handler, allowedHosts: app.config.eventHosts, channel: 'admin' });
    app.events?.wake();
    return send(reply, 200, { installed: clientId });
  });
  server.post(`${API}/apps/:clientId/uninstall`, async (request, reply) => {
    const clientId = (request.params as { clientId: string }).clientId;
    await uninstallApplication(app.store, clientId, { clean: bodyObject(request).clean === true, channel: 'admin' });
    app.events?.wake();
    return send(reply, 200, { uninstalled: clientId });
  });

  server.get(`${API}/outgoing`, async (_request, reply) => {
    const hooks = await listHooks(app.store.db);
    // the application token authenticates Roster to the handler: shown once, when it is created
    return send(reply, 200, { hooks: hooks.map((h) => ({ id: h.id, handler: h.handler, events: h.events, title: h.title, date_create: h.date_create })), events: EVENTS.filter((e) => e.webhook).map((e) => e.name) });
  });
  server.post(`${API}/outgoing`, async (request, reply) => {
    const b = bodyObject(request);
    const events = Array.isArray(b.events) ? b.events.filter((e): e is string => typeof e === 'string') : [];
    if (typeof b.handler !== 'string' || !b.handler) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'Give the handler URL' });
    const hook = await createOutgoingHook(app.store, { handler: b.handler, events, title: typeof b.title === 'string' ? b.title : undefined, allowedHosts: app.config.eventHosts });
    return send(reply, 200, { id: hook.id, handler: hook.handler, events: hook.events, title: hook.title, application_token: hook.application_token });
  });
  server.delete(`${API}/outgoing/:id`, async (request, reply) => {
    const id = idParam(request);
    if (Number.isNaN(id) || !(await deleteHook(app.store.db, id))) return send(reply, 404, { error: 'NOT_FOUND', error_description: 'No such outgoing webhook' });
    return send(reply, 200, { deleted: id });
  });
}

function toolRoutes(server: FastifyInstance, app: App, streams: Set<ServerResponse>) {
  const feed = app.feed;
  if (feed) server.get(`${API}/changes/stream`, (request, reply) => streamChanges(app.store.db, feed, streams, request, reply));

  server.get(`${API}/bindings`, async (_request, reply) => send(reply, 200, { bindings: await listAllBindings(app.store.db) }));
  server.get(`${API}/deliveries`, async (request, reply) => {
    const q = (request.query as Record<string, unknown> | undefined) ?? {};
    const event = typeof q.event === 'string' && q.event ? q.event.toUpperCase().slice(0, 255) : undefined;
    const status = q.status === 'ok' || q.status === 'failed' ? q.status : undefined;
    const rows = await listAttempts(app.store.db, { event, status, limit: 200 });
    return send(reply, 200, { deliveries: rows.map(presentAttempt) });
  });
  server.post(`${API}/deliveries/:id/redeliver`, async (request, reply) => {
    const id = idParam(request);
    const copy = Number.isNaN(id) ? undefined : await requeueDelivery(app.store.db, id, clock.now());
    if (copy === undefined) return send(reply, 404, { error: 'NOT_FOUND', error_description: 'No such delivery' });
    app.events?.wake();
    return send(reply, 200, { delivery_id: copy });
  });

  // state: the same functions as /_roster/export, /_roster/import and /_roster/reset (never password hashes)
  server.get(`${API}/export`, async (_request, reply) => {
    const text = directoryJson(await exportDirectory(app.store), { secrets: false });
    const name = `roster-${new Date(clock.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
    return reply.code(200).header('content-disposition', `attachment; filename="${name}"`).type('application/json; charset=utf-8').send(text);
  });
  server.post(`${API}/import`, { bodyLimit: Math.max(ADMIN_BODY_LIMIT, app.config.bodyLimit) }, async (request, reply) => {
    const mode = (request.query as Record<string, unknown> | undefined)?.mode ?? 'replace';
    if (mode !== 'replace' && mode !== 'merge') return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'mode must be replace or merge' });
    const outcome = await importDirectory(app.store, request.body, { mode, actor: { ...ADMIN_ACTOR, user: userOf(request).id }, onCommitted: app.afterWrite });
    if (!outcome.ok) {
      return send(reply, 400, {
        error: 'INVALID_DIRECTORY',
        error_description: `${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'} in the directory; nothing was imported`,
        problems: outcome.problems.map((p) => ({ path: p.path, code: p.code, message: p.message })),
      });
    }
    return send(reply, 200, { result: { mode, ...outcome.counts } });
  });
  server.post(`${API}/reset`, async (request, reply) => {
    const seedFile = seedOf(app.config);
    const seed = seedFile ? await loadSeed(seedFile) : null;
    const counts = await resetDirectory(app.store, seed, { dropWebhooks: false, actor: { ...ADMIN_ACTOR, user: userOf(request).id }, onCommitted: app.afterWrite });
    return send(reply, 200, { result: { seed: seedFile, departments: counts.departments, users: counts.users, groups: counts.groups } });
  });
}
