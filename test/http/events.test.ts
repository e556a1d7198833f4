import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApplication, issueTokens } from '../../src/store/oauth.js';
import { appendChanges, type ChangeKind } from '../../src/store/changes.js';
import { writeTransaction } from '../../src/store/write.js';
import { startHandler, type HandlerServer } from '../helpers/handlers.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const APP_AUTH_KEYS = ['access_token', 'expires_in', 'scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'application_token'];
const ALL_SCOPES = ['im', 'imbot', 'user', 'user_basic', 'user_brief', 'department', 'sonet_group'];

interface AppCreds {
  id: number;
  clientId: string;
  admin: string;
  user: string;
}

async function newApp(r: TestRoster, name: string): Promise<AppCreds> {
  const db = r.roster.store.db;
  const app = await createApplication(db, { name, scopes: ALL_SCOPES });
  const admin = await issueTokens(db, { appId: app.id, userId: 1, scope: ALL_SCOPES });
  const user = await issueTokens(db, { appId: app.id, userId: 3, scope: ALL_SCOPES });
  return { id: app.id, clientId: app.clientId, admin: admin.accessToken, user: user.accessToken };
}

function withToken(r: TestRoster, token: string, method: string, params: Record<string, unknown> = {}) {
  return r.call(method, { ...params, auth: token }, { hook: `${r.url}/rest/` });
}

async function change(r: TestRoster, kind: ChangeKind, entity: number | null, fields: Record<string, unknown> = {}, user: number | null = 1) {
  await writeTransaction(r.roster.store, (trx) => appendChanges(trx, [{ kind, entity, fields }], { user, credential: user === null ? 'cli' : 'test' }));
  r.roster.app.events?.wake();
}

for (const engine of engines) {
  describe(`events (${engine})`, () => {
    let r: TestRoster;
    let a: AppCreds;
    let b: AppCreds;
    let h: HandlerServer;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { eventTimeout: 2 } });
      a = await newApp(r, 'A');
      b = await newApp(r, 'B');
      h = await startHandler();
    });
    after(async () => {
      await r.close();
      await h.close();
    });

    const bind = (token: string, params: Record<string, unknown>) => withToken(r, token, 'event.bind', params);

    it('refuses webhook callers as upstream does', async () => {
      for (const method of ['event.bind', 'event.unbind', 'event.get', 'events', 'event.test', 'event.offline.get', 'event.offline.list']) {
        const res = await r.call(method, { event: 'ONAPPTEST', handler: h.url });
        assert.equal(res.status, 403, method);
        assert.equal(res.body.error, 'ACCESS_DENIED');
        assert.match(res.body.error_description, /Application context required/);
      }
    });

    it('lists the events of the caller\'s scopes, Roster\'s own under ONROSTER', async () => {
      const res = await withToken(r, a.admin, 'events');
      assert.equal(res.status, 200);
      for (const name of ['ONAPPINSTALL', 'ONAPPUNINSTALL', 'ONAPPTEST', 'ONOFFLINEEVENT', 'ONUSERADD', 'ONSONETGROUPADD', 'ONIMBOTDELETE', 'ONROSTERUSERUPDATE']) {
        assert.ok(res.body.result.includes(name), name);
      }
      const group = await withToken(r, a.admin, 'events', { SCOPE: 'sonet_group' });
      assert.deepEqual(group.body.result, ['ONSONETGROUPADD', 'ONSONETGROUPUPDATE', 'ONSONETGROUPDELETE']);
    });

    it('refuses bad bindings with clear errors and stores none of them', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ handler: h.url }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONNOSUCHEVENT', handler: h.url }, 400, 'ERROR_EVENT_NOT_FOUND'],
        [{ event: ['ONAPPTEST'], handler: h.url }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'x'.repeat(10000), handler: h.url }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: 'ftp://127.0.0.1/x' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: 'not a url' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: 'http://user:pw@127.0.0.1/x' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: `http://127.0.0.1/${'a'.repeat(2100)}` }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: { a: 1 } }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: h.url, event_type: 'sometimes' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: h.url, auth_type: 'abc' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: h.url, auth_type: 999999 }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONAPPTEST', handler: h.url, options: 'x' }, 400, 'ERROR_ARGUMENT'],
        [{ event: 'ONOFFLINEEVENT', handler: h.url, options: { minTimeout: -1 } }, 400, 'ERROR_ARGUMENT'],
      ];
      for (const [params, status, code] of cases) {
        const res = await bind(a.admin, params);
        assert.equal(res.status, status, JSON.stringify(params).slice(0, 200));
        assert.equal(res.body.error, code, JSON.stringify(params).slice(0, 200));
      }
      const offline = await bind(a.user, { event: 'ONUSERADD', event_type: 'offline' });
      assert.equal(offline.status, 403);
      assert.match(offline.body.error_description, /Offline events binding requires administrator/);
      const other = await bind(a.user, { event: 'ONAPPTEST', handler: h.url, auth_type: 1 });
      assert.equal(other.status, 403);
      assert.match(other.body.error_description, /AUTH_TYPE requires administrator/);
      assert.deepEqual((await withToken(r, a.admin, 'event.get')).body.result, []);
    });

    it('delivers ONAPPTEST as a form a PHP handler reads, with a token that works', async () => {
      assert.equal((await bind(a.admin, { event: 'onapptest', handler: h.url })).body.result, true);
      const dup = await bind(a.admin, { event: 'ONAPPTEST', handler: h.url });
      assert.equal(dup.status, 400);
      assert.match(dup.body.error_description, /already binded/);
      const got = await withToken(r, a.admin, 'event.get');
      assert.deepEqual(got.body.result, [{ event: 'ONAPPTEST', handler: h.url, auth_type: '0', offline: 0 }]);
      const start = h.received.length;
      const res = await withToken(r, a.admin, 'event.test', { any: 'data', list: ['x', 'y'] });
      assert.equal(res.body.result, 1);
      const [req] = (await h.waitFor(start + 1)).slice(start);
      assert.equal(req!.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.match(req!.raw, /^event=ONAPPTEST&event_handler_id=\d+&data%5BQUERY%5D%5Bany%5D=data&/);
      const post = req!.post;
      assert.deepEqual(Object.keys(post), ['event', 'event_handler_id', 'data', 'ts', 'auth']);
      assert.equal(post.event, 'ONAPPTEST');
      assert.match(post.event_handler_id, /^\d+$/);
      assert.deepEqual(post.data, { QUERY: { any: 'data', list: ['x', 'y'] } });
      assert.match(post.ts, /^\d{10}$/);
      assert.deepEqual(Object.keys(post.auth), APP_AUTH_KEYS);
      const host = new URL(r.url).host;
      assert.deepEqual({ ...post.auth, access_token: '', member_id: '', application_token: '' }, {
        access_token: '',
        expires_in: '3600',
        scope: ALL_SCOPES.join(','),
        domain: host,
        server_endpoint: `${r.url}/rest/`,
        status: 'L',
        client_endpoint: `${r.url}/rest/`,
        member_id: '',
        application_token: '',
      });
      assert.match(post.auth.application_token, /^[0-9a-f]{32}$/);
      const me = await withToken(r, post.auth.access_token, 'user.current');
      assert.equal(me.status, 200);
      assert.equal(me.body.result.ID, '1');
      // the application_token is the application's, the same on every delivery
      await withToken(r, a.admin, 'event.test');
      const [second] = (await h.waitFor(start + 2)).slice(start + 1);
      assert.equal(second!.post.auth.application_token, post.auth.application_token);
      assert.notEqual(second!.post.auth.access_token, post.auth.access_token);
      assert.equal(second!.post.data, undefined, 'an empty QUERY is left out, as http_build_query leaves out empty arrays');
    });

    it('an application sees and unbinds only its own bindings; a user only theirs', async () => {
      await bind(a.user, { event: 'ONUSERADD', handler: h.url });
      assert.deepEqual((await withToken(r, b.admin, 'event.get')).body.result, []);
      assert.deepEqual((await withToken(r, b.admin, 'event.unbind', { event: 'ONAPPTEST', handler: h.url })).body.result, { count: 0 });
      const mine = await withToken(r, a.user, 'event.get');
      assert.deepEqual(mine.body.result, [{ event: 'ONUSERADD', handler: h.url, auth_type: '3', offline: 0 }]);
      assert.deepEqual((await withToken(r, a.user, 'event.unbind', { event: 'ONAPPTEST', handler: h.url })).body.result, { count: 0 });
      assert.equal((await withToken(r, a.admin, 'event.get')).body.result.length, 2);
      assert.deepEqual((await withToken(r, a.user, 'event.unbind', { event: 'ONUSERADD', handler: h.url })).body.result, { count: 1 });
    });

    it('sends ONUSERADD for an added active user with upstream\'s fields, tokens of the acting user', async () => {
      const hook = await startHandler('ok', '/users');
      try {
        await bind(a.admin, { event: 'ONUSERADD', handler: hook.url });
        await bind(a.admin, { event: 'ONUSERADD', handler: hook.url, auth_type: 3 });
        const add = await r.call('user.add', { EMAIL: 'new.hire@example.com', NAME: 'New', LAST_NAME: 'Hire', UF_DEPARTMENT: [1], WORK_POSITION: 'Tester' });
        const id = add.body.result as number;
        await change(r, 'user.added', 4, { active: false });
        const got = await hook.waitFor(2);
        await new Promise((res) => setTimeout(res, 300));
        assert.equal(got.length, 2, 'the inactive user raised nothing');
        const data = got[0]!.post.data;
        assert.deepEqual(Object.keys(data), ['ID', 'ACTIVE', 'EMAIL', 'NAME', 'LAST_NAME', 'PERSONAL_GENDER', 'PERSONAL_BIRTHDAY', 'UF_DEPARTMENT', 'DATE_REGISTER', 'WORK_POSITION']);
        assert.deepEqual({ ...data, DATE_REGISTER: '' }, {
          ID: String(id), ACTIVE: 'Y', EMAIL: 'new.hire@example.com', NAME: 'New', LAST_NAME: 'Hire', PERSONAL_GENDER: '', PERSONAL_BIRTHDAY: '',
          UF_DEPARTMENT: ['1'], DATE_REGISTER: '', WORK_POSITION: 'Tester',
        });
        assert.match(data.DATE_REGISTER, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
        assert.deepEqual(Object.keys(got[0]!.post.auth), APP_AUTH_KEYS);
        const users = await Promise.all(got.map(async (g) => (await withToken(r, g.post.auth.access_token, 'user.current')).body.result.ID));
        assert.deepEqual(users.sort(), ['1', '3'], 'auth_type 0 gets the acting user, auth_type 3 user 3');
      } finally {
        await hook.close();
      }
    });

    it('sends workgroup events with refresh_token, Roster events with the changed fields, nothing to others', async () => {
      const hook = await startHandler('ok', '/all');
      try {
        const names = ['ONSONETGROUPADD', 'ONSONETGROUPUPDATE', 'ONSONETGROUPDELETE', 'ONROSTERUSERUPDATE', 'ONROSTERUSERSTATUS', 'ONROSTERUSERDISMISS', 'ONROSTERDEPARTMENTADD', 'ONROSTERDEPARTMENTUPDATE', 'ONROSTERDEPARTMENTDELETE'];
        for (const event of names) assert.equal((await bind(a.admin, { event, handler: hook.url })).body.result, true, event);
        await change(r, 'group.added', 7, { NAME: 'G' });
        await change(r, 'group.updated', 7, { NAME: 'H' });
        await change(r, 'group.deleted', 7);
        await change(r, 'user.updated', 3, { NAME: 'Luke', WORK_POSITION: 'Lead' });
        await change(r, 'user.departments', 3, { UF_DEPARTMENT: [2, 3] });
        await change(r, 'user.presence', 3, { status: 'dnd', idle: false });
        await change(r, 'user.dismissed', 4, { ACTIVE: false });
        await change(r, 'department.added', 40, { NAME: 'Lab', PARENT: 1 });
        await change(r, 'department.updated', 40, { NAME: 'Labs' });
        await change(r, 'department.deleted', 40);
        await change(r, 'webhook.created', 9);
        const got = await hook.waitFor(10);
        await new Promise((res) => setTimeout(res, 300));
        assert.equal(got.length, 10);
        assert.deepEqual(got.map((g) => [g.post.event, g.post.data]), [
          ['ONSONETGROUPADD', { FIELDS: { ID: '7' } }],
          ['ONSONETGROUPUPDATE', { FIELDS: { ID: '7' } }],
          ['ONSONETGROUPDELETE', { FIELDS: { ID: '7' } }],
          ['ONROSTERUSERUPDATE', { FIELDS: { NAME: 'Luke', WORK_POSITION: 'Lead', ID: '3' } }],
          ['ONROSTERUSERUPDATE', { FIELDS: { UF_DEPARTMENT: ['2', '3'], ID: '3' } }],
          ['ONROSTERUSERSTATUS', { FIELDS: { status: 'dnd', idle: '0', ID: '3' } }],
          ['ONROSTERUSERDISMISS', { FIELDS: { ACTIVE: '0', ID: '4' } }],
          ['ONROSTERDEPARTMENTADD', { FIELDS: { NAME: 'Lab', PARENT: '1', ID: '40' } }],
          ['ONROSTERDEPARTMENTUPDATE', { FIELDS: { NAME: 'Labs', ID: '40' } }],
          ['ONROSTERDEPARTMENTDELETE', { FIELDS: { ID: '40' } }],
        ]);
        assert.deepEqual(Object.keys(got[0]!.post.auth), [...APP_AUTH_KEYS.slice(0, 8), 'refresh_token', 'application_token']);
        assert.deepEqual(Object.keys(got[3]!.post.auth), APP_AUTH_KEYS);
      } finally {
        await hook.close();
      }
    });

    it('imbot.register by an application binds EVENT_BOT_DELETE to ONIMBOTDELETE for that application', async () => {
      const hook = await startHandler('ok', '/botdelete');
      try {
        const reg = await withToken(r, a.admin, 'imbot.register', { CODE: 'evbot', EVENT_BOT_DELETE: hook.url, PROPERTIES: { NAME: 'Ev' } });
        assert.equal(reg.status, 200);
        const bound = await withToken(r, a.admin, 'event.get');
        assert.ok(bound.body.result.some((b: any) => b.event === 'ONIMBOTDELETE' && b.handler === hook.url));
        const bad = await withToken(r, a.admin, 'imbot.register', { CODE: 'evbot2', EVENT_BOT_DELETE: 'http://u:p@127.0.0.1/x', PROPERTIES: { NAME: 'Ev' } });
        assert.equal(bad.status, 400);
        const bots = await r.roster.store.db.selectFrom('bots').select(['user_id', 'code', 'app_id']).where('code', '=', 'evbot').executeTakeFirstOrThrow();
        assert.equal(bots.app_id, a.clientId);
        assert.equal((await withToken(r, a.admin, 'imbot.unregister', { BOT_ID: bots.user_id })).status, 200);
        // the command layer records the unregistration; until then the test appends its record
        await change(r, 'bot.unregistered', bots.user_id, { code: bots.code, app_id: bots.app_id });
        const [got] = await hook.waitFor(1);
        assert.deepEqual(got!.post.data, { BOT_ID: String(bots.user_id), BOT_CODE: 'evbot' });
      } finally {
        await hook.close();
      }
    });

    it('refuses bad input to event.unbind, events and event.test, changing nothing', async () => {
      const before = (await withToken(r, a.admin, 'event.get')).body.result;
      const cases: [string, Record<string, unknown>, number][] = [
        ['event.unbind', {}, 400],
        ['event.unbind', { event: 'ONAPPTEST' }, 400],
        ['event.unbind', { event: ['ONAPPTEST'], handler: h.url }, 400],
        ['event.unbind', { event: 'ONAPPTEST', handler: 'x'.repeat(5000) }, 400],
        ['event.unbind', { event: 'ONAPPTEST', handler: h.url, auth_type: { a: 1 } }, 400],
        ['event.unbind', { event: 'ONAPPTEST', handler: h.url, event_type: ['offline'] }, 400],
        ['event.unbind', { event: 'ONNOPE', handler: h.url }, 400],
        ['events', { SCOPE: ['user'] }, 400],
        ['events', { SCOPE: 'u'.repeat(100) }, 400],
      ];
      for (const [method, params, status] of cases) {
        const res = await withToken(r, a.admin, method, params);
        assert.equal(res.status, status, `${method} ${JSON.stringify(params).slice(0, 100)}`);
      }
      const offline = await withToken(r, a.user, 'event.unbind', { event: 'ONUSERADD', event_type: 'offline' });
      assert.equal(offline.status, 403);
      const other = await withToken(r, a.user, 'event.unbind', { event: 'ONAPPTEST', handler: h.url, auth_type: 1 });
      assert.equal(other.status, 403);
      assert.deepEqual((await withToken(r, a.admin, 'events', { SCOPE: 'nope' })).body.result, []);
      assert.deepEqual((await withToken(r, a.admin, 'event.get')).body.result, before);
    });

    it('sends no tokens when no user made the change, and ONIMBOTDELETE only to the bot\'s application', async () => {
      const hook = await startHandler('ok', '/bots');
      try {
        await bind(a.admin, { event: 'ONIMBOTDELETE', handler: `${hook.url}?app=a` });
        await bind(b.admin, { event: 'ONIMBOTDELETE', handler: `${hook.url}?app=b` });
        await change(r, 'bot.unregistered', 77, { code: 'helper', app_id: b.clientId }, null);
        const [got] = await hook.waitFor(1);
        await new Promise((res) => setTimeout(res, 300));
        assert.equal(hook.received.length, 1);
        assert.deepEqual(got!.post.data, { BOT_ID: '77', BOT_CODE: 'helper' });
        assert.deepEqual(Object.keys(got!.post.auth), ['scope', 'domain', 'server_endpoint', 'status', 'client_endpoint', 'member_id', 'application_token']);
      } finally {
        await hook.close();
      }
    });
  });
}

describe('ONUSERADD on import', () => {
  for (const eventsOnImport of [false, true]) {
    it(`is sent for imported users ${eventsOnImport ? 'with' : 'only with'} --events-on-import`, async () => {
      const r = await startRoster({ config: { eventTimeout: 2, eventsOnImport } });
      const h = await startHandler('ok', '/import');
      try {
        const a = await newApp(r, 'Import');
        await withToken(r, a.admin, 'event.bind', { event: 'ONUSERADD', handler: h.url });
        // the same handler: its deliveries arrive in commit order, so the marker comes last
        await withToken(r, a.admin, 'event.bind', { event: 'ONROSTERUSERUPDATE', handler: h.url });
        await change(r, 'directory.merged', null, { users_added: [1] }, null);
        await change(r, 'user.added', 1, { import: true }, null);
        await change(r, 'user.updated', 1, { NAME: 'marker' }, null);
        const got = await h.waitFor(eventsOnImport ? 3 : 1);
        assert.deepEqual(got.map((g) => g.post.event), eventsOnImport ? ['ONUSERADD', 'ONUSERADD', 'ONROSTERUSERUPDATE'] : ['ONROSTERUSERUPDATE']);
      } finally {
        await h.close();
        await r.close();
      }
    });
  }
});
