import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { memberId } from '../../src/store/member.js';
import { hashPassword } from '../../src/oauth/passwords.js';
import { oauthDb } from '../../src/store/oauth-schema.js';
import { createApplication, deleteApplication } from '../../src/store/oauth.js';
import { updateUser } from '../../src/store/users.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';
import { REDIS_URL, redisReachable, testRedis } from '../helpers/redis.js';

const PASSWORD = 'correct horse battery';
const REDIRECT = 'http://127.0.0.1:9/callback?keep=1';
const TOKEN_KEYS = ['access_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint', 'client_endpoint', 'member_id', 'user_id', 'refresh_token', 'status'];
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Client {
  clientId: string;
  clientSecret: string;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** GET the sign-in page: its HTML, the CSRF cookie and the form's CSRF field. */
async function openPage(r: TestRoster, query: Record<string, string>) {
  const res = await fetch(`${r.url}/oauth/authorize/?${form(query)}`);
  const html = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
  return { res, html, cookie, csrf };
}

/** Signs in through the page as a browser would, without following the redirect. */
async function signIn(
  r: TestRoster,
  client: Client,
  options: { login?: string; password?: string; decision?: string; state?: string; csrf?: string; redirectUri?: string } = {},
) {
  const page = await openPage(r, { client_id: client.clientId, state: options.state ?? 'st4te', ...(options.redirectUri ? { redirect_uri: options.redirectUri } : {}) });
  const res = await fetch(`${r.url}/oauth/authorize/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...FORM, cookie: page.cookie },
    body: form({
      client_id: client.clientId,
      state: options.state ?? 'st4te',
      redirect_uri: options.redirectUri ?? '',
      csrf: options.csrf ?? page.csrf,
      login: options.login ?? 'lukas.schneider',
      password: options.password ?? PASSWORD,
      decision: options.decision ?? 'allow',
    }),
  });
  const location = res.headers.get('location');
  return { res, html: await res.text(), location: location ? new URL(location) : null };
}

async function token(r: TestRoster, fields: Record<string, string>, method: 'POST' | 'GET' = 'POST') {
  if (method === 'GET') return r.fetch(`/oauth/token/?${form(fields)}`);
  return r.fetch('/oauth/token/', { method: 'POST', headers: FORM, body: form(fields) });
}

async function exchange(r: TestRoster, client: Client, code: string) {
  return token(r, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code });
}

async function refresh(r: TestRoster, client: Client, refreshToken: string, method: 'POST' | 'GET' = 'POST') {
  return token(r, { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken }, method);
}

/** A token pair for the user through the whole browser-free flow. */
async function pair(r: TestRoster, client: Client, login = 'lukas.schneider') {
  const { location } = await signIn(r, client, { login });
  const res = await exchange(r, client, location!.searchParams.get('code')!);
  assert.equal(res.status, 200, res.text);
  return res.body as Record<string, any>;
}

for (const engine of engines) {
  describe(`OAuth applications [${engine}]`, () => {
    let r: TestRoster;
    let client: Client;
    let narrow: Client;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      const db = r.roster.store.db;
      client = await createApplication(db, { name: 'Directory Sync', scopes: ['im', 'user_basic'], redirectUri: REDIRECT });
      narrow = await createApplication(db, { name: 'Only users', scopes: ['user_basic'], redirectUri: REDIRECT });
      const hash = await hashPassword(PASSWORD);
      for (const id of [3, 7, 23]) await updateUser(db, id, { password_hash: hash });
    });
    after(() => r.close());

    it('shows an accessible, self-contained sign-in and consent page with a CSRF token', async () => {
      const { res, html, csrf } = await openPage(r, { client_id: client.clientId, state: 'abc' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/html; charset=utf-8/);
      assert.match(res.headers.get('set-cookie')!, /^roster_oauth_csrf=[a-z0-9]{50}; Path=\/oauth\/; HttpOnly; SameSite=Strict/);
      assert.match(res.headers.get('content-security-policy')!, /default-src 'none'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<label for="login">[^<]+<\/label>\s*<input id="login" name="login"/);
      assert.match(html, /<label for="password">[^<]+<\/label>\s*<input id="password" name="password" type="password"/);
      assert.match(html, /Directory Sync/);
      assert.match(html, /<strong>im<\/strong>/);
      assert.match(csrf, /^[a-z0-9]{50}$/);
      assert.match(html, /name="state" value="abc"/);
      assert.doesNotMatch(html, /<script|src=|href=/, 'no scripts, no external assets');
    });

    it('escapes what it shows', async () => {
      const evil = await createApplication(r.roster.store.db, { name: '<b>Evil</b> & "Co"', scopes: ['im'], redirectUri: REDIRECT });
      const { html } = await openPage(r, { client_id: evil.clientId, state: '"><script>alert(1)</script>' });
      assert.doesNotMatch(html, /<b>Evil|<script>/);
      assert.match(html, /&#60;b&#62;Evil&#60;\/b&#62; &#38; &#34;Co&#34;/);
    });

    it('runs the whole authorization-code flow: page, sign-in, redirect, exchange, call, refresh', async () => {
      const { res, location } = await signIn(r, client, { state: 'xyz 1' });
      assert.equal(res.status, 302);
      assert.ok(location);
      assert.equal(`${location.origin}${location.pathname}`, 'http://127.0.0.1:9/callback');
      const q = location.searchParams;
      assert.equal(q.get('keep'), '1', 'the redirect URI keeps its own query');
      assert.match(q.get('code')!, /^[a-z0-9]{50}$/);
      assert.equal(q.get('state'), 'xyz 1');
      assert.equal(q.get('domain'), new URL(r.url).host);
      assert.equal(q.get('server_domain'), new URL(r.url).host);
      assert.match(q.get('member_id')!, /^[0-9a-f]{32}$/);
      assert.equal(q.get('scope'), 'im,user_basic');

      const exchanged = await exchange(r, client, q.get('code')!);
      assert.equal(exchanged.status, 200);
      assert.equal(exchanged.headers.get('cache-control'), 'no-store');
      const t = exchanged.body;
      assert.deepEqual(Object.keys(t), TOKEN_KEYS);
      assert.equal(t.expires_in, 3600);
      assert.equal(t.scope, 'im,user_basic');
      assert.equal(t.user_id, 3);
      assert.equal(t.member_id, q.get('member_id'));
      assert.equal(t.client_endpoint, `${r.url}/rest/`);
      assert.equal(t.server_endpoint, `${r.url}/rest/`);
      assert.equal(t.domain, new URL(r.url).host);
      assert.equal(t.status, 'L');
      assert.notEqual(t.access_token, t.refresh_token);

      // the token as `auth` in a JSON body, through the b24jssdk double slash
      const profile = await r.fetch('/rest//profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: t.access_token }) });
      assert.equal(profile.status, 200);
      assert.equal(profile.body.result.ID, '3');
      // as a Bearer header, and as access_token in the query
      const bearer = await r.fetch('/rest/im.user.list.get.json?ID[]=2', { headers: { authorization: `Bearer ${t.access_token}` } });
      assert.equal(bearer.status, 200);
      assert.equal(bearer.body.result['2'].id, 2);
      assert.equal((await r.fetch(`/rest/user.admin?access_token=${t.access_token}`)).body.result, false);

      const renewed = await refresh(r, client, t.refresh_token);
      assert.equal(renewed.status, 200);
      assert.deepEqual(Object.keys(renewed.body), TOKEN_KEYS);
      assert.notEqual(renewed.body.access_token, t.access_token);
      assert.notEqual(renewed.body.refresh_token, t.refresh_token);
      assert.equal(renewed.body.user_id, 3);
      assert.equal((await r.fetch(`/rest/profile?auth=${renewed.body.access_token}`)).body.result.ID, '3');

      // b24phpsdk refreshes with GET and a query string
      const viaGet = await refresh(r, client, renewed.body.refresh_token, 'GET');
      assert.equal(viaGet.status, 200);
      const reused = await refresh(r, client, t.refresh_token);
      assert.equal(reused.status, 400);
      assert.equal(reused.body.error, 'invalid_grant');
      assert.equal((await r.fetch(`/rest/profile?auth=${viaGet.body.access_token}`)).body.error, 'invalid_token', 'a replayed refresh token revokes its family');
    });

    it('signs in with the e-mail address too, in any case', async () => {
      const { location } = await signIn(r, client, { login: 'Lukas.Schneider@Example.com' });
      assert.ok(location?.searchParams.get('code'), 'signed in by e-mail');
    });

    it('refuses wrong passwords, unknown logins and forged forms without redirecting', async () => {
      for (const [login, password] of [['lukas.schneider', 'wrong password'], ['nobody', PASSWORD], ['olivia.bennett', PASSWORD]]) {
        const res = await signIn(r, client, { login, password });
        assert.equal(res.res.status, 401, login);
        assert.equal(res.location, null);
        assert.match(res.html, /<p class="error" id="error" role="alert">Wrong login or password.<\/p>/);
        assert.match(res.html, /aria-describedby="error"/);
      }
      const forged = await signIn(r, client, { csrf: 'a'.repeat(50) });
      assert.equal(forged.res.status, 403);
      assert.equal(forged.location, null);
      const noCookie = await fetch(`${r.url}/oauth/authorize/`, {
        method: 'POST',
        redirect: 'manual',
        headers: FORM,
        body: form({ client_id: client.clientId, csrf: 'x', login: 'lukas.schneider', password: PASSWORD, decision: 'allow' }),
      });
      assert.equal(noCookie.status, 403);
    });

    it('does not sign in an inactive user', async () => {
      await updateUser(r.roster.store.db, 23, { active: 0 });
      const res = await signIn(r, client, { login: (await r.roster.store.db.selectFrom('users').select('login').where('id', '=', 23).executeTakeFirstOrThrow()).login });
      assert.equal(res.res.status, 401);
      await updateUser(r.roster.store.db, 23, { active: 1 });
    });

    it('sends "deny" back to the application as access_denied', async () => {
      const { res, location } = await signIn(r, client, { decision: 'deny', password: '' });
      assert.equal(res.status, 302);
      assert.equal(location!.searchParams.get('error'), 'access_denied');
      assert.equal(location!.searchParams.get('state'), 'st4te');
      assert.equal(location!.searchParams.get('code'), null);
    });

    it('never redirects for an unknown client or a foreign redirect URI', async () => {
      const unknown = await openPage(r, { client_id: 'local.nope.1', state: 's' });
      assert.equal(unknown.res.status, 400);
      assert.match(unknown.html, /Unknown application/);
      const foreign = await openPage(r, { client_id: client.clientId, redirect_uri: 'https://evil.example/steal' });
      assert.equal(foreign.res.status, 400);
      const post = await signIn(r, client, { redirectUri: 'https://evil.example/steal' });
      assert.equal(post.res.status, 400);
      assert.equal(post.location, null);
    });

    it('answers token errors as OAuth JSON', async () => {
      const { location } = await signIn(r, client);
      const code = location!.searchParams.get('code')!;
      const wrongSecret = await token(r, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: 'x'.repeat(50), code });
      assert.equal(wrongSecret.status, 401);
      assert.deepEqual(Object.keys(wrongSecret.body), ['error', 'error_description']);
      assert.equal(wrongSecret.body.error, 'invalid_client');
      const otherApp = await exchange(r, narrow, code);
      assert.equal(otherApp.body.error, 'invalid_grant', 'a code is bound to its application');
      assert.equal((await exchange(r, client, code)).status, 200, 'another application\'s attempt leaves the code to its own');
      assert.equal((await exchange(r, client, 'nonsense')).body.error, 'invalid_grant');
      assert.equal((await token(r, { client_id: client.clientId })).body.error, 'invalid_request');
      assert.equal((await token(r, { grant_type: 'password', client_id: client.clientId })).body.error, 'unsupported_grant_type');
      assert.equal((await token(r, { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret })).body.error, 'invalid_request');

      // HTTP Basic client authentication works as well
      const fresh = (await signIn(r, client)).location!.searchParams.get('code')!;
      const basic = await r.fetch('/oauth/token/', {
        method: 'POST',
        headers: { ...FORM, authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
        body: form({ grant_type: 'authorization_code', code: fresh }),
      });
      assert.equal(basic.status, 200);
    });

    it('lets exactly one of several parallel refreshes with the same token win', async () => {
      const t = await pair(r, client);
      const replies = await Promise.all(Array.from({ length: 5 }, () => refresh(r, client, t.refresh_token)));
      assert.equal(replies.filter((x) => x.status === 200).length, 1);
      assert.ok(replies.filter((x) => x.status !== 200).every((x) => x.body.error === 'invalid_grant'));
    });

    it('answers expired_token for an expired access token; refreshing and retrying works', async () => {
      const t = await pair(r, client);
      await oauthDb(r.roster.store.db).updateTable('oauth_tokens').set({ access_expires_at: Math.floor(Date.now() / 1000) - 1 }).where('user_id', '=', 3).execute();
      const expired = await r.fetch(`/rest/profile?auth=${t.access_token}`);
      assert.equal(expired.status, 401);
      assert.deepEqual(expired.body, { error: 'expired_token', error_description: 'The access token provided has expired' });
      const renewed = await refresh(r, client, t.refresh_token);
      const retried = await r.fetch(`/rest/profile?auth=${renewed.body.access_token}`);
      assert.equal(retried.status, 200);
    });

    it('answers NO_AUTH_FOUND for an unknown token and invalid_token for a malformed or revoked one', async () => {
      const unknown = await r.fetch(`/rest/profile?auth=${'q'.repeat(50)}`);
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error, 'NO_AUTH_FOUND');
      const malformed = await r.fetch('/rest/profile', { headers: { authorization: 'Bearer not!a"token' } });
      assert.equal(malformed.status, 401);
      assert.equal(malformed.body.error, 'invalid_token');

      const doomed = await createApplication(r.roster.store.db, { name: 'Doomed', scopes: ['im'], redirectUri: REDIRECT });
      const t = await pair(r, doomed);
      assert.equal((await r.fetch(`/rest/profile?auth=${t.access_token}`)).status, 200);
      assert.equal(await deleteApplication(r.roster.store.db, doomed.clientId), doomed.id);
      const revoked = await r.fetch(`/rest/profile?auth=${t.access_token}`);
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.error, 'invalid_token');
      assert.equal((await refresh(r, doomed, t.refresh_token)).body.error, 'invalid_client');
    });

    it('answers insufficient_scope (403) for a method outside the token\'s scopes, in batch too', async () => {
      const t = await pair(r, narrow);
      const res = await r.fetch(`/rest/im.user.list.get?auth=${t.access_token}`);
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token' });
      const batch = await r.fetch('/rest/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: t.access_token, cmd: { im: 'im.user.list.get', me: 'profile' } }),
      });
      assert.equal(batch.body.result.result_error.im.error, 'insufficient_scope');
      assert.equal(batch.body.result.result.me.ID, '3');
    });

    it('app.info describes the calling application; for a webhook its scopes', async () => {
      const t = await pair(r, client);
      const info = (await r.fetch(`/rest/app.info?auth=${t.access_token}`)).body.result;
      assert.equal(info.CODE, client.clientId);
      assert.equal(typeof info.ID, 'number');
      assert.equal(info.STATUS, 'L');
      assert.equal(info.INSTALLED, true);
      assert.equal(info.PAYMENT_EXPIRED, 'N');
      assert.deepEqual(info.SCOPE, ['im', 'user_basic']);
      const hook = await r.call('app.info', {}, { hook: await r.hook(3, ['im']) });
      assert.equal(hook.status, 200);
      assert.deepEqual(hook.body.result.SCOPE, ['im']);
      assert.equal('CODE' in hook.body.result, false);
    });

    it('user.admin and user.access answer for the caller', async () => {
      const admin = r.admin;
      const lukas = await r.hook(3, []);
      assert.equal((await r.call('user.admin', {}, { hook: admin })).body.result, true);
      assert.equal((await r.call('user.admin', {}, { hook: lukas })).body.result, false);
      const access = async (hook: string, ACCESS: unknown) => (await r.call('user.access', { ACCESS }, { hook })).body.result;
      // user 3 is in department 3 (Sales, under the Company) and heads it; user 4 is in Sales Europe, below Sales
      assert.equal(await access(lukas, ['U3']), true);
      assert.equal(await access(lukas, 'U3'), true, 'one code as a string');
      assert.equal(await access(lukas, ['U1']), false);
      assert.equal(await access(lukas, ['AU']), true);
      assert.equal(await access(lukas, ['G2']), true);
      assert.equal(await access(lukas, ['G1']), false);
      assert.equal(await access(lukas, ['D3']), true);
      assert.equal(await access(lukas, ['D4']), false);
      assert.equal(await access(lukas, ['DR1']), true);
      assert.equal(await access(lukas, ['IU4']), true, 'a head of a department above the employee');
      assert.equal(await access(lukas, ['IU2']), false);
      assert.equal(await access(lukas, ['CR']), false);
      assert.equal(await access(lukas, []), false);
      assert.equal(await access(lukas, ['U1', 'D3']), true, 'one code of the list is enough');
      assert.equal(await access(admin, []), true, 'administrators hold every code');
      assert.equal(await access(await r.hook(7, []), ['SG1_A']), true);
      assert.equal(await access(await r.hook(23, []), ['SG1_A']), false);
      assert.equal(await access(await r.hook(23, []), ['SG1_K']), true);
      // a form-encoded list
      assert.equal((await r.call('user.access', { ACCESS: ['U9', 'D3'] }, { hook: lukas, as: 'form' })).body.result, true);
    });

    it('stores secrets, codes and tokens only as hashes', async () => {
      const t = await pair(r, client);
      const db = oauthDb(r.roster.store.db);
      const stored = JSON.stringify([
        await db.selectFrom('oauth_apps').selectAll().execute(),
        await db.selectFrom('oauth_tokens').selectAll().execute(),
        await db.selectFrom('oauth_codes').selectAll().execute(),
      ]);
      for (const secret of [client.clientSecret, t.access_token, t.refresh_token]) assert.equal(stored.includes(secret), false);
      const user = await r.roster.store.db.selectFrom('users').select('password_hash').where('id', '=', 3).executeTakeFirstOrThrow();
      assert.match(user.password_hash!, /^scrypt\$\d+\$\d+\$\d+\$/);
    });

    it('shows the code on the page for an application without a redirect URI', async () => {
      const pasted = await createApplication(r.roster.store.db, { name: 'Desktop tool', scopes: ['im'] });
      const { res, html } = await signIn(r, pasted);
      assert.equal(res.status, 200);
      const code = /<code id="code">([a-z0-9]{50})<\/code>/.exec(html)?.[1];
      assert.ok(code);
      assert.equal((await exchange(r, pasted, code)).status, 200);
    });
  });
}

const BIN = join(import.meta.dirname, '../../bin/roster.js');
const run = promisify(execFile);

/** `roster user password` reads the password from stdin. */
function withStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('OAuth from the command line', () => {
  let r: TestRoster;
  before(async () => {
    r = await startRoster({ engine: 'sqlite', seed: 'demo' });
  });
  after(() => r.close());

  it('roster app create|list|delete, user password and token issue drive the whole flow', async () => {
    const db = r.roster.app.config.db;
    const created = await run(process.execPath, [BIN, 'app', 'create', '--name', 'CLI app', '--scope', 'im,user', '--redirect-uri', REDIRECT, '--json', '--db', db]);
    const app = JSON.parse(created.stdout);
    assert.match(app.client_id, /^local\.[0-9a-f]{14}\.\d{8}$/);
    assert.match(app.client_secret, /^[a-z0-9]{50}$/);
    assert.deepEqual(app.scope, ['im', 'user']);

    const list = JSON.parse((await run(process.execPath, [BIN, 'app', 'list', '--json', '--db', db])).stdout);
    assert.equal(list.length, 1);
    assert.equal(list[0].client_id, app.client_id);
    assert.equal('client_secret' in list[0], false);

    const password = await withStdin(['user', 'password', '7', '--db', db], `${PASSWORD}\n`);
    assert.equal(password.code, 0, password.stderr);
    const short = await withStdin(['user', 'password', '7', '--db', db], 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 8 characters/);
    const { location } = await signIn(r, { clientId: app.client_id, clientSecret: app.client_secret }, { login: (await r.roster.store.db.selectFrom('users').select('login').where('id', '=', 7).executeTakeFirstOrThrow()).login });
    assert.ok(location?.searchParams.get('code'), 'the password set on the command line signs in');

    const issued = JSON.parse((await run(process.execPath, [BIN, 'token', 'issue', '--app', app.client_id, '--user', '7', '--url', r.url, '--json', '--db', db])).stdout);
    assert.deepEqual(Object.keys(issued), TOKEN_KEYS);
    assert.equal(issued.client_endpoint, `${r.url}/rest/`);
    const me = await r.fetch(`/rest/profile?auth=${issued.access_token}`);
    assert.equal(me.body.result.ID, '7');
    const renewed = await refresh(r, { clientId: app.client_id, clientSecret: app.client_secret }, issued.refresh_token);
    assert.equal(renewed.status, 200);

    await run(process.execPath, [BIN, 'app', 'delete', app.client_id, '--db', db]);
    assert.equal((await r.fetch(`/rest/profile?auth=${renewed.body.access_token}`)).body.error, 'invalid_token');
  });
});

describe('OAuth sign-in throttling', () => {
  let r: TestRoster;
  let client: Client;
  before(async () => {
    r = await startRoster({ engine: 'sqlite', seed: 'demo' });
    client = await createApplication(r.roster.store.db, { name: 'Throttle', scopes: ['im'], redirectUri: REDIRECT });
    await updateUser(r.roster.store.db, 3, { password_hash: await hashPassword(PASSWORD) });
  });
  after(() => r.close());

  it('refuses a login for a while after 10 failed sign-ins, even with the right password', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await signIn(r, client, { password: `wrong ${i}` })).res.status, 401);
    const blocked = await signIn(r, client);
    assert.equal(blocked.res.status, 429);
    assert.equal(blocked.location, null);
    assert.match(blocked.html, /role="alert">Too many failed sign-ins for this login/);
    // other logins are not affected
    await updateUser(r.roster.store.db, 7, { password_hash: await hashPassword(PASSWORD) });
    const login = (await r.roster.store.db.selectFrom('users').select('login').where('id', '=', 7).executeTakeFirstOrThrow()).login;
    assert.equal((await signIn(r, client, { login })).res.status, 302);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const counterStores = [{ name: 'memory', redis: '' }];
if (await redisReachable()) counterStores.push({ name: 'Redis', redis: REDIS_URL });
else if (process.env.CI === 'true') throw new Error(`CI=true but Redis at ${REDIS_URL} is not reachable`);

for (const store of counterStores) {
  describe(`OAuth sign-in throttling: reserve before checking [${store.name}]`, () => {
    let r: TestRoster;
    let client: Client;
    before(async () => {
      r = await startRoster({ engine: 'sqlite', seed: 'demo', config: { redis: store.redis } });
      client = await createApplication(r.roster.store.db, { name: 'Throttle', scopes: ['im'], redirectUri: REDIRECT });
      for (const id of [3, 7, 8]) await updateUser(r.roster.store.db, id, { password_hash: await hashPassword(PASSWORD) });
    });
    after(async () => {
      if (store.redis) {
        const redis = testRedis(store.redis);
        const keys = await redis.keys(`roster:${await memberId(r.roster.store.db)}:*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
      await r.close();
    });
    const loginOf = async (id: number) => (await r.roster.store.db.selectFrom('users').select(['login', 'email']).where('id', '=', id).executeTakeFirstOrThrow());

    it('checks at most 10 of 40 parallel wrong passwords; the rest are refused unchecked', async () => {
      const { login } = await loginOf(7);
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(r, client, { login, password: `wrong ${i}` })));
      const statuses = answers.map((a) => a.res.status);
      const checked = statuses.filter((s) => s === 401).length;
      assert.ok(checked >= 1 && checked <= 10, `checked ${checked}: ${statuses.join(' ')}`);
      assert.equal(statuses.filter((s) => s === 429).length, 40 - checked);
      assert.equal((await signIn(r, client, { login })).res.status, 429, 'the account stays refused for the window');
    });

    it('counts the login and the e-mail address of one account together; the right password gives its attempt back', async () => {
      const { login, email } = await loginOf(8);
      for (let i = 0; i < 5; i++) assert.equal((await signIn(r, client, { login, password: `wrong ${i}` })).res.status, 401);
      for (let i = 0; i < 4; i++) assert.equal((await signIn(r, client, { login: email.toUpperCase(), password: `wrong ${i}` })).res.status, 401);
      for (let i = 0; i < 3; i++) assert.equal((await signIn(r, client, { login: email })).res.status, 302, 'a success does not count');
      assert.equal((await signIn(r, client, { login, password: 'wrong 10' })).res.status, 401);
      assert.equal((await signIn(r, client, { login: email, password: 'wrong 11' })).res.status, 429);
      assert.equal((await signIn(r, client, { login })).res.status, 429);
    });

    it('limits one address to 50 failures over every account it tries', async () => {
      // a server of its own: the other tests here already spent some of this address's failures
      const fresh = await startRoster({ engine: 'sqlite', seed: 'demo', config: { redis: store.redis } });
      try {
        const app = await createApplication(fresh.roster.store.db, { name: 'Address', scopes: ['im'], redirectUri: REDIRECT });
        await updateUser(fresh.roster.store.db, 3, { password_hash: await hashPassword(PASSWORD) });
        for (let round = 0; round < 5; round++) {
          const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(fresh, app, { login: `nobody.${round}.${i}`, password: 'guess' })));
          assert.deepEqual(answers.map((a) => a.res.status), Array(10).fill(401));
        }
        assert.equal((await signIn(fresh, app)).res.status, 429, 'this address used up its failures');
      } finally {
        if (store.redis) {
          const redis = testRedis(store.redis);
          const keys = await redis.keys(`roster:${await memberId(fresh.roster.store.db)}:*`);
          if (keys.length) await redis.del(...keys);
          redis.disconnect();
        }
        await fresh.close();
      }
    });
  });
}

describe('OAuth sign-in throttling: the counter store is down', () => {
  let r: TestRoster;
  let client: Client;
  before(async () => {
    r = await startRoster({ engine: 'sqlite', seed: 'demo', config: { redis: `redis://127.0.0.1:${await closedPort()}` } });
    client = await createApplication(r.roster.store.db, { name: 'Closed', scopes: ['im'], redirectUri: REDIRECT });
    await updateUser(r.roster.store.db, 3, { password_hash: await hashPassword(PASSWORD) });
  });
  after(() => r.close());

  it('refuses to sign in (fails closed), even with the right password', async () => {
    const res = await signIn(r, client);
    assert.equal(res.res.status, 503, res.html);
    assert.equal(res.location, null);
    assert.match(res.html, /role="alert">Signing in is not possible right now/);
  });
});

for (const engine of engines) {
  describe(`OAuth code and refresh token replay [${engine}]`, () => {
    let r: TestRoster;
    let client: Client;
    let other: Client;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      client = await createApplication(r.roster.store.db, { name: 'Replay', scopes: ['im'], redirectUri: REDIRECT });
      other = await createApplication(r.roster.store.db, { name: 'Thief', scopes: ['im'], redirectUri: REDIRECT });
      await updateUser(r.roster.store.db, 3, { password_hash: await hashPassword(PASSWORD) });
    });
    after(() => r.close());

    const works = async (accessToken: string) => (await r.fetch(`/rest/profile?auth=${accessToken}`)).status === 200;
    const codeOf = async () => (await signIn(r, client)).location!.searchParams.get('code')!;

    it('leaves a code usable by its application when another one (or a wrong redirect_uri) presents it', async () => {
      const code = await codeOf();
      assert.equal((await exchange(r, other, code)).body.error, 'invalid_grant');
      const wrongRedirect = await token(r, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: 'https://evil.example/' });
      assert.equal(wrongRedirect.body.error, 'invalid_grant');
      const mine = await exchange(r, client, code);
      assert.equal(mine.status, 200, mine.text);
      assert.ok(await works(mine.body.access_token));
    });

    it('revokes every token issued from a code when the code is presented again', async () => {
      const code = await codeOf();
      const first = (await exchange(r, client, code)).body;
      const refreshed = (await refresh(r, client, first.refresh_token)).body;
      const unrelated = await pair(r, client);
      assert.ok((await works(first.access_token)) && (await works(refreshed.access_token)));
      const again = await exchange(r, client, code);
      assert.equal(again.body.error, 'invalid_grant');
      assert.equal(await works(first.access_token), false);
      assert.equal(await works(refreshed.access_token), false, 'pairs refreshed from the code\'s pair are revoked too');
      assert.equal((await refresh(r, client, refreshed.refresh_token)).body.error, 'invalid_grant');
      assert.ok(await works(unrelated.access_token), 'other grants keep working');
    });

    it('revokes the family when a used refresh token is presented again', async () => {
      const first = await pair(r, client);
      const second = (await refresh(r, client, first.refresh_token)).body;
      const third = (await refresh(r, client, second.refresh_token)).body;
      const unrelated = await pair(r, client);
      assert.ok(await works(third.access_token));
      assert.equal((await refresh(r, client, first.refresh_token)).body.error, 'invalid_grant');
      assert.equal(await works(third.access_token), false);
      assert.equal((await refresh(r, client, third.refresh_token)).body.error, 'invalid_grant');
      assert.ok(await works(unrelated.access_token));
    });
  });
}
