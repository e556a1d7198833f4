/**
 * The OAuth 2.0 endpoints of a Bitrix24 portal and of its authorization server, both served
 * here:
 *
 * - `GET /oauth/authorize/?client_id&state[&redirect_uri]`: the sign-in and consent page;
 *   `POST` of its form signs in, and on "allow" sends the browser to the application's
 *   redirect URI with `code`, `state`, `domain`, `member_id`, `scope`, `server_domain`;
 * - `GET|POST /oauth/token/`: `grant_type=authorization_code` or `refresh_token`, answered like
 *   the Bitrix24 OAuth server; errors as OAuth JSON (`invalid_grant`, `invalid_client`, ...).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseQueryString } from '../rest/request-params.js';
import type { App, RouteInstaller } from '../rest/context.js';
import type { Params } from '../rest/params.js';
import { findSignInUser, findUser, type UserRow } from '../store/users.js';
import { grantTokens, hostOf } from './grants.js';
import { memberId } from '../store/member.js';
import { codePage, errorPage, signInPage } from './pages.js';
import { verifyPassword } from './passwords.js';
import type { OAuthAppRow } from '../store/oauth-schema.js';
import { createCode, exchangeCode, findApplication, findApplicationById, scopesOfRow, useRefreshToken, verifyClient } from '../store/oauth.js';
import { CODE_SECONDS, isTokenShaped, newToken } from '../store/oauth-tokens.js';
import { writeTransaction } from '../store/write.js';
import { reserveSignIn } from './throttle.js';
import { clock } from '../clock.js';
import { baseUrlOf } from '../rest/base-url.js';

const CSRF_COOKIE = 'roster_oauth_csrf';
const MAX_STATE = 2048;

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export const oauthRoutes: RouteInstaller = (server: FastifyInstance, app: App) => {
  server.get('/oauth/authorize', (request, reply) => showAuthorize(app, request, reply));
  server.post('/oauth/authorize', (request, reply) => submitAuthorize(app, request, reply));
  server.route({ method: ['GET', 'POST'], url: '/oauth/token', handler: (request, reply) => token(app, request, reply) });
};

function queryOf(request: FastifyRequest): Params {
  const url = request.raw.url ?? '';
  const i = url.indexOf('?');
  return i < 0 ? {} : parseQueryString(url.slice(i + 1));
}

function str(params: Params, key: string): string {
  const v = params[key];
  return typeof v === 'string' ? v : '';
}


function cookie(request: FastifyRequest, name: string): string {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return '';
}

function html(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
}

interface AuthorizeRequest {
  app: OAuthAppRow;
  state: string;
  redirectUri: string;
}

/** The application and where to send the browser; an error page when either is wrong (never a redirect). */
async function readAuthorize(app: App, params: Params, reply: FastifyReply): Promise<AuthorizeRequest | null> {
  const clientId = str(params, 'client_id');
  const application = clientId ? await findApplication(app.store.db, clientId) : undefined;
  if (!application) {
    await html(reply, 400, errorPage('Unknown application', 'No application with this client_id is registered on this Roster.'));
    return null;
  }
  const redirectUri = str(params, 'redirect_uri');
  if (redirectUri && redirectUri !== application.redirect_uri) {
    await html(reply, 400, errorPage('Wrong redirect URI', 'The redirect_uri does not match the one registered for this application.'));
    return null;
  }
  const state = str(params, 'state');
  if (state.length > MAX_STATE) {
    await html(reply, 400, errorPage('Bad request', `The state parameter is longer than ${MAX_STATE} characters.`));
    return null;
  }
  return { app: application, state, redirectUri: application.redirect_uri };
}

/** The form's CSRF token: the one in the browser's cookie when there is one, so that two tabs work. */
function csrfFor(app: App, request: FastifyRequest, reply: FastifyReply): string {
  const existing = cookie(request, CSRF_COOKIE);
  if (isTokenShaped(existing)) return existing;
  const value = newToken();
  const secure = request.protocol === 'https' || app.config.publicUrl.startsWith('https:') ? '; Secure' : '';
  reply.header('set-cookie', `${CSRF_COOKIE}=${value}; Path=/oauth/; HttpOnly; SameSite=Strict${secure}`);
  return value;
}

async function showAuthorize(app: App, request: FastifyRequest, reply: FastifyReply) {
  const a = await readAuthorize(app, queryOf(request), reply);
  if (!a) return reply;
  const csrf = csrfFor(app, request, reply);
  return html(reply, 200, signInPage({ appName: a.app.name, clientId: a.app.client_id, scopes: scopesOfRow(a.app), state: a.state, redirectUri: a.redirectUri, csrf }));
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function findSignIn(app: App, login: string): Promise<UserRow | undefined> {
  return findSignInUser(app.store.db, login);
}

function redirectTo(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== '') url.searchParams.set(k, v);
  return url.toString();
}

async function submitAuthorize(app: App, request: FastifyRequest, reply: FastifyReply) {
  const body: Params = { ...queryOf(request), ...((request.body as Params | undefined) ?? {}) };
  const a = await readAuthorize(app, body, reply);
  if (!a) return reply;
  const login = str(body, 'login').trim();
  const again = (status: number, error: string, csrf: string) =>
    html(reply, status, signInPage({ appName: a.app.name, clientId: a.app.client_id, scopes: scopesOfRow(a.app), state: a.state, redirectUri: a.redirectUri, csrf, login, error }));

  const cookieCsrf = cookie(request, CSRF_COOKIE);
  if (!isTokenShaped(cookieCsrf) || !sameToken(cookieCsrf, str(body, 'csrf'))) {
    return again(403, 'This sign-in form has expired or was not sent from this site. Please sign in again.', csrfFor(app, request, reply));
  }
  if (str(body, 'decision') === 'deny') {
    if (!a.redirectUri) return html(reply, 200, errorPage('Access denied', `You did not allow ${a.app.name} to use Roster.`));
    return reply.redirect(redirectTo(a.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: a.state }), 302);
  }
  if (!login || !str(body, 'password')) return again(400, 'Enter your login and password.', cookieCsrf);
  // login and e-mail of one account share its counter; an unknown login is counted by its text
  const user = await findSignIn(app, login);
  const ticket = await reserveSignIn(app.limits?.backend, user ? `user:${user.id}` : `login:${login.toLowerCase().slice(0, 320)}`, request.ip);
  if (!ticket.ok && ticket.reason === 'unavailable') {
    app.log.error({ err: ticket.error }, 'sign-in refused: the sign-in throttle\'s counter store is unavailable');
    return again(503, 'Signing in is not possible right now. Please try again in a few minutes.', cookieCsrf);
  }
  if (!ticket.ok) {
    const minutes = Math.max(1, Math.ceil((ticket.resetAt - clock.seconds()) / 60));
    return again(429, `Too many failed sign-ins for this login. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, cookieCsrf);
  }
  const valid = await verifyPassword(str(body, 'password'), user?.password_hash);
  if (!user || !valid || user.active !== 1) return again(401, 'Wrong login or password.', cookieCsrf);
  await ticket.release();

  const scopes = scopesOfRow(a.app);
  const code = await writeTransaction(app.store, (trx) => createCode(trx, { appId: a.app.id, userId: user.id, scope: scopes, redirectUri: a.redirectUri }));
  if (!a.redirectUri) return html(reply, 200, codePage(a.app.name, code, CODE_SECONDS));
  const host = hostOf(baseUrlOf(app, request));
  return reply.redirect(
    redirectTo(a.redirectUri, {
      code,
      state: a.state,
      domain: host,
      member_id: await memberId(app.store.db),
      scope: scopes.join(','),
      server_domain: host,
    }),
    302,
  );
}

type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

function oauthError(reply: FastifyReply, code: OAuthErrorCode, description: string) {
  const status = code === 'invalid_client' ? 401 : 400;
  return reply
    .code(status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .type('application/json; charset=utf-8')
    .send({ error: code, error_description: description });
}

/** Percent-decoding of a Basic credential (RFC 6749 §2.3.1); null when it is not valid. */
function formDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** client_id and client_secret from the parameters, or from HTTP Basic authentication; null when Basic is malformed. */
function clientCredentials(request: FastifyRequest, params: Params): { id: string; secret: string } | null {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      const id = formDecode(decoded.slice(0, i));
      const secret = formDecode(decoded.slice(i + 1));
      return id === null || secret === null ? null : { id, secret };
    }
  }
  return { id: str(params, 'client_id'), secret: str(params, 'client_secret') };
}

async function token(app: App, request: FastifyRequest, reply: FastifyReply) {
  const body = request.method === 'POST' ? ((request.body as Params | undefined) ?? {}) : {};
  const params: Params = { ...queryOf(request), ...body };
  const grantType = str(params, 'grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError(reply, grantType ? 'unsupported_grant_type' : 'invalid_request', grantType ? `Grant type ${grantType} is not supported` : 'grant_type is required');
  }
  const client = clientCredentials(request, params);
  if (!client) return oauthError(reply, 'invalid_client', 'Malformed HTTP Basic credentials');
  if (!client.id || !client.secret) return oauthError(reply, 'invalid_client', 'client_id and client_secret are required');
  const db = app.store.db;
  const application = await verifyClient(db, client.id, client.secret);
  if (!application) return oauthError(reply, 'invalid_client', 'Unknown client or wrong client secret');
  const base = baseUrlOf(app, request);

  let userId: number;
  let scope: string[];
  let family: string;
  if (grantType === 'authorization_code') {
    const code = str(params, 'code');
    if (!code) return oauthError(reply, 'invalid_request', 'code is required');
    // another client's attempt, or a wrong redirect_uri, leaves the code usable by its own client
    const exchanged = isTokenShaped(code) ? await writeTransaction(app.store, (trx) => exchangeCode(trx, code, application.id, str(params, 'redirect_uri'))) : undefined;
    if (!exchanged?.ok) return oauthError(reply, 'invalid_grant', exchanged?.replayed ? 'The authorization code was already used: the tokens issued for it are revoked' : 'Invalid or expired authorization code, or a redirect_uri that does not match the authorization request');
    userId = exchanged.grant.user_id;
    scope = scopesOfRow(exchanged.grant);
    family = exchanged.grant.family;
  } else {
    const refresh = str(params, 'refresh_token');
    if (!refresh) return oauthError(reply, 'invalid_request', 'refresh_token is required');
    const previous = isTokenShaped(refresh) ? await writeTransaction(app.store, (trx) => useRefreshToken(trx, refresh, application.id)) : undefined;
    if (!previous) return oauthError(reply, 'invalid_grant', 'Invalid, expired or already used refresh token');
    userId = previous.user_id;
    scope = scopesOfRow(previous);
    family = previous.family;
  }
  const user = await findUser(db, userId);
  if (!user || user.active !== 1) return oauthError(reply, 'invalid_grant', 'The user of this grant is not active');
  // the application may have been deleted between the checks: then nothing is issued
  if (!(await findApplicationById(db, application.id))) return oauthError(reply, 'invalid_client', 'Unknown client');
  // OAuth writes wait for the directory's write lock like every write (an import may hold it)
  const answer = await writeTransaction(app.store, (trx) => grantTokens(trx, application, userId, base, scope, family));
  return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).type('application/json; charset=utf-8').send(answer);
}
