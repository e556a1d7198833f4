import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApplication, issueTokens } from '../../src/store/oauth.js';
import { appendChanges } from '../../src/store/changes.js';
import { findBindings } from '../../src/store/events.js';
import { writeTransaction } from '../../src/store/write.js';
import { startHandler, type HandlerServer } from '../helpers/handlers.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const ADMIN = 'events-admin-token-0123456789';
const SCOPES = ['user', 'im'];
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

for (const engine of engines) {
  describe(`application install and outgoing webhooks (${engine})`, () => {
    let r: TestRoster;
    let h: HandlerServer;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { eventTimeout: 2, adminToken: ADMIN } });
      h = await startHandler('ok', '/install');
    });
    after(async () => {
      await r.close();
      await h.close();
    });

    const admin = (path: string, body?: unknown, method = 'POST') =>
      r.fetch(path, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const call = (token: string, method: string, params: Record<string, unknown> = {}) => r.call(method, { ...params, auth: token }, { hook: `${r.url}/rest/` });

    it('install sends ONAPPINSTALL with working tokens; uninstall sends ONAPPUNINSTALL, then the tokens stop working', async () => {
      const db = r.roster.store.db;
      const app = await createApplication(db, { name: 'Installed', scopes: SCOPES });
      const installed = await admin(`/_roster/apps/${app.clientId}/install`, { user_id: 1, handler: h.url });
      assert.equal(installed.status, 200);
      const applicationToken = installed.body.result.application_token;
      assert.match(applicationToken, /^[0-9a-f]{32}$/);
      const [install] = await h.waitFor(1);
      assert.deepEqual(Object.keys(install!.post), ['event', 'data', 'ts', 'auth']);
      assert.equal(install!.post.event, 'ONAPPINSTALL');
      assert.deepEqual(install!.post.data, { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' });
      const auth = install!.post.auth;
      assert.deepEqual(Object.keys(auth), ['access_token', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'refresh_token', 'application_token']);
      assert.equal(auth.application_token, applicationToken);
      assert.equal(auth.scope, 'user,im');
      assert.equal((await call(auth.access_token, 'user.current')).body.result.ID, '1');
      const refreshed = await r.fetch('/oauth/token/', {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: auth.refresh_token }).toString(),
      });
      assert.equal(refreshed.status, 200, 'the refresh_token works at the token endpoint');

      // the application binds its own uninstall handler, as upstream applications do in their installer
      const h2 = await startHandler('ok', '/bound');
      try {
        assert.equal((await call(auth.access_token, 'event.bind', { event: 'ONAPPUNINSTALL', handler: h2.url })).body.result, true);
        const kept = (await issueTokens(db, { appId: app.id, userId: 1, scope: SCOPES })).accessToken;
        assert.equal((await admin(`/_roster/apps/${app.clientId}/uninstall`, { clean: true })).status, 200);
        const [bye] = await h.waitFor(2).then((all) => all.slice(1));
        const [bound] = await h2.waitFor(1);
        for (const got of [bye!, bound!]) {
          assert.equal(got.post.event, 'ONAPPUNINSTALL');
          assert.deepEqual(got.post.data, { LANGUAGE_ID: 'en', CLEAN: '1' });
          assert.deepEqual(Object.keys(got.post.auth), ['domain', 'server_endpoint', 'client_endpoint', 'member_id', 'application_token']);
          assert.equal(got.post.auth.application_token, applicationToken);
        }
        assert.ok(bound!.post.event_handler_id);
        assert.equal((await call(kept, 'user.current')).status, 401, 'tokens are revoked');
        assert.equal((await call(auth.access_token, 'user.current')).status, 401);
        for (let i = 0; i < 100 && (await findBindings(db, { appId: app.id })).length; i++) await new Promise((res) => setTimeout(res, 50));
        assert.deepEqual(await findBindings(db, { appId: app.id }), [], 'bindings go with the installation');
        const twice = await admin(`/_roster/apps/${app.clientId}/uninstall`, {});
        assert.equal(twice.status, 400);
        // installed again: the application_token stays the application's
        assert.equal((await admin(`/_roster/apps/${app.clientId}/install`, {})).body.result.application_token, applicationToken);
      } finally {
        await h2.close();
      }
    });

    it('refuses bad install and uninstall requests', async () => {
      const app = await createApplication(r.roster.store.db, { name: 'Bad', scopes: SCOPES });
      const cases: [string, unknown][] = [
        ['/_roster/apps/local.nope.1/install', {}],
        [`/_roster/apps/${app.clientId}/install`, { user_id: 'x' }],
        [`/_roster/apps/${app.clientId}/install`, { user_id: 3 }],
        [`/_roster/apps/${app.clientId}/install`, { user_id: 999999 }],
        [`/_roster/apps/${app.clientId}/install`, { handler: 'ftp://x/' }],
        [`/_roster/apps/${app.clientId}/install`, { handler: ['x'] }],
        [`/_roster/apps/${app.clientId}/install`, { handler: `http://x/${'a'.repeat(3000)}` }],
        [`/_roster/apps/${app.clientId}/uninstall`, { clean: 'yes' }],
        ['/_roster/apps/local.nope.1/uninstall', {}],
      ];
      for (const [path, body] of cases) {
        const res = await admin(path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)}`);
      }
      const noToken = await r.fetch(`/_roster/apps/${app.clientId}/install`, { method: 'POST' });
      assert.equal(noToken.status, 401);
    });

    it('an outgoing webhook gets its events with the portal\'s auth fields only', async () => {
      const hook = await startHandler('ok', '/outgoing');
      try {
        const created = await admin('/_roster/webhooks/outgoing', { handler: hook.url, events: ['onuseradd', 'ONROSTERUSERUPDATE'], title: 'sync' });
        assert.equal(created.status, 200);
        assert.deepEqual(created.body.result.events, ['ONUSERADD', 'ONROSTERUSERUPDATE']);
        const add = await r.call('user.add', { EMAIL: 'outgoing@example.com', NAME: 'Out', LAST_NAME: 'Going', UF_DEPARTMENT: [1] });
        const [got] = await hook.waitFor(1);
        assert.deepEqual(Object.keys(got!.post), ['event', 'event_handler_id', 'data', 'ts', 'auth']);
        assert.equal(got!.post.event, 'ONUSERADD');
        assert.equal(got!.post.data.ID, String(add.body.result));
        assert.deepEqual(got!.post.auth, {
          domain: new URL(r.url).host,
          client_endpoint: `${r.url}/rest/`,
          server_endpoint: `${r.url}/rest/`,
          member_id: got!.post.auth.member_id,
          application_token: created.body.result.application_token,
        });
        const listed = await admin('/_roster/webhooks/outgoing', undefined, 'GET');
        assert.deepEqual(listed.body.result.map((w: any) => w.id), [created.body.result.id]);
        for (const bad of [
          { handler: hook.url, events: ['ONAPPINSTALL'] },
          { handler: hook.url, events: [] },
          { handler: hook.url, events: 'ONNOPE' },
          { handler: hook.url, events: [1] },
          { handler: hook.url, events: Array.from({ length: 21 }, () => 'ONUSERADD') },
          { events: ['ONUSERADD'] },
          { handler: 'javascript:alert(1)', events: ['ONUSERADD'] },
          { handler: hook.url, events: ['ONUSERADD'], title: { a: 1 } },
        ]) {
          assert.equal((await admin('/_roster/webhooks/outgoing', bad)).status, 400, JSON.stringify(bad).slice(0, 100));
        }
        assert.equal((await admin(`/_roster/webhooks/outgoing/${created.body.result.id}`, undefined, 'DELETE')).status, 200);
        assert.equal((await admin(`/_roster/webhooks/outgoing/${created.body.result.id}`, undefined, 'DELETE')).status, 404);
        await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind: 'user.updated', entity: 3, fields: { NAME: 'X' } }], { user: 1, credential: 'test' }));
        r.roster.app.events?.wake();
        await new Promise((res) => setTimeout(res, 400));
        assert.equal(hook.received.length, 1, 'a deleted outgoing webhook gets nothing');
      } finally {
        await hook.close();
      }
    });
  });
}
