/** im.department.colleagues.list (CONTRACT §5) on the demo company's structure. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const ALL_HEADS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

for (const engine of engines) {
  describe(`im.department.colleagues.list [${engine}]`, () => {
    let r: TestRoster;
    const all = async (userId: number) => (await r.call('im.department.colleagues.list', { LIMIT: 50 }, { hook: await r.as(userId) })).body;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('gives an employee their head and the active members of their department, never themself', async () => {
      const body = await all(13);
      assert.deepEqual(body.result, [4, 12, 14, 15, 16, 17, 54]);
      assert.equal(body.total, 7);
      assert.equal('next' in body, false);
    });

    it('gives a head their members and then the heads of every department, in structure order', async () => {
      assert.deepEqual((await all(7)).result, [23, 24, 25, 26, 27, 28, 52, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
      assert.deepEqual((await all(1)).result, [2, 50, 51, ...ALL_HEADS.slice(2)]);
    });

    it('walks several departments in structure order, not UF_DEPARTMENT order', async () => {
      assert.deepEqual((await all(26)).result, [6, 7, 23, 24, 25, 27, 28, 52]);
    });

    it('leaves out dismissed members and copes with a headless department', async () => {
      assert.deepEqual((await all(46)).result, [47, 48, 49, 58]);
    });

    it('pages with OFFSET/LIMIT, start, clamping; following next visits every colleague once', async () => {
      const hook = await r.as(7);
      const everything = (await all(7)).result as number[];
      for (const limit of [1, 5, 7, 50]) {
        const seen: number[] = [];
        let offset: number | undefined = 0;
        let calls = 0;
        while (offset !== undefined && calls++ < 100) {
          const res = await r.call('im.department.colleagues.list', { OFFSET: offset, LIMIT: limit }, { hook });
          assert.equal(res.body.total, 17);
          seen.push(...res.body.result);
          offset = res.body.next;
        }
        assert.deepEqual(seen, everything, `LIMIT ${limit}`);
      }
      const viaStart = await r.call('im.department.colleagues.list', { start: 5, OFFSET: 0, LIMIT: 5 }, { hook, as: 'query' });
      assert.deepEqual(viaStart.body.result, everything.slice(5, 10));
      assert.equal(viaStart.body.next, 10);
      for (const [LIMIT, expected] of [[0, 10], [-3, 10], ['abc', 10], ['', 10], [500, 17], ['9999999999999999999999', 17], [[5], 10]] as const) {
        const res = await r.call('im.department.colleagues.list', { LIMIT }, { hook });
        assert.equal(res.status, 200, String(LIMIT));
        assert.equal(res.body.result.length, expected, `LIMIT ${JSON.stringify(LIMIT)}`);
      }
      for (const OFFSET of [-5, 'x', { a: 1 }, null]) {
        const res = await r.call('im.department.colleagues.list', { OFFSET, LIMIT: 3 }, { hook });
        assert.deepEqual(res.body.result, everything.slice(0, 3), JSON.stringify(OFFSET));
      }
      const beyond = await r.call('im.department.colleagues.list', { OFFSET: 1000 }, { hook });
      assert.deepEqual(beyond.body.result, []);
      assert.equal(beyond.body.total, 17);
      assert.equal('next' in beyond.body, false);
      const huge = await r.call('im.department.colleagues.list', { OFFSET: '99999999999999999999999' }, { hook });
      assert.deepEqual(huge.body.result, []);
    });

    it('with USER_DATA=Y returns user objects in the same order', async () => {
      const hook = await r.as(13);
      const res = await r.call('im.department.colleagues.list', { USER_DATA: 'Y', LIMIT: 3 }, { hook });
      assert.deepEqual(res.body.result.map((u: any) => u.id), [4, 12, 14]);
      assert.equal(res.body.result[0].name, 'Sofia Rossi');
      assert.equal(res.body.next, 3);
      assert.equal(res.body.total, 7);
      for (const USER_DATA of ['y', 'N', 1, ['Y'], '']) {
        const plain = await r.call('im.department.colleagues.list', { USER_DATA, LIMIT: 3 }, { hook });
        assert.deepEqual(plain.body.result, [4, 12, 14], JSON.stringify(USER_DATA));
      }
    });

    it('answers the seed example {USER_DATA: "Y"} from a restCommand-style form post', async () => {
      const res = await r.call('im.department.colleagues.list', { USER_DATA: 'Y' }, { hook: await r.as(13), as: 'form' });
      assert.equal(res.status, 200);
      assert.equal(res.body.result.length, 7);
      assert.equal(res.body.total, 7);
    });

    it('refuses extranet users and bots with 403 ACCESS_ERROR before reading parameters', async () => {
      for (const userId of [59, 61]) {
        const res = await r.call('im.department.colleagues.list', { LIMIT: { bad: true } }, { hook: await r.as(userId) });
        assert.equal(res.status, 403);
        assert.deepEqual(res.body, { error: 'ACCESS_ERROR', error_description: 'Only intranet users have access to this method.' });
      }
    });

    it('follows a move to another department at once', async () => {
      assert.equal((await r.call('user.update', { ID: 50, UF_DEPARTMENT: [12] })).status, 200);
      const body = (await r.call('im.department.colleagues.list', {}, { hook: await r.as(50) })).body;
      assert.deepEqual(body.result, [46, 47, 48, 49, 58]);
    });

    it('gives a user without departments an empty list', async () => {
      await r.roster.store.db.deleteFrom('user_departments').where('user_id', '=', 51).execute();
      await r.tablesEdited();
      const body = (await r.call('im.department.colleagues.list', {}, { hook: await r.as(51) })).body;
      assert.deepEqual(body.result, []);
      assert.equal(body.total, 0);
    });

    it('touches the store a fixed number of times whatever the page size', async () => {
      const hook = await r.as(7);
      const count = async (LIMIT: number) => {
        const before = r.queryCount();
        await r.call('im.department.colleagues.list', { LIMIT, USER_DATA: 'Y' }, { hook });
        return r.queryCount() - before;
      };
      assert.equal(await count(1), await count(50));
    });
  });
}
