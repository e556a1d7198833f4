/** sonet_group.get, sonet_group.user.get, sonet_group.user.delete over the socket, on every engine. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const GROUP_KEYS = [
  'ID', 'SITE_ID', 'NAME', 'DESCRIPTION', 'DATE_CREATE', 'DATE_UPDATE', 'ACTIVE', 'VISIBLE', 'OPENED', 'CLOSED', 'SUBJECT_ID',
  'OWNER_ID', 'KEYWORDS', 'NUMBER_OF_MEMBERS', 'DATE_ACTIVITY', 'SUBJECT_NAME', 'PROJECT', 'IS_EXTRANET',
];
const ids = (res: { body: any }) => (res.body.result as any[]).map((row) => Number(row.ID));
const members = (res: { body: any }) => (res.body.result as any[]).map((m) => [Number(m.USER_ID), m.ROLE]);

for (const engine of engines) {
  describe(`sonet_group reads and member removal [${engine}]`, () => {
    let r: TestRoster;
    let snapshot: () => Promise<string>;
    let extra: number[];
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      const db = r.roster.store.db;
      const now = Math.floor(Date.parse('2026-01-02T03:04:05Z') / 1000);
      // 60 more groups owned by user 3, every fifth inactive
      const rows = await db
        .insertInto('sonet_groups')
        .values(Array.from({ length: 60 }, (_, i) => ({ name: `Team ${String(i).padStart(2, '0')}`, description: '', owner_id: 3, active: i % 5 === 4 ? 0 : 1, date_create: now + i })))
        .returning('id')
        .execute();
      extra = rows.map((g) => g.id);
      await db.insertInto('sonet_group_members').values(extra.map((group_id) => ({ group_id, user_id: 3, role: 'A', date_create: now }))).execute();
      await r.tablesEdited();
      snapshot = async () => JSON.stringify(await db.selectFrom('sonet_group_members').selectAll().orderBy('group_id').orderBy('user_id').execute());
    });
    after(() => r.close());

    it('returns groups in upstream\'s shape, newest first, 50 per page', async () => {
      const one = await r.call('sonet_group.get', { GROUP_ID: 1 });
      assert.equal(one.status, 200, one.text);
      const g = one.body.result[0];
      assert.deepEqual(Object.keys(g), GROUP_KEYS);
      assert.equal(g.ID, '1');
      assert.equal(g.NAME, 'Partner Integration');
      assert.equal(g.OWNER_ID, '7');
      assert.equal(g.NUMBER_OF_MEMBERS, '5');
      assert.equal(g.ACTIVE, 'Y');
      assert.equal(g.IS_EXTRANET, 'Y');
      assert.match(g.DATE_CREATE, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      assert.equal(one.body.total, 1);
      const team = (await r.call('sonet_group.get', { GROUP_ID: extra[0] })).body.result[0];
      assert.deepEqual([team.IS_EXTRANET, team.NUMBER_OF_MEMBERS, team.DATE_CREATE], ['N', '1', '2026-01-02T04:04:05+01:00']);
      const all = [1, ...extra].sort((a, b) => b - a);
      const first = await r.call('sonet_group.get');
      assert.deepEqual(ids(first), all.slice(0, 50));
      assert.deepEqual([first.body.total, first.body.next], [61, 50]);
      const second = await r.call('sonet_group.get', { start: 50 });
      assert.deepEqual(ids(second), all.slice(50));
      assert.equal('next' in second.body, false);
      const fast = await r.call('sonet_group.get', { start: -1 });
      assert.equal(fast.body.result.length, 50);
      assert.equal('total' in fast.body, false);
    });

    it('filters and orders by FILTER and ORDER, in either case', async () => {
      assert.deepEqual(ids(await r.call('sonet_group.get', { FILTER: { '%NAME': 'partner' } })), [1]);
      assert.deepEqual(ids(await r.call('sonet_group.get', { filter: { OWNER_ID: 7 } })), [1]);
      assert.equal((await r.call('sonet_group.get', { FILTER: { ACTIVE: 'N' } })).body.total, 12);
      assert.deepEqual(ids(await r.call('sonet_group.get', { FILTER: { '@ID': [1, extra[0], 99999] }, ORDER: { ID: 'ASC' } })), [1, extra[0]]);
      assert.deepEqual(ids(await r.call('sonet_group.get', { order: { NAME: 'DESC' }, FILTER: { NAME: 'Team 5%' } })), extra.slice(50).reverse());
      assert.deepEqual(ids(await r.call('sonet_group.get', { FILTER: { '>=DATE_CREATE': '2026-01-02T03:05:03Z', '<DATE_CREATE': '2026-06-01' } })), extra.slice(58).reverse());
      assert.deepEqual(ids(await r.call('sonet_group.get', { GROUP_ID: extra[3], FILTER: { OWNER_ID: 7 } })), []);
      const unknown = await r.call('sonet_group.get', { FILTER: { SUBJECT_ID: 1, NOPE: 'x' }, IS_ADMIN: 'Y' });
      assert.equal(unknown.body.total, 61);
      assert.deepEqual(ids(await r.call('sonet_group.get', { FILTER: { ID: 1 } }, { as: 'query' })), [1]);
    });

    it('shows an extranet caller only their groups', async () => {
      const hook = await r.hook(59, ['sonet_group']);
      const res = await r.call('sonet_group.get', {}, { hook });
      assert.deepEqual(ids(res), [1]);
      assert.equal(res.body.total, 1);
      const hidden = await r.call('sonet_group.user.get', { ID: extra[0] }, { hook });
      assert.equal(hidden.status, 400);
      assert.equal(hidden.body.error_description, 'Socialnetwork group not found');
      assert.deepEqual(members(await r.call('sonet_group.user.get', { ID: 1 }, { hook })).length, 5);
      const intranet = await r.call('sonet_group.get', {}, { hook: await r.hook(12, ['sonet_group']) });
      assert.equal(intranet.body.total, 61);
    });

    it('lists the active members of a group, owner first', async () => {
      assert.equal((await r.call('sonet_group.user.add', { GROUP_ID: 1, USER_ID: [45] })).status, 200);
      const res = await r.call('sonet_group.user.get', { ID: 1 });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(members(res), [[7, 'A'], [23, 'K'], [24, 'K'], [59, 'K'], [60, 'K']]);
      assert.equal(typeof res.body.result[0].USER_ID, 'string');
      assert.deepEqual(members(await r.call('sonet_group.user.get', { id: String(extra[1]) }, { as: 'form' })), [[3, 'A']]);
    });

    it('rejects malformed parameters of the reads', async () => {
      const bad: [string, Record<string, unknown>, string][] = [
        ['sonet_group.get', { ORDER: 'sideways' }, 'ORDER'],
        ['sonet_group.get', { ORDER: { NOPE: 'ASC' } }, 'ORDER'],
        ['sonet_group.get', { ORDER: { ID: ['ASC'] } }, 'ORDER'],
        ['sonet_group.get', { FILTER: 'ID=1' }, 'FILTER'],
        ['sonet_group.get', { FILTER: { ID: 'abc' } }, 'ID'],
        ['sonet_group.get', { FILTER: { ID: { a: { b: 1 } } } }, 'ID'],
        ['sonet_group.get', { FILTER: { '>NAME': 'a' } }, '>NAME'],
        ['sonet_group.get', { FILTER: { NAME: 'n'.repeat(300) } }, 'NAME'],
        ['sonet_group.get', { FILTER: { ACTIVE: 'sometimes' } }, 'ACTIVE'],
        ['sonet_group.get', { FILTER: { DATE_CREATE: 'soon' } }, 'DATE_CREATE'],
        ['sonet_group.get', { GROUP_ID: 'abc' }, 'GROUP_ID'],
        ['sonet_group.get', { GROUP_ID: -1 }, 'GROUP_ID'],
        ['sonet_group.get', { GROUP_ID: [1] }, 'GROUP_ID'],
        ['sonet_group.get', { GROUP_ID: '99999999999' }, 'GROUP_ID'],
        ['sonet_group.get', { IS_ADMIN: 'maybe' }, 'IS_ADMIN'],
        ['sonet_group.user.get', {}, 'ID'],
        ['sonet_group.user.get', { ID: '' }, 'ID'],
        ['sonet_group.user.get', { ID: 'one' }, 'ID'],
        ['sonet_group.user.get', { ID: 0 }, 'ID'],
        ['sonet_group.user.get', { ID: -1 }, 'ID'],
        ['sonet_group.user.get', { ID: 1.5 }, 'ID'],
        ['sonet_group.user.get', { ID: [1] }, 'ID'],
        ['sonet_group.user.get', { ID: { a: 1 } }, 'ID'],
        ['sonet_group.user.get', { ID: 99999 }, 'ID'],
        ['sonet_group.user.get', { ID: 1e30 }, 'ID'],
      ];
      for (const [method, params, argument] of bad) {
        const res = await r.call(method, params);
        assert.equal(res.status, 400, `${method} ${JSON.stringify(params).slice(0, 100)} -> ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, argument, `${method} ${JSON.stringify(params).slice(0, 100)}`);
      }
    });

    it('removes members but never the owner, and only as an administrator', async () => {
      const before = await snapshot();
      const denied = await r.call('sonet_group.user.delete', { GROUP_ID: 1, USER_ID: [23] }, { hook: await r.hook(7, ['sonet_group']) });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error, 'ACCESS_DENIED');
      assert.equal(await snapshot(), before);
      const res = await r.call('sonet_group.user.delete', { GROUP_ID: 1, USER_ID: [23, 7, 999, 24, 23] });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.result, ['23', '24']);
      assert.deepEqual(members(await r.call('sonet_group.user.get', { ID: 1 })), [[7, 'A'], [59, 'K'], [60, 'K']]);
      // the extranet partners no longer see the people who left their only shared group (45 is dismissed, not gone)
      const seen = await r.call('user.get', {}, { hook: await r.hook(59, ['user']) });
      assert.deepEqual(seen.body.result.map((u: any) => Number(u.ID)), [7, 45, 59, 60]);
      assert.deepEqual((await r.call('sonet_group.user.delete', { GROUP_ID: '1', USER_ID: '7' }, { as: 'form' })).body.result, []);
      assert.deepEqual((await r.call('sonet_group.user.delete', { group_id: 1, user_id: 60 }, { as: 'query' })).body.result, ['60']);
    });

    it('rejects malformed removals without changing anything', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ USER_ID: [59] }, 'GROUP_ID'],
        [{ GROUP_ID: 'abc', USER_ID: [59] }, 'GROUP_ID'],
        [{ GROUP_ID: [1], USER_ID: [59] }, 'GROUP_ID'],
        [{ GROUP_ID: -1, USER_ID: [59] }, 'GROUP_ID'],
        [{ GROUP_ID: 99999, USER_ID: [59] }, 'GROUP_ID'],
        [{ GROUP_ID: 1 }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: [] }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: '' }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: 'abc' }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: [0] }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: [-59] }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: [59.5] }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: [[59]] }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: { a: { b: 59 } } }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: ['99999999999'] }, 'USER_ID'],
        [{ GROUP_ID: 1, USER_ID: Array.from({ length: 1001 }, (_, i) => i + 1) }, 'USER_ID'],
      ];
      for (const [params, argument] of bad) {
        const before = await snapshot();
        const res = await r.call('sonet_group.user.delete', params);
        assert.equal(res.status, 400, `${JSON.stringify(params).slice(0, 100)} -> ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, argument, JSON.stringify(params).slice(0, 100));
        assert.equal(await snapshot(), before);
      }
    });

    it('needs the sonet_group scope', async () => {
      const hook = await r.hook(1, ['user', 'im']);
      for (const method of ['sonet_group.get', 'sonet_group.user.get', 'sonet_group.user.delete']) {
        const res = await r.call(method, { ID: 1, GROUP_ID: 1, USER_ID: [59] }, { hook });
        assert.equal(res.status, 403, method);
        assert.equal(res.body.error, 'insufficient_scope');
      }
    });
  });
}
