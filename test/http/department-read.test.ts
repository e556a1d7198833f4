/** department.get, department.delete, department.fields over the socket, on every engine. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directorySnapshot, engines, startRoster, type TestRoster } from '../helpers/roster.js';

const ids = (res: { body: any }) => (res.body.result as any[]).map((row) => Number(row.ID));

for (const engine of engines) {
  describe(`department.get, department.fields [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('returns upstream\'s rows: string ids, SORT as a number, PARENT and UF_HEAD only when set', async () => {
      const res = await r.call('department.get', { ID: 4 });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.result, [{ ID: '4', NAME: 'Sales Europe', SORT: 100, PARENT: '3', UF_HEAD: '4' }]);
      assert.equal(res.body.total, 1);
      assert.deepEqual((await r.call('department.get', { ID: 1 })).body.result, [{ ID: '1', NAME: 'Company', SORT: 500, UF_HEAD: '1' }]);
      assert.deepEqual((await r.call('department.get', { ID: 12 })).body.result, [{ ID: '12', NAME: 'Support', SORT: 600, PARENT: '1' }]);
      const all = await r.call('department.get');
      assert.deepEqual(ids(all), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      assert.equal(all.body.total, 12);
      assert.equal('next' in all.body, false);
      assert.equal(typeof all.body.time.start, 'number');
    });

    it('filters by ID, NAME, SORT, PARENT and UF_HEAD, flat or under FILTER/filter', async () => {
      const cases: [Record<string, unknown>, number[]][] = [
        [{ PARENT: 1 }, [2, 3, 6, 10, 11, 12]],
        [{ PARENT: '3' }, [4, 5]],
        [{ PARENT: 0 }, [1]],
        [{ UF_HEAD: 0 }, [12]],
        [{ UF_HEAD: 7 }, [7]],
        [{ NAME: 'sales' }, [3]],
        [{ NAME: 'Sales%' }, [3, 4, 5]],
        [{ '%NAME': 'end' }, [7, 8]],
        [{ SORT: 100 }, [2, 4, 7]],
        [{ SORT: '300', PARENT: 6 }, [9]],
        [{ FILTER: { PARENT: 6 } }, [7, 8, 9]],
        [{ filter: { '>ID': 9 } }, [10, 11, 12]],
        [{ FILTER: { '@ID': [2, 99, 5] } }, [2, 5]],
        [{ FILTER: { '!PARENT': [0, 1] } }, [4, 5, 7, 8, 9]],
        [{ FILTER: { '>=SORT': 400, '<SORT': 600 } }, [1, 10, 11]],
        [{ PARENT: 1, filter: { '>ID': 6 } }, [10, 11, 12]],
        [{ FILTER: { ID: 3 }, filter: { ID: 4 } }, [4]],
        [{ FILTER: { HEAD: 5, XYZ: [1], '': 2 } }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
        [{ ID: 999 }, []],
      ];
      for (const [params, expected] of cases) {
        const res = await r.call('department.get', params);
        assert.equal(res.status, 200, `${JSON.stringify(params)} -> ${res.text}`);
        assert.deepEqual(ids(res), expected, JSON.stringify(params));
        assert.equal(res.body.total, expected.length);
      }
      for (const as of ['form', 'query'] as const) {
        assert.deepEqual(ids(await r.call('department.get', { filter: { '>ID': 9 }, order: { ID: 'DESC' } }, { as })), [12, 11, 10]);
        assert.deepEqual(ids(await r.call('department.get', { PARENT: 3 }, { as })), [4, 5]);
      }
    });

    it('sorts by sort/order, the SDKs\' SORT/ORDER and order objects', async () => {
      assert.deepEqual(ids(await r.call('department.get', { sort: 'NAME', order: 'DESC', PARENT: 1 })), [12, 3, 10, 2, 11, 6]);
      // the PHP SDK: flat filter, SORT as the field, ORDER, START
      assert.deepEqual(ids(await r.call('department.get', { PARENT: 1, SORT: 'SORT', ORDER: 'ASC', START: 0 })), [2, 3, 6, 10, 11, 12]);
      assert.deepEqual(ids(await r.call('department.get', { sort: 'sort', order: 'desc', PARENT: 6 })), [9, 8, 7]);
      assert.deepEqual(ids(await r.call('department.get', { order: { SORT: 'ASC', ID: 'DESC' }, '<ID': 5 })), [4, 2, 3, 1]);
      assert.deepEqual(ids(await r.call('department.get', { order: { PARENT: 'DESC' }, '>ID': 6 })), [7, 8, 9, 10, 11, 12]);
      assert.deepEqual(ids(await r.call('department.get', { order: { UF_HEAD: 'ASC' }, '>ID': 9 })), [12, 10, 11]);
      // SORT as a number filters while sort names the field
      assert.deepEqual(ids(await r.call('department.get', { SORT: 100, sort: 'NAME' })), [7, 2, 4]);
      assert.deepEqual(ids(await r.call('department.get', { ORDER: 'DESC', '<ID': 4 })), [3, 2, 1]);
    });

    it('lets intranet callers read the structure; extranet users see it empty', async () => {
      const res = await r.call('department.get', {}, { hook: await r.hook(59, ['department']) });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.result, res.body.total], [[], 0]);
      assert.equal((await r.call('department.get', {}, { hook: await r.hook(5, ['department']) })).body.total, 12);
      const denied = await r.call('department.get', {}, { hook: await r.hook(1, ['user', 'im']) });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error, 'insufficient_scope');
    });

    it('department.fields names the five REST v2 fields', async () => {
      const res = await r.call('department.fields');
      assert.deepEqual(res.body.result, { ID: 'ID', NAME: 'Department Name', SORT: 'Sort Order', PARENT: 'Parent Department', UF_HEAD: 'Manager' });
    });

    it('matches %, _ and \\ in a %NAME filter literally, ignoring case in every alphabet', async () => {
      const db = r.roster.store.db;
      const names = ['R%D', 'RxD', 'A_B', 'AxB', 'C\\D', 'Über Team'];
      const added = await db.insertInto('departments').values(names.map((name) => ({ name, parent_id: 12, sort: 500, head_id: null }))).returning('id').execute();
      await r.tablesEdited();
      const id = (name: string) => added[names.indexOf(name)]!.id;
      try {
        assert.deepEqual(ids(await r.call('department.get', { FILTER: { '%NAME': '%' } })), [id('R%D')]);
        assert.deepEqual(ids(await r.call('department.get', { FILTER: { '%NAME': '_' } })), [id('A_B')]);
        assert.deepEqual(ids(await r.call('department.get', { FILTER: { '%NAME': '\\' } })), [id('C\\D')]);
        assert.deepEqual(ids(await r.call('department.get', { FILTER: { NAME: 'r%d' } })), [id('R%D'), id('RxD')]);
        assert.deepEqual(ids(await r.call('department.get', { FILTER: { NAME: 'über team' } })), [id('Über Team')]);
        assert.deepEqual(ids(await r.call('department.get', { FILTER: { '%NAME': 'ÜBER' } })), [id('Über Team')]);
      } finally {
        await db.deleteFrom('departments').where('id', 'in', added.map((a) => a.id)).execute();
        await r.tablesEdited();
      }
    });

    it('rejects malformed parameters with ERROR_ARGUMENT naming them', async () => {
      const bad: [Record<string, unknown>, string][] = [
        [{ sort: 'NOPE' }, 'sort'],
        [{ sort: 500 }, 'sort'],
        [{ sort: ['ID'] }, 'sort'],
        [{ SORT: 'NOPE' }, 'SORT'],
        [{ SORT: { a: { b: 1 } } }, 'SORT'],
        [{ SORT: 1.5 }, 'SORT'],
        [{ order: 'sideways' }, 'order'],
        [{ ORDER: { ID: 'up' } }, 'ORDER'],
        [{ order: { NOPE: 'ASC' } }, 'order'],
        [{ FILTER: 'PARENT=1' }, 'FILTER'],
        [{ filter: [1] }, 'filter'],
        [{ PARENT: 'abc' }, 'PARENT'],
        [{ PARENT: { a: { b: 1 } } }, 'PARENT'],
        [{ PARENT: '' }, 'PARENT'],
        [{ ID: 1.5 }, 'ID'],
        [{ ID: -99999999999 }, 'ID'],
        [{ ID: true }, 'ID'],
        [{ UF_HEAD: [1, [2]] }, 'UF_HEAD'],
        [{ NAME: 'n'.repeat(300) }, 'NAME'],
        [{ NAME: ['a', { b: 1 }] }, 'NAME'],
        [{ '>NAME': 'a' }, '>NAME'],
        [{ '%SORT': 5 }, '%SORT'],
        [{ '><ID': [1, 3] }, '><ID'],
        [{ FILTER: { '>ID': [1, 2] } }, '>ID'],
        [{ START: 'abc' }, 'START'],
        [{ START: [50] }, 'START'],
        [{ START: 1.5 }, 'START'],
        [{ ID: Array.from({ length: 1001 }, (_, i) => i + 1) }, 'ID'],
      ];
      for (const [params, argument] of bad) {
        const res = await r.call('department.get', params);
        assert.equal(res.status, 400, `${JSON.stringify(params).slice(0, 100)} -> ${res.text.slice(0, 200)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, argument, JSON.stringify(params).slice(0, 100));
      }
    });

    it('touches the store a fixed number of times', async () => {
      const count = async (params: Record<string, unknown>) => {
        const before = r.queryCount();
        assert.equal((await r.call('department.get', params)).status, 200);
        return r.queryCount() - before;
      };
      assert.equal(await count({ ID: 2 }), await count({ '@ID': Array.from({ length: 500 }, (_, i) => i + 1) }));
    });
  });

  describe(`department.get paging [${engine}]`, () => {
    let r: TestRoster;
    let all: number[];
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      const db = r.roster.store.db;
      // 131 departments under Support, every tenth with the same name and SORT to test ties
      await db
        .insertInto('departments')
        .values(Array.from({ length: 131 }, (_, i) => ({ name: `Team ${i % 10}`, parent_id: 12, sort: 500 + (i % 3), head_id: null })))
        .execute();
      await r.tablesEdited();
      all = (await db.selectFrom('departments').select('id').orderBy('id').execute()).map((d) => d.id);
    });
    after(() => r.close());

    async function walk(params: Record<string, unknown>, key: 'start' | 'START' = 'start') {
      const seen: number[] = [];
      let start: number | undefined = 0;
      let total = 0;
      for (let pages = 0; start !== undefined; pages++) {
        assert.ok(pages < 20, 'paging does not stop');
        const res = await r.call('department.get', { ...params, [key]: start });
        assert.equal(res.status, 200, res.text);
        assert.ok(res.body.result.length <= 50);
        seen.push(...ids(res));
        total = res.body.total;
        if (res.body.next !== undefined) assert.equal(res.body.next, start + 50);
        start = res.body.next;
      }
      return { seen, total };
    }

    it('following next with start or START visits every department exactly once and stops', async () => {
      for (const key of ['start', 'START'] as const) {
        const { seen, total } = await walk({}, key);
        assert.deepEqual(seen, all);
        assert.equal(total, all.length);
      }
      for (const params of [{ sort: 'NAME' }, { order: { SORT: 'DESC' } }, { SORT: 'PARENT', ORDER: 'DESC' }]) {
        const { seen } = await walk(params);
        assert.equal(new Set(seen).size, seen.length, JSON.stringify(params));
        assert.deepEqual([...seen].sort((a, b) => a - b), all, JSON.stringify(params));
      }
      const filtered = await walk({ PARENT: 12, '%NAME': 'team 3' });
      assert.equal(filtered.total, 13);
      assert.equal(filtered.seen.length, 13);
    });

    it('start=N gives rows N..N+49; a negative start gives no total and no next', async () => {
      const res = await r.call('department.get', { start: 17 });
      assert.deepEqual(ids(res), all.slice(17, 67));
      assert.equal(res.body.next, 67);
      const fast = await r.call('department.get', { START: -1 });
      assert.deepEqual(ids(fast), all.slice(0, 50));
      assert.equal('total' in fast.body || 'next' in fast.body, false);
      const beyond = await r.call('department.get', { start: 10000 });
      assert.deepEqual([beyond.body.result, beyond.body.total, 'next' in beyond.body], [[], all.length, false]);
    });

    it('the fast mode (order ID, filter >ID, start=-1) walks to the end, in both SDK spellings', async () => {
      for (const order of [{ order: { ID: 'ASC' } }, { sort: 'ID', order: 'ASC' }, { SORT: 'ID', ORDER: 'ASC' }]) {
        const seen: number[] = [];
        let last = 0;
        for (let i = 0; i < 20; i++) {
          const res = await r.call('department.get', { ...order, filter: { '>ID': last }, start: -1 });
          assert.equal('total' in res.body, false);
          seen.push(...ids(res));
          if (res.body.result.length < 50) break;
          last = seen[seen.length - 1]!;
        }
        assert.deepEqual(seen, all, JSON.stringify(order));
      }
    });
  });

  describe(`department.delete [${engine}]`, () => {
    let r: TestRoster;
    let snapshot: () => Promise<string>;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      snapshot = () => directorySnapshot(r.roster.store.db);
    });
    after(() => r.close());

    async function rejects(params: Record<string, unknown>, status: number, error: string, argument?: string, hook?: string) {
      const before = await snapshot();
      const res = await r.call('department.delete', params, { hook });
      assert.equal(res.status, status, `${JSON.stringify(params)} -> ${res.text}`);
      assert.equal(res.body.error, error);
      if (argument) assert.equal(res.body.argument, argument);
      assert.equal(await snapshot(), before, 'a rejected delete changed the directory');
      return res;
    }

    it('is for administrators only', async () => {
      const res = await rejects({ ID: 12 }, 403, 'ACCESS_DENIED', undefined, await r.hook(3, ['department']));
      assert.match(res.body.error_description, /administrators/);
    });

    it('refuses the root, a department with sub-departments and unknown ids', async () => {
      assert.match((await rejects({ ID: 1 }, 400, 'ERROR_ARGUMENT', 'ID')).body.error_description, /top-level/);
      assert.match((await rejects({ ID: 3 }, 400, 'ERROR_ARGUMENT', 'ID')).body.error_description, /sub-departments/);
      assert.match((await rejects({ ID: 999 }, 400, 'ERROR_ARGUMENT', 'ID')).body.error_description, /Department not found/);
      assert.match((await rejects({ ID: 2147483647 }, 400, 'ERROR_ARGUMENT', 'ID')).body.error_description, /Department not found/);
    });

    it('rejects malformed ids without changing anything', async () => {
      for (const ID of [undefined, '', 'abc', '5abc', -1, 0, 1.5, '2.0', [4], { a: 4 }, '99999999999', 1e20, true, null, 'x'.repeat(5000)]) {
        await rejects(ID === undefined ? {} : { ID }, 400, 'ERROR_ARGUMENT', 'ID');
      }
    });

    it('deletes a department, removes its memberships and answers true', async () => {
      const res = await r.call('department.delete', { ID: 12 });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.result, true);
      assert.equal((await r.call('department.get', { ID: 12 })).body.total, 0);
      const members = await r.call('user.get', { '@ID': [46, 47] });
      assert.deepEqual(members.body.result.map((u: any) => u.UF_DEPARTMENT), [[], []]);
      const im = await r.call('im.user.list.get', { ID: [46] });
      assert.deepEqual(im.body.result['46'].departments, []);
      // a leaf that a user heads, deleted with the form encoding and a lower-case key
      const leaf = await r.call('department.delete', { id: '9' }, { as: 'form' });
      assert.equal(leaf.body.result, true);
      const head = await r.call('user.get', { ID: 9 });
      assert.deepEqual(head.body.result[0].UF_DEPARTMENT, []);
      assert.deepEqual(ids(await r.call('department.get', { PARENT: 6 })), [7, 8]);
      // once its children are gone the parent can go
      await r.call('department.delete', { ID: 7 });
      await r.call('department.delete', { ID: 8 });
      assert.equal((await r.call('department.delete', { ID: 6 })).body.result, true);
      await rejects({ ID: 6 }, 400, 'ERROR_ARGUMENT', 'ID');
    });
  });
}
