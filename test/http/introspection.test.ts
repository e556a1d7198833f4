/** scope, methods, method.get: what a caller may call, read from the method registry. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCOPES } from '../../src/rest/scopes.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

for (const engine of engines) {
  describe(`scope, methods, method.get [${engine}]`, () => {
    let r: TestRoster;
    let userOnly: string;
    let briefOnly: string;
    before(async () => {
      r = await startRoster({ engine });
      userOnly = await r.hook(1, ['user', 'im']);
      briefOnly = await r.hook(1, ['user_brief']);
    });
    after(() => r.close());

    it('scope lists the caller\'s scopes; full=true every scope', async () => {
      assert.deepEqual((await r.call('scope')).body.result, [...SCOPES]);
      assert.deepEqual((await r.call('scope', {}, { hook: userOnly })).body.result, ['im', 'user']);
      for (const full of [true, 'true', 'Y', 1, '1']) {
        assert.deepEqual((await r.call('scope', { full }, { hook: userOnly })).body.result, [...SCOPES], String(full));
      }
      for (const full of [false, 'false', 'N', 0, '0', '']) {
        assert.deepEqual((await r.call('scope', { full }, { hook: userOnly })).body.result, ['im', 'user'], String(full));
      }
      assert.deepEqual((await r.call('scope', { full: 'true' }, { hook: briefOnly, as: 'query' })).body.result, [...SCOPES]);
    });

    it('methods lists what the caller may call with the basic methods; full and scope narrow or widen it', async () => {
      const all = r.roster.app.registry.all();
      const names = all.map((m) => m.name);
      const mine = (await r.call('methods', {}, { hook: userOnly })).body.result as string[];
      for (const name of ['user.get', 'user.add', 'user.current', 'im.user.list.get', 'scope', 'methods', 'method.get', 'server.time']) {
        assert.ok(mine.includes(name), name);
      }
      for (const name of ['department.get', 'imbot.register', 'sonet_group.get']) assert.equal(mine.includes(name), false, name);
      const brief = (await r.call('methods', {}, { hook: briefOnly })).body.result as string[];
      assert.ok(brief.includes('user.get') && brief.includes('user.fields'));
      assert.equal(brief.includes('user.add'), false);
      assert.deepEqual((await r.call('methods', { full: true }, { hook: userOnly })).body.result, names);
      assert.deepEqual((await r.call('methods')).body.result, names);
      const userScope = (await r.call('methods', { scope: 'user' })).body.result;
      assert.deepEqual(userScope, all.filter((m) => m.scope === 'user').map((m) => m.name));
      assert.ok(userScope.includes('user.get') && userScope.includes('user.update'));
      assert.deepEqual((await r.call('methods', { scope: 'USER_BRIEF' })).body.result, ['user.current', 'user.fields', 'user.get', 'user.search']);
      const basic = (await r.call('methods', { scope: '' })).body.result;
      assert.deepEqual(basic, all.filter((m) => m.scope === 'basic').map((m) => m.name));
      assert.ok(basic.includes('method.get'));
      assert.deepEqual((await r.call('methods', { scope: 'crm' })).body.result, []);
      assert.deepEqual((await r.call('methods', { scope: 'department', full: true })).body.result, all.filter((m) => m.scope === 'department').map((m) => m.name));
    });

    it('method.get tells whether a method exists and whether the caller\'s scopes allow it', async () => {
      const check = async (params: Record<string, unknown>, hook?: string) => (await r.call('method.get', params, { hook })).body.result;
      assert.deepEqual(await check({ name: 'user.get' }), { isExisting: true, isAvailable: true });
      assert.deepEqual(await check({ name: 'department.get' }, userOnly), { isExisting: true, isAvailable: false });
      assert.deepEqual(await check({ name: 'user.get' }, briefOnly), { isExisting: true, isAvailable: true });
      assert.deepEqual(await check({ name: 'user.add' }, briefOnly), { isExisting: true, isAvailable: false });
      assert.deepEqual(await check({ name: 'server.time' }, briefOnly), { isExisting: true, isAvailable: true });
      assert.deepEqual(await check({ name: 'User.Get' }), { isExisting: true, isAvailable: true });
      assert.deepEqual(await check({ name: ' im.user.list.get ' }, userOnly), { isExisting: true, isAvailable: true });
      for (const params of [{ name: 'crm.item.list' }, { name: '' }, {}, { name: null }, { NAME: 'user.get' }]) {
        assert.deepEqual(await check(params), { isExisting: false, isAvailable: false }, JSON.stringify(params));
      }
      assert.deepEqual((await r.call('method.get', { name: 'user.get' }, { as: 'query', hook: userOnly })).body.result, { isExisting: true, isAvailable: true });
      // every listed method exists
      for (const name of (await r.call('methods', { full: true })).body.result) {
        assert.equal((await check({ name })).isExisting, true, name);
      }
    });

    it('rejects malformed parameters with ERROR_ARGUMENT', async () => {
      const bad: [string, Record<string, unknown>, string][] = [
        ['scope', { full: 'maybe' }, 'full'],
        ['scope', { full: { a: 1 } }, 'full'],
        ['scope', { full: [1] }, 'full'],
        ['methods', { full: 2 }, 'full'],
        ['methods', { scope: ['user'] }, 'scope'],
        ['methods', { scope: { a: 'user' } }, 'scope'],
        ['methods', { scope: 'u'.repeat(300) }, 'scope'],
        ['method.get', { name: ['user.get'] }, 'name'],
        ['method.get', { name: { a: 'user.get' } }, 'name'],
        ['method.get', { name: 5 }, 'name'],
        ['method.get', { name: 'x'.repeat(300) }, 'name'],
      ];
      for (const [method, params, argument] of bad) {
        const res = await r.call(method, params);
        assert.equal(res.status, 400, `${method} ${JSON.stringify(params).slice(0, 80)} -> ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, argument);
      }
    });

    it('every method declares a summary, and the introspection methods need no scope', async () => {
      for (const m of r.roster.app.registry.all()) assert.ok(m.summary.length > 10, m.name);
      const none = await r.hook(1, ['im']);
      for (const method of ['scope', 'methods', 'method.get']) assert.equal((await r.call(method, {}, { hook: none })).status, 200, method);
    });
  });
}
