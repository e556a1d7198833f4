/** im.department.get, .managers.get, .employees.get and the colleagues alias, on the demo company. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, IM_USER_KEYS, startRoster, type TestRoster } from '../helpers/roster.js';


const INVALID_FORMAT = { error: 'INVALID_FORMAT', error_description: 'A wrong format for the ID field is passed' };
const ID_EMPTY = { error: 'ID_EMPTY', error_description: 'Department ID can\'t be empty' };
const ACCESS_ERROR = { error: 'ACCESS_ERROR', error_description: 'Only intranet users have access to this method.' };

/** Keys of an id-keyed map in wire order (JSON.parse would sort integer keys). */
const wireKeys = (text: string) => {
  const body = text.slice(text.indexOf('"result":') + 9, text.indexOf(',"time":'));
  return [...body.matchAll(/"(\d+)":\[/g)].map((m) => Number(m[1]));
};

/** Shapes of ID that hold no usable id: scalars, empty lists, non-positive ids, nested values, broken text. */
const NO_IDS: unknown[] = ['5', 5, 'abc', '', [], [0], [-1], ['abc'], '[]', '{}', '[1,2', true, { a: 'x' }, [[1], { a: 1 }], [null]];

for (const engine of engines) {
  describe(`im.department.* [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      // an empty department, without head or members, under Engineering
      const res = await r.call('department.add', { NAME: 'Research', PARENT: 6, SORT: 900 });
      assert.equal(res.body.result, 13);
    });
    after(() => r.close());

    describe('access', () => {
      const methods = ['im.department.get', 'im.department.managers.get', 'im.department.employees.get', 'im.department.colleagues.list', 'im.department.colleagues.get'];

      it('answers ACCESS_ERROR (403) to extranet users and bots before reading any parameter', async () => {
        for (const userId of [59, 60, 61]) {
          for (const method of methods) {
            for (const params of [{ ID: [1] }, {}, { ID: { a: [[1]] }, USER_DATA: ['Y'] }]) {
              const res = await r.call(method, params, { hook: await r.as(userId) });
              assert.equal(res.status, 403, `${method} as ${userId}`);
              assert.deepEqual(res.body, ACCESS_ERROR);
            }
          }
        }
      });

      it('serves intranet users who are not administrators', async () => {
        for (const method of methods) {
          const res = await r.call(method, { ID: [3] }, { hook: await r.as(13) });
          assert.equal(res.status, 200, method);
        }
      });
    });

    describe('im.department.get', () => {
      it('gives department objects in structure order, unknown ids left out', async () => {
        const res = await r.call('im.department.get', { ID: [12, 999, 4, 3, 1] });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.result, [
          { id: 1, name: 'Company', full_name: 'Company', manager_user_id: 1 },
          { id: 3, name: 'Sales', full_name: 'Sales / Company', manager_user_id: 3 },
          { id: 4, name: 'Sales Europe', full_name: 'Sales Europe / Sales / Company', manager_user_id: 4 },
          { id: 12, name: 'Support', full_name: 'Support / Company', manager_user_id: 0 },
        ]);
        assert.equal('total' in res.body || 'next' in res.body, false);
      });

      it('follows the tree, not ids: Research (sort 900) comes after Engineering\'s other children', async () => {
        const res = await r.call('im.department.get', { ID: [13, 6, 9, 7, 10] });
        assert.deepEqual(res.body.result.map((d: any) => d.id), [6, 7, 9, 13, 10]);
        assert.equal(res.body.result[3].full_name, 'Research / Engineering / Company');
      });

      it('gives [] when no id exists', async () => {
        const res = await r.call('im.department.get', { ID: [999, 2147483648, '99999999999999999999'] });
        assert.equal(res.status, 200);
        assert.equal(res.text.startsWith('{"result":[],'), true);
      });

      it('adds manager_user_data with USER_DATA=Y: the head\'s user object, null without a head', async () => {
        const res = await r.call('im.department.get', { ID: [3, 12, 13], USER_DATA: 'Y' });
        const [sales, support, research] = res.body.result;
        assert.deepEqual(Object.keys(sales), ['id', 'name', 'full_name', 'manager_user_id', 'manager_user_data']);
        assert.deepEqual(Object.keys(sales.manager_user_data), IM_USER_KEYS);
        assert.equal(sales.manager_user_data.id, 3);
        assert.deepEqual(sales.manager_user_data, (await r.call('im.user.get', { ID: 3 })).body.result);
        assert.equal(support.manager_user_id, 0);
        assert.equal(support.manager_user_data, null);
        assert.equal(research.manager_user_data, null);
        for (const USER_DATA of ['N', 'y', '', 1, -1, ['Y'], { Y: 'Y' }, 'Y'.repeat(10000)]) {
          const plain = await r.call('im.department.get', { ID: [3], USER_DATA });
          assert.equal('manager_user_data' in plain.body.result[0], false, JSON.stringify(USER_DATA));
        }
        assert.equal((await r.call('im.department.get', { ID: [3], USER_DATA: true })).body.result[0].manager_user_data.id, 3);
      });

      it('reads ID as an array, a bracket array, a JSON-ish string or a map', async () => {
        for (const [params, as] of [
          [{ ID: ['4', '3'] }, 'form'],
          [{ ID: '[4,3]' }, 'form'],
          [{ ID: '["4","3"]' }, 'query'],
          [{ ID: '[\'4\', 3]' }, 'json'],
          [{ ID: { a: 4, b: 3 } }, 'query'],
          [{ id: [3, 4, 3, 0, -1, 'x'] }, 'json'],
        ] as const) {
          const res = await r.call('im.department.get', params, { as });
          assert.equal(res.status, 200, JSON.stringify(params));
          assert.deepEqual(res.body.result.map((d: any) => d.id), [3, 4], JSON.stringify(params));
        }
      });

      it('answers INVALID_FORMAT when ID is missing or holds no id', async () => {
        for (const params of [{}, { ID: null }, ...NO_IDS.map((ID) => ({ ID }))]) {
          const res = await r.call('im.department.get', params);
          assert.equal(res.status, 400, JSON.stringify(params));
          assert.deepEqual(res.body, INVALID_FORMAT, JSON.stringify(params));
        }
      });

      it('refuses more ids than the configured maximum with a description that says so', async () => {
        const res = await r.call('im.department.get', { ID: Array.from({ length: 1001 }, (_, i) => i + 1) });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'INVALID_FORMAT');
        assert.match(res.body.error_description, /1001 given, at most 1000/);
      });
    });

    describe('im.department.managers.get', () => {
      it('maps each department to its head, in request order; headless and unknown ones left out', async () => {
        const res = await r.call('im.department.managers.get', { ID: [7, 12, 3, 999, 13, 1] });
        assert.equal(res.status, 200);
        assert.deepEqual(wireKeys(res.text), [7, 3, 1]);
        assert.deepEqual(res.body.result, { 7: [7], 3: [3], 1: [1] });
      });

      it('gives [] when nothing is left', async () => {
        const res = await r.call('im.department.managers.get', { ID: [12, 13, 999] });
        assert.equal(res.status, 200);
        assert.equal(res.text.startsWith('{"result":[],'), true);
      });

      it('gives [user object] with USER_DATA=Y', async () => {
        const res = await r.call('im.department.managers.get', { ID: [4, 12], USER_DATA: 'Y' });
        assert.deepEqual(Object.keys(res.body.result), ['4']);
        assert.equal(res.body.result['4'].length, 1);
        assert.deepEqual(Object.keys(res.body.result['4'][0]), IM_USER_KEYS);
        assert.equal(res.body.result['4'][0].id, 4);
      });

      it('gives ids for any USER_DATA but Y or JSON true, in both maps', async () => {
        for (const USER_DATA of ['N', 'y', '', -1, 1, [], ['Y'], { Y: 'Y' }, 'Y'.repeat(10000)]) {
          const managers = await r.call('im.department.managers.get', { ID: [4], USER_DATA });
          assert.deepEqual(managers.body.result, { 4: [4] }, JSON.stringify(USER_DATA).slice(0, 40));
          const employees = await r.call('im.department.employees.get', { ID: [9], USER_DATA });
          assert.deepEqual(employees.body.result, { 9: [9, 34, 35, 36, 57] }, JSON.stringify(USER_DATA).slice(0, 40));
        }
        const yes = await r.call('im.department.managers.get', { ID: [4], USER_DATA: true });
        assert.equal(yes.body.result['4'][0].id, 4);
      });

      it('answers ID_EMPTY when ID is missing or holds no id', async () => {
        for (const params of [{}, { ID: null }, ...NO_IDS.map((ID) => ({ ID }))]) {
          const res = await r.call('im.department.managers.get', params);
          assert.equal(res.status, 400, JSON.stringify(params));
          assert.deepEqual(res.body, ID_EMPTY, JSON.stringify(params));
        }
      });
    });

    describe('im.department.employees.get', () => {
      it('maps each department to its active members by id, not those of sub-departments', async () => {
        const res = await r.call('im.department.employees.get', { ID: [12, 3, 999, 13] });
        assert.equal(res.status, 200);
        assert.deepEqual(wireKeys(res.text), [12, 3, 13]);
        // 45 left the company; Sales' own members are its head and James, not Sales Europe's people
        assert.deepEqual(res.body.result, { 12: [46, 47, 48, 49, 58], 3: [3, 12], 13: [] });
      });

      it('lists a member of two departments under both', async () => {
        const res = await r.call('im.department.employees.get', { ID: ['6', '7'] }, { as: 'form' });
        assert.deepEqual(res.body.result['6'], [6, 26]);
        assert.deepEqual(res.body.result['7'], [7, 23, 24, 25, 26, 27, 28, 52]);
      });

      it('gives [] when no department exists', async () => {
        const res = await r.call('im.department.employees.get', { ID: [999] });
        assert.equal(res.text.startsWith('{"result":[],'), true);
      });

      it('gives user objects with USER_DATA=Y', async () => {
        const res = await r.call('im.department.employees.get', { ID: [9, 13], USER_DATA: 'Y' });
        assert.deepEqual(res.body.result['9'].map((u: any) => u.id), [9, 34, 35, 36, 57]);
        for (const u of res.body.result['9']) assert.deepEqual(Object.keys(u), IM_USER_KEYS);
        assert.deepEqual(res.body.result['13'], []);
      });

      it('answers ID_EMPTY when ID is missing or holds no id', async () => {
        for (const params of [{}, { ID: null }, ...NO_IDS.map((ID) => ({ ID }))]) {
          const res = await r.call('im.department.employees.get', params);
          assert.equal(res.status, 400, JSON.stringify(params));
          assert.deepEqual(res.body, ID_EMPTY, JSON.stringify(params));
        }
        const many = await r.call('im.department.employees.get', { ID: Array.from({ length: 1001 }, (_, i) => i + 1) });
        assert.equal(many.status, 400);
        assert.match(many.body.error_description, /at most 1000/);
      });

      it('touches the store a fixed number of times whatever the number of departments', async () => {
        const count = async (params: Record<string, unknown>) => {
          const before = r.queryCount();
          const res = await r.call('im.department.employees.get', params);
          assert.equal(res.status, 200);
          return r.queryCount() - before;
        };
        const all = Array.from({ length: 13 }, (_, i) => i + 1);
        assert.equal(await count({ ID: [9] }), await count({ ID: all }));
        assert.equal(await count({ ID: [9], USER_DATA: 'Y' }), await count({ ID: all, USER_DATA: 'Y' }));
        const before = r.queryCount();
        await r.call('im.department.managers.get', { ID: all, USER_DATA: 'Y' });
        const managers = r.queryCount() - before;
        const before1 = r.queryCount();
        await r.call('im.department.managers.get', { ID: [3], USER_DATA: 'Y' });
        assert.equal(r.queryCount() - before1, managers);
      });
    });

    describe('im.department.colleagues.get', () => {
      it('is the private alias of im.department.colleagues.list', async () => {
        for (const params of [{}, { LIMIT: 3, OFFSET: 2 }, { USER_DATA: 'Y' }]) {
          const a = await r.call('im.department.colleagues.list', params, { hook: await r.as(13) });
          const b = await r.call('im.department.colleagues.get', params, { hook: await r.as(13) });
          assert.deepEqual(b.body.result, a.body.result);
          assert.equal(b.body.total, a.body.total);
          assert.equal(b.body.next, a.body.next);
        }
      });
    });
  });
}
