import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApplication, issueTokens } from '../../src/store/oauth.js';
import { appendChanges, type ChangeKind } from '../../src/store/changes.js';
import { writeTransaction } from '../../src/store/write.js';
import { startHandler, type HandlerServer } from '../helpers/handlers.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const SCOPES = ['user', 'department'];

for (const engine of engines) {
  describe(`offline events (${engine})`, () => {
    let r: TestRoster;
    let h: HandlerServer;
    let admin: string;
    let user: string;
    let other: string;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { eventTimeout: 2 } });
      h = await startHandler();
      const db = r.roster.store.db;
      const app = await createApplication(db, { name: 'Offline', scopes: SCOPES });
      admin = (await issueTokens(db, { appId: app.id, userId: 1, scope: SCOPES })).accessToken;
      user = (await issueTokens(db, { appId: app.id, userId: 3, scope: SCOPES })).accessToken;
      const b = await createApplication(db, { name: 'Other', scopes: SCOPES });
      other = (await issueTokens(db, { appId: b.id, userId: 1, scope: SCOPES })).accessToken;
    });
    after(async () => {
      await r.close();
      await h.close();
    });

    const call = (token: string, method: string, params: Record<string, unknown> = {}) => r.call(method, { ...params, auth: token }, { hook: `${r.url}/rest/` });
    const change = async (kind: ChangeKind, entity: number, fields: Record<string, unknown> = {}) => {
      await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind, entity, fields }], { user: 1, credential: 'test' }));
      r.roster.app.events?.wake();
    };
    const settle = async (done: () => Promise<boolean>) => {
      for (let i = 0; i < 300 && !(await done()); i++) await new Promise((res) => setTimeout(res, 50));
    };

    it('queues offline events per object, notifies ONOFFLINEEVENT once per minTimeout, and hands out the queue by process', async () => {
      assert.equal((await call(admin, 'event.bind', { event: 'ONROSTERUSERUPDATE', event_type: 'offline' })).body.result, true);
      assert.equal((await call(admin, 'event.bind', { event: 'ONOFFLINEEVENT', handler: h.url, options: { minTimeout: 3600 } })).body.result, true);
      await change('user.updated', 3, { NAME: 'A' });
      await change('user.updated', 3, { NAME: 'B' });
      await change('user.updated', 4, { NAME: 'C' });
      await settle(async () => (await call(admin, 'event.offline.list')).body.total === 2);
      const [notice] = await h.waitFor(1);
      assert.deepEqual(Object.keys(notice!.post), ['event', 'event_handler_id', 'ts', 'auth'], 'data is an empty array: PHP sees no key');
      assert.equal(notice!.post.event, 'ONOFFLINEEVENT');
      assert.ok(notice!.post.auth.refresh_token, 'ONOFFLINEEVENT carries a refresh_token');
      await new Promise((res) => setTimeout(res, 400));
      assert.equal(h.received.length, 1, 'minTimeout holds back further notices');

      const list = await call(admin, 'event.offline.list');
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 2);
      const [first, second] = list.body.result;
      assert.deepEqual(Object.keys(first), ['ID', 'TIMESTAMP_X', 'EVENT_NAME', 'EVENT_DATA', 'EVENT_ADDITIONAL', 'MESSAGE_ID', 'PROCESS_ID', 'ERROR']);
      assert.deepEqual(first.EVENT_DATA, { FIELDS: { NAME: 'B', ID: 3 } }, 'the latest state of user 3, once');
      assert.equal(first.EVENT_NAME, 'ONROSTERUSERUPDATE');
      assert.equal(first.EVENT_ADDITIONAL, false);
      assert.equal(first.PROCESS_ID, '');
      assert.equal(first.ERROR, '0');
      assert.match(first.TIMESTAMP_X, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

      // reserve one record; a second process gets the other; the first process can read its own again
      const p1 = await call(admin, 'event.offline.get', { clear: 0, limit: 1 });
      assert.match(p1.body.result.process_id, /^[0-9a-f]{32}$/);
      assert.deepEqual(p1.body.result.events.map((e: any) => e.ID), [first.ID]);
      assert.deepEqual(Object.keys(p1.body.result.events[0]), ['ID', 'TIMESTAMP_X', 'EVENT_NAME', 'EVENT_DATA', 'EVENT_ADDITIONAL', 'MESSAGE_ID']);
      const p2 = await call(admin, 'event.offline.get', { clear: 0 });
      assert.deepEqual(p2.body.result.events.map((e: any) => e.ID), [second.ID]);
      assert.notEqual(p2.body.result.process_id, p1.body.result.process_id);
      assert.equal((await call(admin, 'event.offline.get', { clear: 0 })).body.result.events.length, 0);
      const again = await call(admin, 'event.offline.get', { clear: 0, process_id: p1.body.result.process_id });
      assert.deepEqual(again.body.result.events.map((e: any) => e.ID), [first.ID]);
      const reserved = await call(admin, 'event.offline.list', { filter: { PROCESS_ID: p1.body.result.process_id } });
      assert.deepEqual(reserved.body.result.map((e: any) => e.ID), [first.ID]);

      // an error leaves the process; it is read again only with error=1
      assert.equal((await call(admin, 'event.offline.error', { process_id: p1.body.result.process_id, message_id: [first.MESSAGE_ID] })).body.result, true);
      assert.equal((await call(admin, 'event.offline.get')).body.result.events.length, 0);
      const errors = await call(admin, 'event.offline.get', { error: 1 });
      assert.equal(errors.body.result.process_id, null);
      assert.deepEqual(errors.body.result.events.map((e: any) => e.ID), [first.ID]);
      // clear what the second process holds
      assert.equal((await call(admin, 'event.offline.clear', { process_id: p2.body.result.process_id })).body.result, true);
      assert.equal((await call(admin, 'event.offline.list')).body.total, 0);
    });

    it('filters and orders, keeps queues per application, and is for administrators of applications only', async () => {
      await change('user.updated', 5, { NAME: 'D' });
      await change('user.updated', 6, { NAME: 'E' });
      await settle(async () => (await call(admin, 'event.offline.list')).body.total === 2);
      const desc = await call(admin, 'event.offline.list', { order: { ID: 'DESC' } });
      assert.deepEqual(desc.body.result.map((e: any) => e.EVENT_DATA.FIELDS.ID), [6, 5]);
      const filtered = await call(admin, 'event.offline.get', { filter: { '>ID': desc.body.result[1].ID }, clear: 1 });
      assert.deepEqual(filtered.body.result.events.map((e: any) => e.EVENT_DATA.FIELDS.ID), [6]);
      assert.equal((await call(other, 'event.offline.list')).body.total, 0, 'another application has its own queue');
      assert.equal((await call(other, 'event.offline.get')).body.result.events.length, 0);
      for (const method of ['event.offline.get', 'event.offline.list', 'event.offline.clear', 'event.offline.error']) {
        const res = await call(user, method, { process_id: 'x', message_id: ['y'] });
        assert.equal(res.status, 403, method);
        assert.equal(res.body.error_description, 'Access denied!');
        assert.equal((await r.call(method, { process_id: 'x' })).status, 403, `${method} by a webhook`);
      }
      assert.equal((await call(admin, 'event.offline.list')).body.total, 1, 'refused calls changed nothing');
    });

    it('refuses malformed offline parameters', async () => {
      const cases: [string, Record<string, unknown>][] = [
        ['event.offline.get', { filter: 'x' }],
        ['event.offline.get', { filter: { '>NOPE': 1 } }],
        ['event.offline.get', { filter: { ID: [1, 2] } }],
        ['event.offline.get', { filter: { PROCESS_ID: 'x' } }],
        ['event.offline.get', { filter: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`>ID${'_'.repeat(i)}`, 1])) }],
        ['event.offline.get', { filter: { '>TIMESTAMP_X': 'soon' } }],
        ['event.offline.get', { order: { ID: 'sideways' } }],
        ['event.offline.get', { order: 'ID' }],
        ['event.offline.get', { limit: { a: 1 } }],
        ['event.offline.get', { clear: ['1'] }],
        ['event.offline.get', { process_id: 'p'.repeat(300) }],
        ['event.offline.list', { order: { NOPE: 'ASC' } }],
        ['event.offline.clear', {}],
        ['event.offline.clear', { process_id: ['x'] }],
        ['event.offline.clear', { process_id: 'x', message_id: Array.from({ length: 51 }, (_, i) => String(i)) }],
        ['event.offline.error', { process_id: 'x' }],
        ['event.offline.error', { message_id: ['x'] }],
        ['event.offline.error', { process_id: 'x', message_id: Array.from({ length: 51 }, (_, i) => String(i)) }],
        ['event.offline.error', { process_id: 'x', message_id: [{ a: 1 }] }],
      ];
      for (const [method, params] of cases) {
        const res = await call(admin, method, params);
        assert.equal(res.status, 400, `${method} ${JSON.stringify(params).slice(0, 120)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
      }
      assert.equal((await call(admin, 'event.offline.list')).body.total, 1, 'refused calls changed nothing');
    });
  });
}
