/** im.user.get and im.revision.get over the socket, on the demo company. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, IM_USER_KEYS, startRoster, type TestRoster } from '../helpers/roster.js';


const ID_EMPTY = { error: 'ID_EMPTY', error_description: 'User ID can\'t be empty' };
const NOT_EXISTS = { error: 'USER_NOT_EXISTS', error_description: 'User is not exists' };

for (const engine of engines) {
  describe(`im.user.get [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('returns the user object for ID, fields in contract order', async () => {
      const res = await r.call('im.user.get', { ID: 5 });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body.result), IM_USER_KEYS);
      assert.equal(res.body.result.id, 5);
      assert.equal(res.body.result.name, 'Mateo García');
      assert.equal('total' in res.body || 'next' in res.body, false);
      assert.equal(typeof res.body.time.start, 'number');
    });

    it('is the same object im.user.list.get gives', async () => {
      const one = await r.call('im.user.get', { ID: 31 });
      const list = await r.call('im.user.list.get', { ID: [31] });
      assert.deepEqual(one.body.result, list.body.result['31']);
    });

    it('without ID (or with ID null) returns the current user', async () => {
      assert.equal((await r.call('im.user.get', {})).body.result.id, 1);
      assert.equal((await r.call('im.user.get', { ID: null })).body.result.id, 1);
      assert.equal((await r.call('im.user.get', {}, { hook: await r.as(13) })).body.result.id, 13);
    });

    it('reads ID with intval from any transport and any key case', async () => {
      for (const [params, as] of [
        [{ ID: '5' }, 'query'],
        [{ ID: '5abc' }, 'form'],
        [{ ID: 5.9 }, 'json'],
        [{ ID: ' 5' }, 'json'],
        [{ id: 5 }, 'json'],
        [{ Id: '5' }, 'query'],
      ] as const) {
        const res = await r.call('im.user.get', params, { as });
        assert.equal(res.status, 200, JSON.stringify(params));
        assert.equal(res.body.result.id, 5, JSON.stringify(params));
      }
      assert.equal((await r.call('im.user.get', { ID: true })).body.result.id, 1);
    });

    it('answers ID_EMPTY for an ID that reads as zero or less', async () => {
      for (const ID of [0, -1, '-7', 'abc', '', ' ', false, '0x10', -1e20]) {
        const res = await r.call('im.user.get', { ID });
        assert.equal(res.status, 400, JSON.stringify(ID));
        assert.deepEqual(res.body, ID_EMPTY, JSON.stringify(ID));
      }
      const form = await r.call('im.user.get', { ID: '' }, { as: 'form' });
      assert.deepEqual(form.body, ID_EMPTY);
    });

    it('refuses a list or an object as ID with ID_EMPTY and a description that says why', async () => {
      for (const [ID, as] of [[[5], 'json'], [[], 'json'], [{ a: 5 }, 'json'], [[[5]], 'json'], [['5'], 'form'], [{ 0: 5 }, 'query']] as const) {
        const res = await r.call('im.user.get', { ID }, { as });
        assert.equal(res.status, 400, JSON.stringify(ID));
        assert.equal(res.body.error, 'ID_EMPTY');
        assert.match(res.body.error_description, /single user id/);
      }
    });

    it('answers USER_NOT_EXISTS for unknown and absurd ids', async () => {
      for (const ID of [999999, 2147483647, 2147483648, '99999999999999999999', 1e300]) {
        const res = await r.call('im.user.get', { ID });
        assert.equal(res.status, 400, String(ID));
        assert.deepEqual(res.body, NOT_EXISTS);
      }
    });

    it('lets an intranet user read inactive users, bots and extranet users', async () => {
      const inactive = await r.call('im.user.get', { ID: 45 }, { hook: await r.as(13) });
      assert.equal(inactive.body.result.active, false);
      const bot = await r.call('im.user.get', { ID: 61 }, { hook: await r.as(13) });
      assert.equal(bot.body.result.bot, true);
      assert.equal(bot.body.result.bot_data.code, 'helpdesk');
      const extranet = await r.call('im.user.get', { ID: 59 }, { hook: await r.as(13) });
      assert.equal(extranet.body.result.type, 'extranet');
    });

    it('shows an extranet user themself and their group members, and nobody else', async () => {
      const hook = await r.as(59);
      for (const ID of [undefined, 59, 60, 7, 23]) {
        const res = await r.call('im.user.get', ID === undefined ? {} : { ID }, { hook });
        assert.equal(res.status, 200, String(ID));
        assert.equal(res.body.result.id, ID ?? 59);
      }
    });

    it('answers a hidden id exactly as a nonexistent one: no existence oracle', async () => {
      const hook = await r.as(59);
      const hidden = await r.call('im.user.get', { ID: 2 }, { hook });
      const missing = await r.call('im.user.get', { ID: 999999 }, { hook });
      assert.equal(hidden.status, 400);
      assert.deepEqual(hidden.body, NOT_EXISTS);
      assert.equal(missing.status, hidden.status);
      assert.equal(missing.text, hidden.text);
    });

    it('serves bots as callers like intranet users', async () => {
      const res = await r.call('im.user.get', { ID: 2 }, { hook: await r.as(61) });
      assert.equal(res.body.result.id, 2);
    });

    it('adds avatar_hr only with AVATAR_HR=Y', async () => {
      assert.equal('avatar_hr' in (await r.call('im.user.get', { ID: 2 })).body.result, false);
      for (const AVATAR_HR of ['N', 'y', '', [], ['Y'], { Y: 'Y' }, 1, -1, 'Y'.repeat(10000)]) {
        assert.equal('avatar_hr' in (await r.call('im.user.get', { ID: 2, AVATAR_HR })).body.result, false, JSON.stringify(AVATAR_HR));
      }
      for (const AVATAR_HR of ['Y', true]) {
        const res = await r.call('im.user.get', { ID: 2, AVATAR_HR });
        assert.equal(res.body.result.avatar_hr, 'https://cdn.example.com/avatars/olivia.bennett.png');
      }
    });

    it('reads one user in a fixed number of statements', async () => {
      const before = r.queryCount();
      await r.call('im.user.get', { ID: 26 });
      // the read model answers and knows the webhook; without it, the webhook lookup (user + hooks) and the user load (users, departments, absences, bots)
      assert.equal(r.queryCount() - before, r.roster.app.read ? 0 : 6);
    });

    it('needs the im scope', async () => {
      const hook = await r.hook(1, ['user']);
      const res = await r.call('im.user.get', {}, { hook });
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'insufficient_scope');
    });
  });

  describe(`im.revision.get [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine });
    });
    after(() => r.close());

    it('answers the current revisions, whatever the parameters', async () => {
      const expected = { rest: 33, web: 130, mobile: 23, desktop: 6, im_revision_mobile: 23 };
      for (const params of [{}, { ID: [1, 2] }, { garbage: { a: [1] } }]) {
        const res = await r.call('im.revision.get', params);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.result, expected);
        assert.equal(res.text.startsWith('{"result":{"rest":33,"web":130,"mobile":23,"desktop":6,"im_revision_mobile":23}'), true);
      }
      const get = await r.fetch(`${r.admin.slice(r.url.length)}im.revision.get.json`);
      assert.deepEqual(get.body.result, expected);
    });
  });
}
