/** Core user reads: user.get, user.search, user.current, user.fields over the socket, on every engine. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_SEED } from '../../src/cli/serve.js';
import { readDirectoryFile, type DirectoryFile } from '../../src/state/directory-file.js';
import { engines, startRoster, type CallOptions, type TestRoster } from '../helpers/roster.js';

const FULL_KEYS = [
  'ID', 'ACTIVE', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'EMAIL', 'LAST_LOGIN', 'DATE_REGISTER', 'TIME_ZONE', 'IS_ONLINE',
  'TIMESTAMP_X', 'LAST_ACTIVITY_DATE', 'PERSONAL_GENDER', 'PERSONAL_WWW', 'PERSONAL_BIRTHDAY', 'PERSONAL_PHOTO',
  'PERSONAL_MOBILE', 'PERSONAL_PHONE', 'WORK_PHONE', 'WORK_POSITION', 'UF_EMPLOYMENT_DATE', 'UF_DEPARTMENT', 'USER_TYPE',
];
const BRIEF_KEYS = [
  'ID', 'ACTIVE', 'NAME', 'LAST_NAME', 'SECOND_NAME', 'TIME_ZONE', 'IS_ONLINE', 'TIMESTAMP_X', 'DATE_REGISTER', 'LAST_ACTIVITY_DATE',
  'PERSONAL_GENDER', 'PERSONAL_BIRTHDAY', 'PERSONAL_PHOTO', 'WORK_POSITION', 'UF_EMPLOYMENT_DATE', 'UF_DEPARTMENT',
].sort();
const BASIC_KEYS = [...BRIEF_KEYS, 'EMAIL', 'PERSONAL_MOBILE', 'PERSONAL_PHONE', 'WORK_PHONE'].sort();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

const seed = await readDirectoryFile(DEMO_SEED);
/** The people of the demo company (user.get leaves the bot out). */
const people = seed.users.filter((u) => !u.bot && u.external_auth_id !== 'bot');
const idsWhere = (test: (u: (typeof people)[number]) => boolean) => people.filter(test).map((u) => u.id);
const ids = (res: { body: any }) => (res.body.result as any[]).map((row) => Number(row.ID));

/** Every row of a standard list, following `next` until it is absent. */
async function walk(r: TestRoster, method: string, params: Record<string, unknown>, options?: CallOptions) {
  const rows: any[] = [];
  let start: number | undefined = 0;
  let pages = 0;
  let total: number | undefined;
  while (start !== undefined) {
    const res = await r.call(method, { ...params, start }, options);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.result.length <= 50);
    rows.push(...res.body.result);
    total = res.body.total;
    if (res.body.next !== undefined) {
      assert.equal(typeof res.body.next, 'number');
      assert.equal(res.body.result.length, 50, 'only full pages have a next');
      assert.equal(res.body.next, start + 50);
    }
    start = res.body.next;
    assert.ok(++pages < 100, 'paging does not stop');
  }
  return { rows, total, pages };
}

/** The fast mode every SDK uses: order by ID, `filter[>ID]` = last id seen, `start=-1`, until a short page. */
async function fastWalk(r: TestRoster, method: string, extra: Record<string, unknown> = {}, filter: Record<string, unknown> = {}, options?: CallOptions) {
  const seen: number[] = [];
  let last = 0;
  for (let i = 0; i < 100; i++) {
    const res = await r.call(method, { ...extra, order: { ID: 'ASC' }, filter: { ...filter, '>ID': last }, start: -1 }, options);
    assert.equal(res.status, 200, res.text);
    assert.equal('total' in res.body, false);
    assert.equal('next' in res.body, false);
    const page = ids(res);
    seen.push(...page);
    if (page.length < 50) return seen;
    last = page[page.length - 1]!;
  }
  throw new Error('fast paging does not stop');
}

for (const engine of engines) {
  describe(`user.get, user.search, user.current, user.fields [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('returns upstream\'s row: string ids, integer departments, ISO dates, boolean ACTIVE', async () => {
      const res = await r.call('user.get', { ID: 5 });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.total, 1);
      assert.equal('next' in res.body, false);
      const row = res.body.result[0];
      assert.deepEqual(Object.keys(row), FULL_KEYS);
      assert.equal(row.ID, '5');
      assert.equal(row.ACTIVE, true);
      assert.equal(row.NAME, 'Mateo');
      assert.equal(row.LAST_NAME, 'García');
      assert.equal(row.EMAIL, 'mateo.garcia@example.com');
      assert.deepEqual(row.UF_DEPARTMENT, [5]);
      assert.equal(row.USER_TYPE, 'employee');
      assert.equal(row.LAST_ACTIVITY_DATE, '2026-11-15T14:35:00+01:00');
      assert.equal(row.IS_ONLINE, 'N');
      assert.match(row.DATE_REGISTER, ISO);
      assert.equal(row.WORK_PHONE, '+1 415 555 1005');
      const six = await r.call('user.get', { ID: 6 });
      assert.equal(six.body.result[0].PERSONAL_BIRTHDAY, '1981-07-11T00:00:00+02:00');
      assert.equal((await r.call('user.get', { ID: 1 })).body.result[0].PERSONAL_BIRTHDAY, '');
      assert.equal(typeof res.body.time.start, 'number');
    });

    it('pages by exactly 50 with total and next, and start=N gives rows N..N+49', async () => {
      const first = await r.call('user.get', {});
      assert.equal(first.body.total, people.length);
      assert.equal(first.body.next, 50);
      assert.deepEqual(ids(first), people.map((u) => u.id).slice(0, 50));
      const second = await r.call('user.get', { start: 50 });
      assert.deepEqual(ids(second), people.map((u) => u.id).slice(50));
      assert.equal('next' in second.body, false);
      assert.equal(second.body.total, people.length);
      const odd = await r.call('user.get', { start: 7 });
      assert.deepEqual(ids(odd), people.map((u) => u.id).slice(7, 57));
      assert.equal(odd.body.next, 57);
      const beyond = await r.call('user.get', { start: 1000 });
      assert.deepEqual(beyond.body.result, []);
      assert.equal(beyond.body.total, people.length);
      assert.equal('next' in beyond.body, false);
      const fast = await r.call('user.get', { start: -1 });
      assert.equal(fast.body.result.length, 50);
      assert.equal('total' in fast.body || 'next' in fast.body, false);
    });

    it('leaves bots out and keeps dismissed and extranet users', async () => {
      const all = (await walk(r, 'user.get', {})).rows.map((row) => Number(row.ID));
      assert.deepEqual(all, people.map((u) => u.id));
      assert.equal(all.includes(61), false);
      assert.ok(all.includes(45) && all.includes(59));
      assert.equal((await r.call('user.get', { ID: 61 })).body.total, 0);
    });

    it('reads the filter from bare keys, FILTER and filter, with filter winning over FILTER', async () => {
      const dept4 = idsWhere((u) => (u.departments ?? []).includes(4));
      assert.deepEqual(ids(await r.call('user.get', { UF_DEPARTMENT: 4 })), dept4);
      assert.deepEqual(ids(await r.call('user.get', { FILTER: { UF_DEPARTMENT: '4' } })), dept4);
      assert.deepEqual(ids(await r.call('user.get', { filter: { uf_department: [4] } })), dept4);
      assert.deepEqual(ids(await r.call('user.get', { FILTER: { ID: 2 }, filter: { ID: 3 } })), [3]);
      // bare keys and the filter object combine; the object wins on the same key
      assert.deepEqual(ids(await r.call('user.get', { UF_DEPARTMENT: 4, FILTER: { '>ID': 14 } })), dept4.filter((id) => id > 14));
      assert.deepEqual(ids(await r.call('user.get', { ID: 2, filter: { ID: 3 } })), [3]);
      // b24jssdk's fast paging: the caller's FILTER and the SDK's cursor in filter: only filter counts (b24jssdk #483)
      const res = await r.call('user.get', { FILTER: { ACTIVE: true }, order: { ID: 'ASC' }, filter: { '>ID': 40 }, start: -1 });
      assert.deepEqual(ids(res), idsWhere((u) => u.id > 40));
      assert.ok(ids(res).includes(45));
      // PHP clients send an empty filter as an empty array
      assert.equal((await r.call('user.get', { filter: [] })).body.total, people.length);
    });

    it('reads the filter from form and query bracket syntax', async () => {
      for (const as of ['form', 'query'] as const) {
        const res = await r.call('user.get', { filter: { '>ID': 55, '!ID': [57, 58] }, order: { ID: 'DESC' }, start: -1 }, { as });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(ids(res), [60, 59, 56]);
        assert.deepEqual(ids(await r.call('user.get', { ID: ['2', '3'] }, { as })), [2, 3]);
        assert.deepEqual(ids(await r.call('user.get', { FILTER: { ACTIVE: 'N' } }, { as })), [45]);
      }
    });

    it('applies the comparison, list and negation operators', async () => {
      const cases: [Record<string, unknown>, number[]][] = [
        [{ '>=ID': 58 }, [58, 59, 60]],
        [{ '>ID': 58 }, [59, 60]],
        [{ '<=ID': 2 }, [1, 2]],
        [{ '<ID': 2 }, [1]],
        [{ '=ID': 7 }, [7]],
        [{ '@ID': [3, 9, 61, 999] }, [3, 9]],
        [{ '!@ID': idsWhere((u) => u.id > 3) }, [1, 2, 3]],
        [{ '!ID': idsWhere((u) => u.id > 2) }, [1, 2]],
        [{ '!=ID': idsWhere((u) => u.id !== 4) }, [4]],
        [{ '>ID': 3, '<ID': 6 }, [4, 5]],
        [{ '@UF_DEPARTMENT': [4, 5] }, idsWhere((u) => (u.departments ?? []).some((d) => d === 4 || d === 5))],
        [{ '!UF_DEPARTMENT': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }, [59, 60]],
        [{ ACTIVE: false }, [45]],
        [{ ACTIVE: 'Y', '>=ID': 44, '<=ID': 46 }, [44, 46]],
        [{ USER_TYPE: 'extranet' }, [59, 60]],
        [{ USER_TYPE: ['EMPLOYEE'], '>ID': 55 }, [56, 57, 58]],
        [{ USER_TYPE: 'email' }, []],
        [{ PERSONAL_GENDER: 'f', '<ID': 7 }, [2, 4, 6]],
        [{ ID: -5 }, []],
        [{ '@ID': [] }, []],
      ];
      for (const [filter, expected] of cases) {
        const res = await r.call('user.get', { FILTER: filter });
        assert.equal(res.status, 200, `${JSON.stringify(filter)} -> ${res.text}`);
        assert.deepEqual(ids(res), expected, JSON.stringify(filter));
        assert.equal(res.body.total, expected.length);
      }
    });

    it('matches text ignoring case in every alphabet, with % as the only wildcard', async () => {
      const lower = (s: string | undefined) => (s ?? '').toLowerCase();
      const cases: [Record<string, unknown>, number[]][] = [
        [{ '%LAST_NAME': 'ov' }, idsWhere((u) => lower(u.last_name).includes('ov'))],
        [{ '!%LAST_NAME': 'ov' }, idsWhere((u) => !lower(u.last_name).includes('ov'))],
        [{ NAME: 'an%' }, idsWhere((u) => lower(u.name).startsWith('an'))],
        [{ NAME: '%A' }, idsWhere((u) => lower(u.name).endsWith('a'))],
        [{ '=%WORK_POSITION': '%engineer' }, idsWhere((u) => lower(u.work_position).endsWith('engineer'))],
        [{ '!=%WORK_POSITION': '%engineer%' }, idsWhere((u) => !lower(u.work_position).includes('engineer'))],
        [{ '=NAME': 'ANNA' }, [6]],
        [{ NAME: 'anna' }, [6]],
        [{ NAME: 'ann' }, []],
        [{ '!NAME': 'a%' }, idsWhere((u) => !lower(u.name).startsWith('a'))],
        [{ '@NAME': ['anna', 'LIAM', 'nobody'] }, [6, 29]],
        [{ '%LAST_NAME': 'MÜLLER' }, [13]],
        [{ LAST_NAME: 'yılmaz' }, [26]],
        [{ '%LAST_NAME': 'ÁK' }, [25, 52]],
        [{ '%LAST_NAME': "o'c" }, [29]],
        [{ '%EMAIL': '@EXAMPLE.COM', '<ID': 4 }, [2, 3]],
        [{ '%WORK_POSITION': ['lead', 'chief'] }, idsWhere((u) => /lead|chief/i.test(u.work_position ?? ''))],
      ];
      for (const [filter, expected] of cases) {
        const { rows } = await walk(r, 'user.get', { FILTER: filter });
        assert.deepEqual(rows.map((row) => Number(row.ID)), expected, JSON.stringify(filter));
      }
    });

    it('takes %, _ and \\ in a %FIELD filter literally', async () => {
      const added: Record<string, number> = {};
      const db = r.roster.store.db;
      try {
      for (const last of ['Per%cent', 'Perxcent', 'Under_score', 'UnderXscore', 'Back\\slash', 'Backxslash', 'Star*Glob?[x]', 'Starry']) {
        const res = await r.call('user.add', { EMAIL: `${Object.keys(added).length}.lit@example.com`, NAME: 'Lit', LAST_NAME: last, UF_DEPARTMENT: [12] });
        assert.equal(res.status, 200, res.text);
        added[last] = res.body.result;
      }
      const find = async (filter: Record<string, unknown>) => ids(await r.call('user.get', { FILTER: { NAME: 'Lit', ...filter } }));
      assert.deepEqual(await find({ '%LAST_NAME': 'r%c' }), [added['Per%cent']]);
      assert.deepEqual(await find({ '%LAST_NAME': '%' }), [added['Per%cent']]);
      assert.deepEqual(await find({ '%LAST_NAME': 'r_s' }), [added['Under_score']]);
      assert.deepEqual(await find({ '%LAST_NAME': '_' }), [added['Under_score']]);
      assert.deepEqual(await find({ '%LAST_NAME': 'k\\s' }), [added['Back\\slash']]);
      assert.deepEqual(await find({ '%LAST_NAME': '*glob?[' }), [added['Star*Glob?[x]']]);
      assert.deepEqual(await find({ LAST_NAME: 'per%' }), [added['Per%cent'], added['Perxcent']]);
      assert.deepEqual(await find({ LAST_NAME: 'under_score' }), [added['Under_score']]);
      assert.deepEqual(await find({ '=LAST_NAME': 'per%cent' }), [added['Per%cent']]);
      assert.deepEqual(await find({ '=LAST_NAME': 'per%' }), []);
      const search = await r.call('user.search', { FILTER: { FIND: 'under_' } });
      assert.deepEqual(ids(search), [added['Under_score']]);
      } finally {
        // the other cases count the demo company's people
        const extra = Object.values(added);
        if (extra.length) {
          await db.deleteFrom('user_departments').where('user_id', 'in', extra).execute();
          await db.deleteFrom('users').where('id', 'in', extra).execute();
          await r.tablesEdited();
        }
      }
    });

    it('filters dates given in ISO 8601 or the portal format, in the server time zone', async () => {
      const at = (u: (typeof people)[number]) => (u.last_activity_at ? Date.parse(u.last_activity_at) / 1000 : null);
      const since = Date.parse('2026-11-19T00:00:00+01:00') / 1000;
      const expected = idsWhere((u) => at(u) !== null && at(u)! >= since);
      for (const value of ['2026-11-19T00:00:00+01:00', '2026-11-18T23:00:00Z', '2026-11-19', '19.11.2026', '2026-11-19 00:00:00']) {
        const { rows } = await walk(r, 'user.get', { FILTER: { '>=LAST_ACTIVITY_DATE': value } });
        assert.deepEqual(rows.map((row) => Number(row.ID)), expected, value);
      }
      const never = await r.call('user.get', { FILTER: { '!LAST_ACTIVITY_DATE': '2026-11-15T14:35:00+01:00', '<=ID': 5 } });
      assert.deepEqual(ids(never), [1, 2, 3, 4], 'a negated condition keeps users without a value');
      const born = await r.call('user.get', { FILTER: { '<PERSONAL_BIRTHDAY': '1980-01-01' } });
      assert.deepEqual(ids(born), idsWhere((u) => !!u.birthday && u.birthday < '1980-01-01'));
      const registered = await r.call('user.get', { FILTER: { '<DATE_REGISTER': '2000-01-01' } });
      assert.equal(registered.body.total, 0);
    });

    it('computes IS_ONLINE from the last activity, in the row and in the filter alike', async () => {
      const now = Math.floor(Date.now() / 1000);
      const db = r.roster.store.db;
      const saved = await db.selectFrom('users').select(['id', 'last_activity_at']).where('id', 'in', [3, 8]).execute();
      await db.updateTable('users').set({ last_activity_at: now - 60 }).where('id', 'in', [3, 8]).execute();
      await r.tablesEdited();
      try {
        const online = await r.call('user.get', { FILTER: { IS_ONLINE: 'Y' } });
        assert.deepEqual(ids(online), [3, 8]);
        assert.deepEqual(online.body.result.map((row: any) => row.IS_ONLINE), ['Y', 'Y']);
        const offline = await r.call('user.get', { FILTER: { IS_ONLINE: 'N' } });
        assert.equal(offline.body.total, people.length - 2);
        assert.deepEqual(ids(await r.call('user.get', { FILTER: { '!IS_ONLINE': 'N' } })), [3, 8]);
        assert.deepEqual(ids(await r.call('user.get', { FILTER: { IS_ONLINE: true } })), [3, 8]);
      } finally {
        for (const row of saved) await db.updateTable('users').set({ last_activity_at: row.last_activity_at }).where('id', '=', row.id).execute();
        await r.tablesEdited();
      }
    });

    it('searches by NAME_SEARCH and FIND: every word starts a word of a name, position or department', async () => {
      assert.deepEqual(ids(await r.call('user.get', { FILTER: { NAME_SEARCH: 'anna iva' } })), [6]);
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { FIND: 'Mateo' } })), [5]);
      assert.deepEqual(ids(await r.call('user.search', { FIND: 'quality' })), [9, 34, 35, 36, 57]);
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { FIND: 'backend dev' } })), [23, 24, 25, 26, 27, 52]);
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { FIND: 'müll' } })), [13]);
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { FIND: 'ngineer' } })), []);
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { FIND: 'integration', USER_TYPE: 'extranet' } })), [59]);
    });

    it('user.search matches name fields from their start', async () => {
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { NAME: 'ann' } })), [6]);
      assert.deepEqual(ids(await r.call('user.search', { NAME: 'AN' })), idsWhere((u) => /^an/i.test(u.name ?? '')));
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { WORK_POSITION: 'qa' } })), idsWhere((u) => /^qa/i.test(u.work_position ?? '')));
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { UF_DEPARTMENT_NAME: 'sales eu' } })), idsWhere((u) => (u.departments ?? []).includes(4)));
      assert.deepEqual(ids(await r.call('user.search', { FILTER: { '!NAME': 'a' }, '<ID': 7 })), [2, 3, 4, 5]);
    });

    it('sorts by sort/order, SORT/ORDER and order as an object, with the id breaking ties', async () => {
      const byName = [...people].sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : a.id - b.id)).map((u) => u.id);
      const lower = await walk(r, 'user.get', { sort: 'name', order: 'asc' });
      assert.deepEqual(lower.rows.map((row) => Number(row.ID)), byName);
      const upper = await walk(r, 'user.get', { SORT: 'NAME', ORDER: 'ASC' });
      assert.deepEqual(upper.rows.map((row) => Number(row.ID)), byName);
      const desc = await walk(r, 'user.get', { order: { LAST_NAME: 'DESC' } });
      const byLast = [...people].sort((a, b) => (a.last_name! < b.last_name! ? 1 : a.last_name! > b.last_name! ? -1 : a.id - b.id)).map((u) => u.id);
      assert.deepEqual(desc.rows.map((row) => Number(row.ID)), byLast);
      assert.deepEqual(ids(await r.call('user.get', { order: { ID: 'DESC' }, '<ID': 4 })), [3, 2, 1]);
      assert.deepEqual(ids(await r.call('user.get', { ORDER: 'DESC', '<ID': 4 })), [3, 2, 1]);
      assert.deepEqual(ids(await r.call('user.get', { order: { USER_TYPE: 'DESC', ID: 'DESC' }, '>ID': 57 })), [60, 59, 58]);
      const ties = await r.call('user.get', { sort: 'WORK_POSITION', order: 'ASC', FILTER: { WORK_POSITION: 'Account Executive' } });
      assert.deepEqual(ids(ties), [12, 13, 18, 56]);
      const born = await r.call('user.get', { sort: 'PERSONAL_BIRTHDAY', order: 'DESC', '<ID': 7 });
      assert.deepEqual(ids(born), [6, 3, 1, 2, 4, 5]);
    });

    it('returns only the selected fields, with ID always', async () => {
      const res = await r.call('user.get', { ID: 2, select: ['NAME', 'last_name', 'NO_SUCH', 'UF_SKYPE'] });
      assert.deepEqual(res.body.result[0], { ID: '2', NAME: 'Olivia', LAST_NAME: 'Bennett' });
      assert.deepEqual(Object.keys((await r.call('user.get', { ID: 2, select: ['*'] })).body.result[0]), FULL_KEYS);
      assert.deepEqual(Object.keys((await r.call('user.get', { ID: 2, select: ['UF_*'] })).body.result[0]), ['ID', 'UF_EMPLOYMENT_DATE', 'UF_DEPARTMENT']);
      assert.deepEqual((await r.call('user.get', { ID: 2, SELECT: 'EMAIL' }, { as: 'query' })).body.result[0], { ID: '2', EMAIL: 'olivia.bennett@example.com' });
      assert.deepEqual(Object.keys((await r.call('user.get', { ID: 2, select: [] })).body.result[0]), FULL_KEYS);
    });

    it('shows user_basic and user_brief callers their fields only, and never filters or sorts by hidden ones', async () => {
      const brief = await r.hook(1, ['user_brief']);
      const basic = await r.hook(1, ['user_basic']);
      const briefRow = (await r.call('user.get', { ID: 5 }, { hook: brief })).body.result[0];
      assert.deepEqual(Object.keys(briefRow).sort(), BRIEF_KEYS);
      const basicRow = (await r.call('user.get', { ID: 5 }, { hook: basic })).body.result[0];
      assert.deepEqual(Object.keys(basicRow).sort(), BASIC_KEYS);
      assert.equal(basicRow.EMAIL, 'mateo.garcia@example.com');
      // a hidden field is no filter: it cannot be used to probe e-mail addresses
      const probe = await r.call('user.get', { FILTER: { EMAIL: 'mateo.garcia@example.com' } }, { hook: brief });
      assert.equal(probe.body.total, people.length);
      assert.deepEqual(ids(await r.call('user.get', { FILTER: { EMAIL: 'mateo.garcia@example.com' } }, { hook: basic })), [5]);
      const sorted = await r.call('user.get', { sort: 'EMAIL' }, { hook: brief });
      assert.equal(sorted.status, 400);
      assert.equal(sorted.body.argument, 'sort');
      assert.deepEqual(Object.keys((await r.call('user.get', { ID: 5, select: ['EMAIL', 'NAME'] }, { hook: brief })).body.result[0]), ['ID', 'NAME']);
      const current = await r.call('user.current', {}, { hook: brief });
      assert.deepEqual(Object.keys(current.body.result).sort(), BRIEF_KEYS);
      const fields = await r.call('user.fields', {}, { hook: basic });
      assert.deepEqual(Object.keys(fields.body.result).sort(), BASIC_KEYS);
      for (const method of ['user.get', 'user.search', 'user.current', 'user.fields']) {
        const none = await r.call(method, {}, { hook: await r.hook(1, ['im', 'department']) });
        assert.equal(none.status, 403, method);
        assert.equal(none.body.error, 'insufficient_scope');
      }
    });

    it('shows an extranet caller only the people of their groups, in rows and totals', async () => {
      const hook = await r.hook(59, ['user']);
      const res = await r.call('user.get', {}, { hook });
      assert.deepEqual(ids(res), [7, 23, 24, 59, 60]);
      assert.equal(res.body.total, 5);
      const hidden = await r.call('user.get', { ID: 2 }, { hook });
      assert.deepEqual([hidden.body.result, hidden.body.total], [[], 0]);
      assert.deepEqual(await fastWalk(r, 'user.get', {}, {}, { hook }), [7, 23, 24, 59, 60]);
      assert.deepEqual(ids(await r.call('user.search', { FIND: 'olivia' }, { hook })), []);
      const current = await r.call('user.current', {}, { hook });
      assert.equal(current.body.result.ID, '59');
      assert.equal(current.body.result.USER_TYPE, 'extranet');
      assert.deepEqual(current.body.result.UF_DEPARTMENT, []);
    });

    it('user.current is the caller, bots included; user.fields labels every returned field', async () => {
      const me = await r.call('user.current', { ID: 5, anything: [1] });
      assert.equal(me.status, 200);
      assert.deepEqual(Object.keys(me.body.result), FULL_KEYS);
      assert.equal(me.body.result.ID, '1');
      assert.deepEqual(me.body.result.UF_DEPARTMENT, [1, 2]);
      const bot = await r.call('user.current', {}, { hook: await r.hook(61, ['user']) });
      assert.equal(bot.body.result.ID, '61');
      const fields = await r.call('user.fields');
      assert.deepEqual(Object.keys(fields.body.result), FULL_KEYS);
      assert.equal(fields.body.result.NAME, 'First Name');
      assert.equal(fields.body.result.UF_DEPARTMENT, 'Departments');
    });

    it('rejects malformed parameters with ERROR_ARGUMENT naming them, never a 500', async () => {
      const bad: [string, Record<string, unknown>, string][] = [
        ['user.get', { FILTER: 'ID=5' }, 'FILTER'],
        ['user.get', { filter: [1, 2] }, 'filter'],
        ['user.get', { filter: 7 }, 'filter'],
        ['user.get', { FILTER: { ID: 'abc' } }, 'ID'],
        ['user.get', { FILTER: { '>ID': 'abc' } }, '>ID'],
        ['user.get', { FILTER: { ID: '' } }, 'ID'],
        ['user.get', { FILTER: { ID: null } }, 'ID'],
        ['user.get', { FILTER: { ID: 1.5 } }, 'ID'],
        ['user.get', { FILTER: { ID: '99999999999999999999' } }, 'ID'],
        ['user.get', { FILTER: { ID: 2147483648 } }, 'ID'],
        ['user.get', { FILTER: { ID: true } }, 'ID'],
        ['user.get', { FILTER: { ID: { a: { b: 1 } } } }, 'ID'],
        ['user.get', { FILTER: { ID: [1, [2]] } }, 'ID'],
        ['user.get', { FILTER: { ID: Array.from({ length: 1001 }, (_, i) => i + 1) } }, 'ID'],
        ['user.get', { FILTER: { '>ID': [1, 2] } }, '>ID'],
        ['user.get', { FILTER: { '><ID': [1, 5] } }, '><ID'],
        ['user.get', { FILTER: { '?NAME': 'a' } }, '?NAME'],
        ['user.get', { FILTER: { '>NAME': 'a' } }, '>NAME'],
        ['user.get', { FILTER: { '%ID': 1 } }, '%ID'],
        ['user.get', { FILTER: { '%ACTIVE': 'Y' } }, '%ACTIVE'],
        ['user.get', { FILTER: { NAME: 'x'.repeat(300) } }, 'NAME'],
        ['user.get', { FILTER: { NAME: 'a\u0000b' } }, 'NAME'],
        ['user.get', { FILTER: { NAME: true } }, 'NAME'],
        ['user.get', { FILTER: { NAME: ['a', ['b']] } }, 'NAME'],
        ['user.get', { FILTER: { NAME: { x: { y: 'z' } } } }, 'NAME'],
        ['user.get', { FILTER: { ACTIVE: 'maybe' } }, 'ACTIVE'],
        ['user.get', { FILTER: { ACTIVE: 2 } }, 'ACTIVE'],
        ['user.get', { FILTER: { USER_TYPE: 'robot' } }, 'USER_TYPE'],
        ['user.get', { FILTER: { IS_ONLINE: 'X' } }, 'IS_ONLINE'],
        ['user.get', { FILTER: { PERSONAL_GENDER: 'X' } }, 'PERSONAL_GENDER'],
        ['user.get', { FILTER: { DATE_REGISTER: 'yesterday' } }, 'DATE_REGISTER'],
        ['user.get', { FILTER: { '>DATE_REGISTER': '2024-02-30' } }, '>DATE_REGISTER'],
        ['user.get', { FILTER: { '>DATE_REGISTER': '2024-01-01T25:00:00' } }, '>DATE_REGISTER'],
        ['user.get', { FILTER: { '>DATE_REGISTER': 1700000000 } }, '>DATE_REGISTER'],
        ['user.get', { FILTER: { UF_DEPARTMENT: 'sales' } }, 'UF_DEPARTMENT'],
        ['user.get', { FILTER: { NAME_SEARCH: '' } }, 'NAME_SEARCH'],
        ['user.get', { FILTER: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`K${i}`, i])) }, 'FILTER'],
        ['user.get', { UF_DEPARTMENT: { '': 'x' } }, 'UF_DEPARTMENT'],
        ['user.get', { sort: 'NOPE' }, 'sort'],
        ['user.get', { sort: ['ID'] }, 'sort'],
        ['user.get', { sort: { ID: 'ASC' } }, 'sort'],
        ['user.get', { SORT: 'PASSWORD' }, 'SORT'],
        ['user.get', { order: 'UP' }, 'order'],
        ['user.get', { order: ['ID'] }, 'order'],
        ['user.get', { order: { NOPE: 'ASC' } }, 'order'],
        ['user.get', { order: { ID: 'sideways' } }, 'order'],
        ['user.get', { order: { ID: { x: 1 } } }, 'order'],
        ['user.get', { ORDER: 5 }, 'ORDER'],
        ['user.get', { select: 5 }, 'select'],
        ['user.get', { select: [['NAME']] }, 'select'],
        ['user.get', { select: Array.from({ length: 501 }, () => 'NAME') }, 'select'],
        ['user.get', { ADMIN_MODE: 'maybe' }, 'ADMIN_MODE'],
        ['user.get', { ADMIN_MODE: { a: 1 } }, 'ADMIN_MODE'],
        ['user.get', { IMAGE_RESIZE: 'huge' }, 'IMAGE_RESIZE'],
        ['user.search', { FILTER: { FIND: '' } }, 'FIND'],
        ['user.search', { FILTER: { FIND: '   ' } }, 'FIND'],
        ['user.search', { FILTER: { FIND: 'a b c d e f g h i j k' } }, 'FIND'],
        ['user.search', { FILTER: { FIND: ['x'] } }, 'FIND'],
        ['user.search', { FILTER: { FIND: 'x'.repeat(256) } }, 'FIND'],
        ['user.search', { FILTER: { '%FIND': 'x' } }, '%FIND'],
        ['user.search', { FILTER: { NAME: 5.5 }, sort: 'HACK' }, 'sort'],
      ];
      for (const [method, params, argument] of bad) {
        const res = await r.call(method, params);
        assert.equal(res.status, 400, `${method} ${JSON.stringify(params).slice(0, 120)} -> ${res.text.slice(0, 300)}`);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, argument, JSON.stringify(params).slice(0, 120));
        assert.ok(res.body.error_description.length > 10 && res.body.error_description.length < 400, res.body.error_description);
      }
    });

    it('ignores unknown filter fields and reads start as upstream\'s intval', async () => {
      const unknown = await r.call('user.get', { FILTER: { PERSONAL_CITY: 'Paris', NONSENSE: { a: 1 }, '': 1, '>': 2 }, UNKNOWN_TOP: [1] });
      assert.equal(unknown.status, 200, unknown.text);
      assert.equal(unknown.body.total, people.length);
      for (const [start, first] of [['abc', 1], ['10abc', 11], [1e15, undefined], ['-5', 1]] as const) {
        const res = await r.call('user.get', { start });
        assert.equal(res.status, 200, `${start}: ${res.text}`);
        assert.equal(ids(res)[0], first, String(start));
      }
      // valid values that match nothing are not errors
      assert.equal((await r.call('user.get', { FILTER: { ID: 0, NAME: '' } })).body.total, 0);
    });

    it('touches the store a fixed number of times whatever the page holds', async () => {
      const count = async (params: Record<string, unknown>) => {
        const before = r.queryCount();
        const res = await r.call('user.get', params);
        assert.equal(res.status, 200);
        return r.queryCount() - before;
      };
      const one = await count({ ID: 2 });
      const full = await count({ FILTER: { '%NAME': 'a', '@UF_DEPARTMENT': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } });
      const fast = await count({ start: -1 });
      assert.equal(one, full);
      if (r.roster.app.read) {
        // none: the read model authenticates the webhook and answers
        assert.deepEqual([one, fast], [0, 0]);
      } else {
        assert.equal(fast, one - 1, 'the fast mode skips the COUNT');
      }
    });
  });

  describe(`user.get paging through a larger directory [${engine}]`, () => {
    let r: TestRoster;
    let directory: DirectoryFile;
    before(async () => {
      // 233 accounts: people in three departments with repeated names, dismissed ones, extranet partners and bots
      const users: DirectoryFile['users'] = [{ id: 1, email: 'admin@roster.local', login: 'admin', admin: true, name: 'Admin', departments: [1] }];
      for (let id = 2; id <= 233; id++) {
        const bot = id % 17 === 0;
        const extranet = !bot && id % 13 === 0;
        users.push({
          id,
          email: `u${id}@example.com`,
          name: ['Ana', 'Ben', 'Cleo', 'Dan'][id % 4]!,
          last_name: `L${id % 7}`,
          active: id % 11 !== 0,
          type: extranet ? 'extranet' : 'employee',
          departments: extranet || bot ? [] : [1 + (id % 3)],
          ...(bot ? { external_auth_id: 'bot', bot: { code: `bot${id}` } } : {}),
        });
      }
      directory = {
        format: 'roster-directory',
        version: 1,
        departments: [
          { id: 1, name: 'Company', parent: null, head: 1 },
          { id: 2, name: 'Two', parent: 1 },
          { id: 3, name: 'Three', parent: 1 },
        ],
        users,
        groups: [{ id: 1, name: 'Partners', owner: 2, members: [2, 5, 13, 26, 39] }],
      };
      r = await startRoster({ engine, seed: directory });
    });
    after(() => r.close());

    const peopleIds = () => directory.users.filter((u) => !u.bot).map((u) => u.id);

    it('following next visits every person exactly once and stops', async () => {
      const { rows, total, pages } = await walk(r, 'user.get', {});
      const seen = rows.map((row) => Number(row.ID));
      assert.equal(new Set(seen).size, seen.length);
      assert.deepEqual(seen, peopleIds());
      assert.equal(total, peopleIds().length);
      assert.equal(pages, Math.ceil(peopleIds().length / 50));
    });

    it('pages stay disjoint when the sort key repeats (the id breaks ties)', async () => {
      for (const params of [{ sort: 'NAME', order: 'DESC' }, { order: { LAST_NAME: 'ASC', NAME: 'DESC' } }, { SORT: 'ACTIVE' }]) {
        const { rows, total } = await walk(r, 'user.get', params);
        const seen = rows.map((row) => Number(row.ID));
        assert.equal(seen.length, total, JSON.stringify(params));
        assert.deepEqual([...seen].sort((a, b) => a - b), peopleIds(), JSON.stringify(params));
      }
    });

    it('pages a filtered list with the filtered total', async () => {
      const active = directory.users.filter((u) => !u.bot && u.active !== false && (u.departments ?? []).includes(2)).map((u) => u.id);
      const { rows, total } = await walk(r, 'user.get', { FILTER: { ACTIVE: true, UF_DEPARTMENT: 2 } });
      assert.deepEqual(rows.map((row) => Number(row.ID)), active);
      assert.equal(total, active.length);
    });

    it('the fast mode (order ID, filter >ID, start=-1) walks to the end', async () => {
      assert.deepEqual(await fastWalk(r, 'user.get'), peopleIds());
      assert.deepEqual(await fastWalk(r, 'user.search'), peopleIds());
      const ben = directory.users.filter((u) => !u.bot && u.name === 'Ben').map((u) => u.id);
      assert.deepEqual(await fastWalk(r, 'user.get', {}, { NAME: 'ben' }), ben);
      // b24pysdk spells the order SORT/ORDER for user.*
      const seen: number[] = [];
      let last = 0;
      for (;;) {
        const res = await r.call('user.get', { SORT: 'ID', ORDER: 'ASC', filter: { '>ID': last }, start: -1 });
        seen.push(...ids(res));
        if (res.body.result.length < 50) break;
        last = seen[seen.length - 1]!;
      }
      assert.deepEqual(seen, peopleIds());
    });

    it('pages inside batch the way the PHP and Python SDKs chain it ($result[cmd][49][ID], start=-1)', async () => {
      const seen: number[] = [];
      let last = 0;
      for (let round = 0; round < 10; round++) {
        const cmd: Record<string, string> = { cmd_0: `user.get?order[ID]=ASC&filter[>ID]=${last}&start=-1` };
        for (let i = 1; i < 3; i++) cmd[`cmd_${i}`] = `user.get?order[ID]=ASC&filter[>ID]=$result[cmd_${i - 1}][49][ID]&start=-1`;
        const res = await r.call('batch', { halt: 0, cmd });
        assert.equal(res.status, 200, res.text);
        const { result, result_error: errors } = res.body.result;
        let short = false;
        for (let i = 0; i < 3 && !short; i++) {
          const page = result[`cmd_${i}`] as any[] | undefined;
          // a page after a short one has no [49] to reference: that command fails, the walk is over
          if (!page) break;
          seen.push(...page.map((row) => Number(row.ID)));
          short = page.length < 50;
        }
        if (short || Object.keys(errors).length) break;
        last = seen[seen.length - 1]!;
      }
      assert.deepEqual(seen, peopleIds());
      // counted pages as 2bad and as_list() batch them: start=0,50,100 with result_total and result_next
      const counted = await r.call('batch', { cmd: ['user.get?start=0', 'user.get?start=50', 'user.get?start=200'] });
      const body = counted.body.result;
      assert.deepEqual(body.result_total, [peopleIds().length, peopleIds().length, peopleIds().length]);
      assert.deepEqual(body.result_next, [50, 100], 'keys 0..n-1 make a JSON list, as PHP does');
      assert.deepEqual(body.result[2].map((row: any) => Number(row.ID)), peopleIds().slice(200));
    });

    it('an extranet caller pages through the people they may see, and totals count only them', async () => {
      const hook = await r.hook(13, ['user']);
      const { rows, total } = await walk(r, 'user.get', {}, { hook });
      assert.deepEqual(rows.map((row) => Number(row.ID)), [2, 5, 13, 26, 39]);
      assert.equal(total, 5);
    });
  });
}
