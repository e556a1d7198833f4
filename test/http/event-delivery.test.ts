import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApplication, issueTokens } from '../../src/store/oauth.js';
import { appendChanges } from '../../src/store/changes.js';
import { writeTransaction } from '../../src/store/write.js';
import { startHandler, type HandlerServer } from '../helpers/handlers.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const ADMIN = 'events-admin-token-0123456789';
const SCOPES = ['user', 'im', 'department'];

async function appToken(r: TestRoster): Promise<string> {
  const db = r.roster.store.db;
  const app = await createApplication(db, { name: 'D', scopes: SCOPES });
  return (await issueTokens(db, { appId: app.id, userId: 1, scope: SCOPES })).accessToken;
}

const bind = (r: TestRoster, token: string, event: string, handler: string) =>
  r.call('event.bind', { event, handler, auth: token }, { hook: `${r.url}/rest/` });

async function updated(r: TestRoster, user: number, fields: Record<string, unknown>) {
  await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind: 'user.updated', entity: user, fields }], { user: 1, credential: 'test' }));
  r.roster.app.events?.wake();
}

const admin = (r: TestRoster, path: string, init: RequestInit = {}) =>
  r.fetch(path, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });

async function log(r: TestRoster, query = ''): Promise<any[]> {
  return (await admin(r, `/_roster/deliveries?limit=1000${query}`)).body.result;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

for (const engine of engines) {
  describe(`event delivery (${engine})`, () => {
    let r: TestRoster;
    let token: string;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { eventTimeout: 1, adminToken: ADMIN } });
      token = await appToken(r);
    });
    after(() => r.close());

    it('a handler that hangs, fails, closes, redirects or streams 100 MB costs a timeout at most and is logged', async () => {
      const kinds = ['hang', '500', 'close', 'redirect', 'huge', 'ok'] as const;
      const handlers: HandlerServer[] = [];
      try {
        for (const kind of kinds) {
          const h = await startHandler(kind, `/${kind}`);
          handlers.push(h);
          assert.equal((await bind(r, token, 'ONROSTERUSERUPDATE', h.url)).body.result, true);
        }
        await updated(r, 3, { NAME: 'One' });
        const rows = await until('six attempts', async () => {
          const all = (await log(r)).filter((a) => a.event === 'ONROSTERUSERUPDATE');
          return all.length >= kinds.length && all;
        });
        const by = (kind: string) => rows.find((a: any) => a.handler.endsWith(`/${kind}`));
        assert.equal(by('ok').status, 'ok');
        assert.equal(by('ok').http_status, 200);
        assert.equal(by('hang').status, 'failed');
        assert.match(by('hang').error, /timeout/);
        assert.equal(by('500').http_status, 500);
        assert.equal(by('500').response, 'handler failed');
        assert.equal(by('close').status, 'failed');
        assert.equal(by('redirect').status, 'failed');
        assert.match(by('redirect').error, /not followed/);
        assert.equal(by('huge').status, 'ok');
        assert.equal(by('huge').response.length, 1024, 'only a snippet of the answer is kept');
        for (const a of rows) assert.equal(a.attempt, 1, 'no retries by default');
        // the redirect target was never called, and the server kept answering
        assert.equal((await r.call('server.time')).status, 200);
        await new Promise((res) => setTimeout(res, 1500));
        assert.equal((await log(r)).filter((a) => a.event === 'ONROSTERUSERUPDATE').length, kinds.length, 'nothing was retried');
      } finally {
        for (const h of handlers) await h.close();
      }
    });

    it('keeps each handler\'s deliveries in commit order, behind a slow one', async () => {
      const h = await startHandler('hang', '/ordered');
      try {
        await bind(r, token, 'ONROSTERDEPARTMENTUPDATE', h.url);
        for (let i = 1; i <= 5; i++) {
          await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind: 'department.updated', entity: i, fields: { SORT: i } }], { user: 1, credential: 'test' }));
        }
        r.roster.app.events?.wake();
        await h.waitFor(1);
        h.behaviour = 'ok';
        const got = await h.waitFor(5);
        assert.deepEqual(got.map((g) => g.post.data.FIELDS.SORT), ['1', '2', '3', '4', '5']);
      } finally {
        await h.close();
      }
    });

    it('the delivery log redacts tokens, filters, and redelivers on request; it needs the admin token', async () => {
      const h = await startHandler('ok', '/logged');
      try {
        await bind(r, token, 'ONROSTERUSERSTATUS', h.url);
        await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind: 'user.presence', entity: 3, fields: { status: 'away' } }], { user: 3, credential: 'test' }));
        r.roster.app.events?.wake();
        const [first] = await h.waitFor(1);
        const entries = await until('the log entry', async () => {
          const e = await log(r, '&event=onrosteruserstatus&status=ok');
          return e.length > 0 && e;
        });
        assert.equal(entries.length, 1);
        const entry = entries[0];
        assert.match(entry.body, /auth%5Baccess_token%5D=%5Bredacted%5D/);
        assert.match(entry.body, /auth%5Bapplication_token%5D=%5Bredacted%5D/);
        assert.ok(!entry.body.includes(first!.post.auth.access_token), 'no token in the log');
        assert.equal((await log(r, '&event=ONROSTERUSERSTATUS&status=failed')).length, 0);
        assert.equal((await log(r, '&since=2999-01-01T00:00:00Z')).length, 0);
        for (const bad of ['&since=yesterday', '&status=maybe', '&limit=0', '&limit=abc', '&after=-1']) {
          assert.equal((await admin(r, `/_roster/deliveries?${bad.slice(1)}`)).status, 400, bad);
        }
        assert.equal((await r.fetch('/_roster/deliveries')).status, 401);
        const again = await admin(r, `/_roster/deliveries/${entry.delivery_id}/redeliver`, { method: 'POST', body: '{}' });
        assert.equal(again.status, 200);
        const [, second] = await h.waitFor(2);
        assert.deepEqual(second!.post.data, first!.post.data);
        assert.equal(second!.post.event_handler_id, first!.post.event_handler_id);
        assert.equal((await admin(r, '/_roster/deliveries/999999/redeliver', { method: 'POST', body: '{}' })).status, 404);
        assert.equal((await admin(r, '/_roster/deliveries/abc/redeliver', { method: 'POST', body: '{}' })).status, 404);
      } finally {
        await h.close();
      }
    });

    it('--event-hosts refuses other hosts when binding and before every delivery', async () => {
      const h = await startHandler('ok', '/hosts');
      const config = r.roster.app.config as { eventHosts: string };
      try {
        await bind(r, token, 'ONROSTERUSERDISMISS', h.url);
        config.eventHosts = 'example.com,*.example.org';
        const refused = await bind(r, token, 'ONROSTERUSERUPDATE', 'http://127.0.0.1:9/x');
        assert.equal(refused.status, 400);
        assert.match(refused.body.error_description, /not allowed by the server's --event-hosts/);
        await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind: 'user.dismissed', entity: 5 }], { user: 1, credential: 'test' }));
        r.roster.app.events?.wake();
        const [entry] = await until('the refused attempt', async () => {
          const e = await log(r, '&event=ONROSTERUSERDISMISS');
          return e.length > 0 && e;
        });
        assert.equal(entry.status, 'failed');
        assert.match(entry.error, /--event-hosts/);
        assert.equal(h.received.length, 0);
      } finally {
        config.eventHosts = '';
        await h.close();
      }
    });
  });
}

describe('event retries', () => {
  it('--event-retries N retries a failing handler N times with growing waits, then gives up', async () => {
    const r = await startRoster({ config: { eventTimeout: 1, eventRetries: 2, adminToken: ADMIN } });
    const h = await startHandler('500', '/retry');
    try {
      const token = await appToken(r);
      await bind(r, token, 'ONROSTERUSERUPDATE', h.url);
      await updated(r, 1, { NAME: 'Retry' });
      await h.waitFor(3);
      const attempts = await until('three attempts', async () => {
        const e = await log(r);
        return e.length >= 3 && e;
      });
      assert.deepEqual(attempts.map((a: any) => [a.attempt, a.status, a.delivery_id]), [
        [1, 'failed', attempts[0].delivery_id],
        [2, 'failed', attempts[0].delivery_id],
        [3, 'failed', attempts[0].delivery_id],
      ]);
      const gap1 = Date.parse(attempts[1].at) - Date.parse(attempts[0].at);
      const gap2 = Date.parse(attempts[2].at) - Date.parse(attempts[1].at);
      assert.ok(gap2 > gap1, 'the second wait is longer than the first');
      await new Promise((res) => setTimeout(res, 1500));
      assert.equal(h.received.length, 3, 'no fourth attempt');
    } finally {
      await h.close();
      await r.close();
    }
  });
});
