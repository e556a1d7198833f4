/** imbot.register, imbot.unregister, imbot.bot.list over the socket, on every engine. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directorySnapshot, engines, startRoster, type TestRoster } from '../helpers/roster.js';

/** Keys of an id → value map in wire order (JSON.parse would sort integer keys). */
const wireKeys = (text: string) => [...text.matchAll(/"(\d+)":\{"ID"/g)].map((m) => Number(m[1]));

for (const engine of engines) {
  describe(`imbot.* [${engine}]`, () => {
    let r: TestRoster;
    let snapshot: () => Promise<string>;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      snapshot = () => directorySnapshot(r.roster.store.db);
    });
    after(() => r.close());

    async function rejects(method: string, params: Record<string, unknown>, status: number, error: string, argument?: string, hook?: string) {
      const before = await snapshot();
      const res = await r.call(method, params, { hook });
      assert.equal(res.status, status, `${method} ${JSON.stringify(params).slice(0, 150)} -> ${res.text.slice(0, 300)}`);
      assert.equal(res.body.error, error);
      if (argument) assert.equal(res.body.argument, argument, JSON.stringify(params).slice(0, 150));
      assert.equal(await snapshot(), before, `${method} changed the directory although it failed`);
      return res;
    }

    it('registers a bot that im methods show as a bot and user.get leaves out', async () => {
      const res = await r.call('imbot.register', { CODE: 'echo', TYPE: 'B', EVENT_HANDLER: 'https://bots.example.com/echo', PROPERTIES: { NAME: 'Echo', WORK_POSITION: 'Repeats you' } });
      assert.equal(res.status, 200, res.text);
      const id = res.body.result;
      assert.equal(typeof id, 'number');
      const im = (await r.call('im.user.list.get', { ID: [id] })).body.result[String(id)];
      assert.equal(im.bot, true);
      assert.equal(im.type, 'bot');
      assert.equal(im.external_auth_id, 'bot');
      assert.equal(im.name, 'Echo');
      assert.equal(im.work_position, 'Repeats you');
      assert.equal(im.bot_data.id, id);
      assert.equal(im.bot_data.code, 'echo');
      assert.equal(im.bot_data.type, 'bot');
      assert.equal(im.bot_data.app_id, '');
      assert.equal(im.network, false);
      assert.equal((await r.call('user.get', { ID: id })).body.total, 0);
      const list = await r.call('imbot.bot.list');
      assert.deepEqual(list.body.result[String(id)], { ID: id, NAME: 'Echo', CODE: 'echo', OPENLINE: 'N' });
      assert.deepEqual(list.body.result['61'], { ID: 61, NAME: 'Helpdesk Bot', CODE: 'helpdesk', OPENLINE: 'N' });
      assert.deepEqual(wireKeys(list.text), [61, id]);
    });

    it('maps TYPE letters to bot types and stores every property', async () => {
      const types: [string, string][] = [['H', 'human'], ['o', 'openline'], ['S', 'supervisor'], ['N', 'network'], ['b', 'bot']];
      for (const [letter, type] of types) {
        const res = await r.call('imbot.register', { CODE: `type-${letter}`, TYPE: letter, PROPERTIES: { LAST_NAME: `Type ${letter}` } });
        assert.equal(res.status, 200, res.text);
        const im = (await r.call('im.user.list.get', { ID: [res.body.result] })).body.result[String(res.body.result)];
        assert.equal(im.bot_data.type, type, letter);
        assert.equal(im.network, type === 'network');
        assert.equal(im.bot_data.openline, type === 'openline');
      }
      const list = (await r.call('imbot.bot.list')).body.result;
      const byCode = Object.fromEntries(Object.values(list).map((b: any) => [b.CODE, b]));
      assert.equal(byCode['type-o'].OPENLINE, 'Y');
      assert.equal(byCode['type-N'], undefined, 'network bots are not listed, as upstream');
      const full = await r.call('imbot.register', {
        CODE: 'full',
        OPENLINE: 'Y',
        CLIENT_ID: 'app.123',
        PROPERTIES: {
          NAME: 'Full',
          LAST_NAME: 'Bot',
          COLOR: 'green',
          EMAIL: 'full.bot@example.com',
          PERSONAL_BIRTHDAY: '2016-03-11',
          WORK_POSITION: 'Does everything',
          PERSONAL_WWW: 'https://full.example.com',
          PERSONAL_GENDER: 'f',
          PERSONAL_PHOTO: 'https://cdn.example.com/full.png',
        },
      });
      assert.equal(full.status, 200, full.text);
      const im = (await r.call('im.user.list.get', { ID: [full.body.result] })).body.result[String(full.body.result)];
      assert.equal(im.name, 'Full Bot');
      assert.equal(im.color, '#64a513');
      assert.equal(im.email, 'full.bot@example.com');
      assert.equal(im.birthday, '11-03');
      assert.equal(im.website, 'https://full.example.com');
      assert.equal(im.gender, 'F');
      assert.equal(im.avatar, 'https://cdn.example.com/full.png');
      assert.equal(im.bot_data.app_id, 'app.123');
      assert.equal(im.bot_data.openline, true);
      assert.equal((await r.call('imbot.bot.list')).body.result[String(full.body.result)].OPENLINE, 'Y');
    });

    it('reads keys case-insensitively and the form and query encodings', async () => {
      const form = await r.call('imbot.register', { code: 'form-bot', properties: { name: 'Form' } }, { as: 'form' });
      assert.equal(form.status, 200, form.text);
      const query = await r.call('imbot.register', { CODE: 'query-bot', PROPERTIES: { NAME: 'Query' } }, { as: 'query' });
      assert.equal(query.status, 200, query.text);
      const list = (await r.call('imbot.bot.list')).body.result;
      assert.equal(list[String(form.body.result)].NAME, 'Form');
      assert.equal(list[String(query.body.result)].CODE, 'query-bot');
    });

    it('refuses a CODE that is taken and an e-mail of another user', async () => {
      assert.match((await rejects('imbot.register', { CODE: 'echo', PROPERTIES: { NAME: 'Again' } }, 400, 'ERROR_ARGUMENT', 'CODE')).body.error_description, /already registered/);
      await rejects('imbot.register', { CODE: 'mail', PROPERTIES: { NAME: 'Mail', EMAIL: 'Olivia.Bennett@example.com' } }, 400, 'ERROR_ARGUMENT', 'PROPERTIES[EMAIL]');
    });

    it('rejects every malformed parameter without writing anything', async () => {
      const props = { NAME: 'Ok' };
      const bad: [Record<string, unknown>, string][] = [
        [{ PROPERTIES: props }, 'CODE'],
        [{ CODE: '', PROPERTIES: props }, 'CODE'],
        [{ CODE: '   ', PROPERTIES: props }, 'CODE'],
        [{ CODE: ['a'], PROPERTIES: props }, 'CODE'],
        [{ CODE: { a: 1 }, PROPERTIES: props }, 'CODE'],
        [{ CODE: 'x'.repeat(51), PROPERTIES: props }, 'CODE'],
        [{ CODE: 'a\u0000b', PROPERTIES: props }, 'CODE'],
        [{ CODE: 'ok', TYPE: 'Z', PROPERTIES: props }, 'TYPE'],
        [{ CODE: 'ok', TYPE: 5, PROPERTIES: props }, 'TYPE'],
        [{ CODE: 'ok', TYPE: ['B'], PROPERTIES: props }, 'TYPE'],
        [{ CODE: 'ok', TYPE: 'BOT', PROPERTIES: props }, 'TYPE'],
        [{ CODE: 'ok', OPENLINE: 'maybe', PROPERTIES: props }, 'OPENLINE'],
        [{ CODE: 'ok', CLIENT_ID: [1], PROPERTIES: props }, 'CLIENT_ID'],
        [{ CODE: 'ok', EVENT_HANDLER: 'not a url', PROPERTIES: props }, 'EVENT_HANDLER'],
        [{ CODE: 'ok', EVENT_MESSAGE_ADD: 'ftp://example.com/x', PROPERTIES: props }, 'EVENT_MESSAGE_ADD'],
        [{ CODE: 'ok', EVENT_BOT_DELETE: { a: 1 }, PROPERTIES: props }, 'EVENT_BOT_DELETE'],
        [{ CODE: 'ok' }, 'PROPERTIES'],
        [{ CODE: 'ok', PROPERTIES: 'Echo' }, 'PROPERTIES'],
        [{ CODE: 'ok', PROPERTIES: ['Echo'] }, 'PROPERTIES'],
        [{ CODE: 'ok', PROPERTIES: {} }, 'PROPERTIES[NAME]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: '', LAST_NAME: '' } }, 'PROPERTIES[NAME]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: ['a'] } }, 'PROPERTIES[NAME]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: { a: { b: 1 } } } }, 'PROPERTIES[NAME]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'n'.repeat(51) } }, 'PROPERTIES[NAME]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', COLOR: 'ORANGE' } }, 'PROPERTIES[COLOR]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', COLOR: 'plaid' } }, 'PROPERTIES[COLOR]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', EMAIL: 'not-an-address' } }, 'PROPERTIES[EMAIL]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', PERSONAL_BIRTHDAY: '2020-02-30' } }, 'PROPERTIES[PERSONAL_BIRTHDAY]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', PERSONAL_GENDER: 'X' } }, 'PROPERTIES[PERSONAL_GENDER]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', PERSONAL_PHOTO: 'data:image/png;base64,iVBORw0KGgo=' } }, 'PROPERTIES[PERSONAL_PHOTO]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', PERSONAL_WWW: 'javascript:alert(1)' } }, 'PROPERTIES[PERSONAL_WWW]'],
        [{ CODE: 'ok', PROPERTIES: { NAME: 'Ok', WORK_POSITION: 'w'.repeat(256) } }, 'PROPERTIES[WORK_POSITION]'],
      ];
      for (const [params, argument] of bad) await rejects('imbot.register', params, 400, 'ERROR_ARGUMENT', argument);
    });

    it('is for administrators and needs the imbot scope', async () => {
      const user = await r.hook(3, ['imbot']);
      await rejects('imbot.register', { CODE: 'nope', PROPERTIES: { NAME: 'Nope' } }, 403, 'ACCESS_DENIED', undefined, user);
      await rejects('imbot.unregister', { BOT_ID: 61 }, 403, 'ACCESS_DENIED', undefined, user);
      const list = await r.call('imbot.bot.list', {}, { hook: user });
      assert.equal(list.status, 200);
      const noScope = await r.hook(1, ['im', 'user']);
      for (const method of ['imbot.register', 'imbot.unregister', 'imbot.bot.list']) {
        await rejects(method, { CODE: 'nope', PROPERTIES: { NAME: 'Nope' }, BOT_ID: 61 }, 403, 'insufficient_scope', undefined, noScope);
      }
    });

    it('unregisters a bot with everything that pointed at it', async () => {
      const id = (await r.call('imbot.register', { CODE: 'temp', PROPERTIES: { NAME: 'Temp' } })).body.result;
      assert.equal((await r.call('sonet_group.user.add', { GROUP_ID: 1, USER_ID: [id] })).status, 200);
      const res = await r.call('imbot.unregister', { BOT_ID: id });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.result, true);
      assert.equal((await r.call('im.user.list.get', { ID: [id] })).body.result[String(id)], null);
      assert.equal((await r.call('imbot.bot.list')).body.result[String(id)], undefined);
      const members = (await r.call('sonet_group.user.get', { ID: 1 })).body.result.map((m: any) => Number(m.USER_ID));
      assert.equal(members.includes(id), false);
      assert.equal(await r.roster.store.db.selectFrom('sonet_group_members').select('user_id').where('user_id', '=', id).executeTakeFirst(), undefined);
      // the code is free again
      assert.equal((await r.call('imbot.register', { CODE: 'temp', PROPERTIES: { NAME: 'Temp again' } })).status, 200);
    });

    it('refuses to unregister what is not a bot, and malformed ids', async () => {
      assert.match((await rejects('imbot.unregister', { BOT_ID: 5 }, 400, 'ERROR_ARGUMENT', 'BOT_ID')).body.error_description, /not a registered bot/);
      await rejects('imbot.unregister', { BOT_ID: 999999 }, 400, 'ERROR_ARGUMENT', 'BOT_ID');
      for (const BOT_ID of [undefined, '', 'abc', 0, -61, 61.5, [61], { a: 61 }, '99999999999', true, null]) {
        await rejects('imbot.unregister', BOT_ID === undefined ? {} : { BOT_ID }, 400, 'ERROR_ARGUMENT', 'BOT_ID');
      }
      await rejects('imbot.unregister', { BOT_ID: 61, CLIENT_ID: { a: 1 } }, 400, 'ERROR_ARGUMENT', 'CLIENT_ID');
    });

    it('lists no bots as an empty map', async () => {
      const list = (await r.call('imbot.bot.list')).body.result;
      for (const id of Object.keys(list)) assert.equal((await r.call('imbot.unregister', { BOT_ID: Number(id) })).body.result, true);
      // the network bot is not listed but still registered
      const rest = await r.roster.store.db.selectFrom('bots').select('user_id').execute();
      for (const b of rest) await r.call('imbot.unregister', { BOT_ID: b.user_id });
      const empty = await r.call('imbot.bot.list');
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body.result, []);
      assert.match(empty.text, /"result":\[\]/);
    });
  });
}
