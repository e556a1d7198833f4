/**
 * im.search.user.list and im.search.department.list (and their private aliases) on the demo
 * company plus people whose names need Unicode case folding or hold LIKE/GLOB/regex specials,
 * and 57 "pagers" to page through. Ends with the paging walk every offset-style list method must
 * pass: following `next` visits every row exactly once and stops.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_SEED } from '../../src/cli/serve.js';
import { readDirectoryFile, type DirectoryFile } from '../../src/state/directory-file.js';
import { engines, IM_USER_KEYS, startRoster, type Reply, type TestRoster } from '../helpers/roster.js';


const FIND_SHORT = { error: 'FIND_SHORT', error_description: 'Too short a search phrase.' };
const PAGERS = Array.from({ length: 57 }, (_, i) => 100 + i);

/** The demo company plus the people and departments these tests search for. */
async function fixture(): Promise<DirectoryFile> {
  const demo = await readDirectoryFile(DEMO_SEED);
  const person = (id: number, name: string, last_name: string, work_position: string, departments: number[], extra: object = {}) => ({
    id, email: `u${id}@search.example`, login: `u${id}`, name, last_name, work_position, departments, ...extra,
  });
  return {
    ...demo,
    departments: [
      ...demo.departments,
      { id: 13, name: 'Paging Pool (100%)', parent: 1, sort: 700, head: null },
      { id: 14, name: 'Отдел продаж', parent: 3, sort: 300, head: 70 },
    ],
    users: [
      ...demo.users,
      person(70, 'Иван', 'Петров', 'Инженер-программист', [14]),
      // two different presence dates, to see that search does not swap them as upstream does
      person(71, 'Ölaf', 'MÜLLER-Lüdenscheidt', 'Außendienst', [4], { last_activity_at: '2026-11-20T10:00:00Z', mobile_last_at: '2026-11-02T08:00:00Z' }),
      person(72, 'Percy', 'Cent', '100% remote', [10], { second_name: 'Quincy' }),
      person(73, 'Under', 'Score_Man', 'snake_case fan', [10]),
      person(74, 'Back', 'Slash\\Guy', 'path\\to\\fame', [10]),
      person(75, 'Connie', 'Connector', 'Open channel', [], { external_auth_id: 'imconnector' }),
      person(76, 'Emil', 'Mailer', 'Mail guest', [], { external_auth_id: 'email' }),
      person(77, 'Colin', 'Collaber', 'Partner engineer', [], { type: 'collaber' }),
      person(78, 'Σίσυφος', 'Ωκεανός', 'Φιλόσοφος', [10]),
      person(79, 'Wildcard', 'Star*Man', 'a?b [c] d|e (f) ^g$ h.i', [10]),
      // a Kelvin sign, a long s and a dotless i: non-ASCII letters whose case partners are ASCII
      person(80, '\u212aelvin', '\u017ftrong', 'L\u0131ghthouse keeper', [10]),
      ...PAGERS.map((id) => person(id, 'Pager', `P${id}`, 'Scroll tester', [13])),
    ],
    groups: (demo.groups ?? []).map((g) => (g.id === 1 ? { ...g, members: [...(g.members ?? []), 77] } : g)),
  } as DirectoryFile;
}

/** Ids of an id-keyed result in wire order (JSON.parse would sort integer keys). */
function wireIds(res: Reply): number[] {
  if (Array.isArray(res.body.result)) {
    assert.deepEqual(res.body.result, [], 'an empty map is []');
    return [];
  }
  const body = res.text.slice(res.text.indexOf('"result":') + 9);
  return [...body.matchAll(/"(\d+)":\{"id":(\d+),/g)].map((m) => {
    assert.equal(m[1], m[2]);
    return Number(m[1]);
  });
}

for (const engine of engines) {
  describe(`im.search.user.list [${engine}]`, () => {
    let r: TestRoster;
    const search = (params: Record<string, unknown>, hook?: string, method = 'im.search.user.list') =>
      r.call(method, { LIMIT: 50, ...params }, { hook });
    const found = async (FIND: unknown, userId = 1) => {
      const res = await search({ FIND }, await r.as(userId));
      assert.equal(res.status, 200, `${JSON.stringify(FIND)}: ${res.text.slice(0, 200)}`);
      const ids = wireIds(res);
      assert.equal(res.body.total, ids.length, `${JSON.stringify(FIND)}: total counts what is returned`);
      return ids;
    };
    before(async () => {
      r = await startRoster({ engine, seed: await fixture() });
    });
    after(() => r.close());

    it('finds by a word prefix of name, last name, position or department name, keyed and ordered by id', async () => {
      assert.deepEqual(await found('smith'), [27]);
      assert.deepEqual(await found('Oliv'), [2, 27, 58]);
      assert.deepEqual(await found('backend'), [7, 23, 24, 25, 26, 27, 28, 52]);
      assert.deepEqual(await found('europe'), [4, 12, 13, 14, 15, 16, 17, 54, 71]);
      assert.deepEqual(await found('ngineer'), []);
      assert.deepEqual(await found('Lüdenscheidt'), [71]); // after a hyphen
      assert.deepEqual(await found('quin'), [72]); // SECOND_NAME
    });

    it('needs every word to match, each in any field', async () => {
      assert.deepEqual(await found('sales manager'), [14, 15, 17, 19, 22, 54]);
      assert.deepEqual(await found('  Manager\tSALES  '), [14, 15, 17, 19, 22, 54]);
      assert.deepEqual(await found('hannah müller'), [13]);
      assert.deepEqual(await found('hannah smith'), []);
    });

    it('matches a word of digits against the id', async () => {
      assert.deepEqual(await found('13'), [13]);
      assert.deepEqual(await found(13), [13]);
      assert.deepEqual(await found('13 hannah'), [13]);
      assert.deepEqual(await found('13 olivia'), []);
      assert.deepEqual(await found('0013'), [13]);
      assert.deepEqual(await found('99999999999999999999'), []);
      assert.deepEqual(await found('-13'), []);
    });

    it('ignores case for every alphabet, on this engine', async () => {
      for (const find of ['müller', 'MÜLLER', 'Müller', 'mÜlLeR']) assert.deepEqual(await found(find), [13, 71], find);
      for (const find of ['иван', 'ИВАН', 'Иван', 'петр', 'ПРОГРАММИСТ', 'отдел', 'ПРОДАЖ']) assert.deepEqual(await found(find), [70], find);
      for (const find of ['σίσυφος', 'ΣΊΣΥΦΟΣ', 'ωκεανός', 'φιλόσοφος']) assert.deepEqual(await found(find), [78], find);
      for (const find of ['kelvin', 'KELVIN', 'strong', 'STRONG', 'lighthouse', 'LIGHTHOUSE']) assert.deepEqual(await found(find), [80], find);
      assert.deepEqual(await found('AUSSENDIENST'), []); // simple folding: ß is not ss
      assert.deepEqual(await found('außendienst'), [71]);
    });

    it('takes %, _ and \\ literally', async () => {
      assert.deepEqual(await found('100% remote'), [72]);
      assert.deepEqual(await found('10%'), []);
      const pool = await search({ FIND: '(100%' }); // the pagers' department, after its "("
      assert.equal(pool.body.total, 57);
      assert.deepEqual(wireIds(pool), PAGERS.slice(0, 50));
      assert.deepEqual(await found('%%'), []);
      assert.deepEqual(await found('_%'), []);
      assert.deepEqual(await found('Score_'), [73]);
      assert.deepEqual(await found('Scor_'), []);
      assert.deepEqual(await found('snake_c'), [73]);
      assert.deepEqual(await found('snake%'), []);
      assert.deepEqual(await found('slash\\'), [74]);
      assert.deepEqual(await found('Slash\\g'), [74]);
      assert.deepEqual(await found('path\\to\\'), [74]);
      assert.deepEqual(await found('\\\\'), []);
    });

    it('takes GLOB and regular expression characters literally too', async () => {
      for (const find of ['star*', 'a?b', 'a?', '[c]', 'd|e', '(f)', '^g$', 'h.i']) assert.deepEqual(await found(find), [79], find);
      for (const find of ['st*', 'sm*', '[s]mith', 'sm.th', 'sm?th', 'smi(', 'a|b', 'x{2}', '.*', '\\d+', '^sm', 'smith$', '(?i)smith', '***=smith', '[[:alpha:]]']) {
        assert.deepEqual(await found(find), [], find);
      }
    });

    it('lists active users and bots, not dismissed, connector or e-mail users', async () => {
      assert.deepEqual(await found('helpdesk'), [61]);
      assert.deepEqual(await found('samuel'), []);
      assert.deepEqual(await found('connie'), []);
      assert.deepEqual(await found('emil'), []);
    });

    it('leaves extranet users out for intranet callers, in the total too', async () => {
      for (const userId of [1, 13, 61]) {
        for (const find of ['morgan', 'lee', 'jordan', 'colin', 'integration', 'contractor']) {
          const res = await search({ FIND: find }, await r.as(userId));
          assert.equal(res.body.total, 0, `${find} as ${userId}`);
          assert.equal(res.text.startsWith('{"result":[],"total":0,'), true);
        }
      }
      // Colin (77), a collaber "Partner engineer", is not among the engineers; Anna (6) is, by "Engineering"
      assert.deepEqual(await found('engineer'), [6, 20, 26, 28, 34, 35, 36, 46, 47, 48, 57, 58]);
    });

    it('shows an extranet caller only themself and their group, extranet members included', async () => {
      for (const userId of [59, 77]) {
        assert.deepEqual(await found('backend', userId), [7, 23, 24]);
        assert.deepEqual(await found('morgan', userId), [59]);
        assert.deepEqual(await found('kim', userId), [60]);
        assert.deepEqual(await found('colin', userId), [77]);
        assert.deepEqual(await found('partner', userId), [59, 77]);
        assert.deepEqual(await found('olivia', userId), []);
        assert.deepEqual(await found('pager', userId), []);
      }
    });

    it('gives full user objects, dates not swapped, avatar_hr only with AVATAR_HR=Y', async () => {
      const res = await search({ FIND: 'müller' });
      for (const id of ['13', '71']) {
        assert.deepEqual(Object.keys(res.body.result[id]), IM_USER_KEYS);
        assert.deepEqual(res.body.result[id], (await r.call('im.user.get', { ID: id })).body.result);
      }
      assert.equal(res.body.result['71'].last_activity_date, '2026-11-20T11:00:00+01:00');
      assert.equal(res.body.result['71'].mobile_last_date, '2026-11-02T09:00:00+01:00');
      const hr = await search({ FIND: 'olivia', AVATAR_HR: 'Y' });
      assert.equal(hr.body.result['2'].avatar_hr, 'https://cdn.example.com/avatars/olivia.bennett.png');
      assert.equal('avatar_hr' in (await search({ FIND: 'olivia', AVATAR_HR: 'y' })).body.result['2'], false);
    });

    it('reads the Y/N flags strictly: only Y (or JSON true) is yes; BUSINESS changes nothing', async () => {
      const reference = await search({ FIND: 'olivia' });
      for (const value of ['N', 'y', 'yes', '', -1, 0, 1, [], ['Y'], { Y: 'Y' }, 'Y'.repeat(10000)]) {
        const res = await search({ FIND: 'olivia', AVATAR_HR: value, BUSINESS: value });
        assert.equal(res.status, 200, JSON.stringify(value).slice(0, 40));
        assert.deepEqual(res.body.result, reference.body.result);
      }
      const business = await search({ FIND: 'olivia', BUSINESS: 'Y' });
      assert.deepEqual(business.body.result, reference.body.result);
      assert.equal(business.body.total, reference.body.total);
    });

    it('answers FIND_SHORT without FIND or with fewer than 2 characters after trimming', async () => {
      for (const params of [{}, { FIND: null }, { FIND: '' }, { FIND: ' ' }, { FIND: 'a' }, { FIND: '  a\t' }, { FIND: 7 }, { FIND: '\u0000' }, { FIND: '\u0000a\u0000' }]) {
        const res = await search(params);
        assert.equal(res.status, 400, JSON.stringify(params));
        assert.deepEqual(res.body, FIND_SHORT, JSON.stringify(params));
      }
      for (const [params, as] of [[{ FIND: '' }, 'form'], [{ FIND: 'x' }, 'query'], [{ OFFSET: 1 }, 'query']] as const) {
        const res = await r.call('im.search.user.list', params, { as });
        assert.deepEqual(res.body, FIND_SHORT, JSON.stringify(params));
      }
    });

    it('refuses FIND as a list or object, or longer than 255 characters, with ERROR_ARGUMENT', async () => {
      for (const [params, as] of [
        [{ FIND: ['smith'] }, 'json'], [{ FIND: [] }, 'json'], [{ FIND: { a: 'smith' } }, 'json'], [{ FIND: [['ab']] }, 'json'],
        [{ FIND: ['smith'] }, 'form'], [{ FIND: { a: 'smith' } }, 'query'], [{ FIND: 'x'.repeat(256) }, 'json'], [{ FIND: 'ж'.repeat(100000) }, 'json'],
      ] as const) {
        const res = await r.call('im.search.user.list', params, { as });
        assert.equal(res.status, 400, JSON.stringify(params).slice(0, 60));
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, 'FIND');
        assert.match(res.body.error_description, /FIND (must be a string|is longer than 255 characters)/);
      }
    });

    it('survives odd but valid FIND values without an error', async () => {
      const finds = [
        'x'.repeat(255), 'ж'.repeat(255), Array.from({ length: 120 }, (_, i) => `w${i}`).join(' ').slice(0, 255),
        '\ud800ab', '😀😀', "o'connor", '"quoted"', 'Han\u0000nah', 'ab\r\ncd', '\u202e\u202dab', 'SELECT * FROM users; --', 'true',
      ];
      for (const FIND of finds) {
        const res = await search({ FIND });
        assert.equal(res.status, 200, JSON.stringify(FIND).slice(0, 60));
        assert.equal(typeof res.body.total, 'number');
      }
      assert.deepEqual(await found("o'connor"), [29]);
      assert.deepEqual(await found('connor'), [29]);
      assert.deepEqual(await found(true), []);
      const form = await r.call('im.search.user.list', { find: 'Müller' }, { as: 'query' });
      assert.deepEqual(wireIds(form), [13, 71]);
    });

    it('pages by OFFSET and LIMIT: default 10, at most 50, LIMIT below 1 means 10', async () => {
      const page = async (params: Record<string, unknown>) => {
        const res = await r.call('im.search.user.list', { FIND: 'pager', ...params });
        assert.equal(res.status, 200, JSON.stringify(params));
        assert.equal(res.body.total, 57);
        return { ids: wireIds(res), next: res.body.next as number | undefined };
      };
      assert.deepEqual(await page({}), { ids: PAGERS.slice(0, 10), next: 10 });
      for (const LIMIT of [0, -1, -100, 'abc', '', [5], { a: 5 }, null]) assert.deepEqual(await page({ LIMIT }), { ids: PAGERS.slice(0, 10), next: 10 }, JSON.stringify(LIMIT));
      assert.deepEqual(await page({ LIMIT: 500 }), { ids: PAGERS.slice(0, 50), next: 50 });
      assert.deepEqual(await page({ LIMIT: '3', OFFSET: '5' }), { ids: PAGERS.slice(5, 8), next: 8 });
      assert.deepEqual(await page({ LIMIT: 50, OFFSET: 50 }), { ids: PAGERS.slice(50), next: undefined });
      for (const OFFSET of [-5, 'abc', '', [10], { a: 10 }]) assert.deepEqual(await page({ LIMIT: 2, OFFSET }), { ids: PAGERS.slice(0, 2), next: 2 }, JSON.stringify(OFFSET));
      for (const OFFSET of [57, 58, 1000, '99999999999999999999', 1e300]) {
        const res = await r.call('im.search.user.list', { FIND: 'pager', OFFSET });
        assert.equal(res.status, 200, String(OFFSET));
        assert.equal(res.text.startsWith('{"result":[],"total":57,'), true, String(OFFSET));
      }
      // a positive standard start wins over OFFSET; start 0 or below leaves OFFSET in charge
      assert.deepEqual(await page({ LIMIT: 2, OFFSET: 30, start: 20 }), { ids: PAGERS.slice(20, 22), next: 22 });
      assert.deepEqual(await page({ LIMIT: 2, OFFSET: 30, start: 0 }), { ids: PAGERS.slice(30, 32), next: 32 });
      assert.deepEqual(await page({ LIMIT: 2, OFFSET: 30, start: -1 }), { ids: PAGERS.slice(30, 32), next: 32 });
    });

    it('touches the store a fixed number of times whatever the page size', async () => {
      const count = async (params: Record<string, unknown>) => {
        const before = r.queryCount();
        const res = await r.call('im.search.user.list', params);
        assert.equal(res.status, 200);
        return r.queryCount() - before;
      };
      const one = await count({ FIND: 'pager', LIMIT: 1 });
      assert.equal(await count({ FIND: 'pager', LIMIT: 50 }), one);
      assert.equal(await count({ FIND: 'pager sc p1', LIMIT: 50 }), one);
      // none from memory (the model knows the webhook too); from SQL the webhook (2), one search
      // statement (page and total together) and the user load (users, departments, absences, bots)
      assert.equal(one, r.roster.app.read ? 0 : 7);
      // past the end the page holds no total: one more statement counts
      assert.equal(await count({ FIND: 'pager', OFFSET: 100 }), r.roster.app.read ? 0 : 4);
    });

    it('is also registered under the private alias im.search.user', async () => {
      const a = await search({ FIND: 'sales' });
      const b = await search({ FIND: 'sales' }, undefined, 'im.search.user');
      assert.equal(b.status, 200);
      assert.deepEqual(wireIds(b), wireIds(a));
      assert.equal(b.body.total, a.body.total);
    });

    it('sees renamed departments and changed names at once: nothing to re-index', async () => {
      assert.deepEqual(await found('serverside'), []);
      const renamed = await r.call('department.update', { ID: 7, NAME: 'Serverside' });
      assert.equal(renamed.status, 200, renamed.text);
      assert.deepEqual(await found('serverside'), [7, 23, 24, 25, 26, 27, 28, 52]);
      assert.deepEqual(await found('backend'), [7, 23, 24, 25, 27, 52]); // their positions still say Backend
      const changed = await r.call('user.update', { ID: 28, LAST_NAME: 'Ænglund' });
      assert.equal(changed.status, 200, changed.text);
      assert.deepEqual(await found('ænglund'), [28]);
      assert.deepEqual(await found('ÆNGL'), [28]);
      const added = await r.call('user.add', { EMAIL: 'new@search.example', NAME: 'Ünal', LAST_NAME: 'Şahin', UF_DEPARTMENT: [9] });
      assert.equal(added.status, 200, added.text);
      assert.deepEqual(await found('ünal şahin'), [added.body.result]);
      assert.deepEqual(await found('ÜNAL'), [added.body.result]);
    });
  });

  describe(`im.search.department.list [${engine}]`, () => {
    let r: TestRoster;
    const ALL = [1, 2, 3, 4, 5, 14, 6, 7, 8, 9, 10, 11, 12, 13];
    const search = async (params: Record<string, unknown>, userId = 1, method = 'im.search.department.list') => {
      const res = await r.call(method, { LIMIT: 50, ...params }, { hook: await r.as(userId) });
      assert.equal(res.status, 200, `${JSON.stringify(params)}: ${res.text.slice(0, 200)}`);
      return res;
    };
    const ids = async (FIND: unknown, userId = 1) => {
      const res = await search({ FIND }, userId);
      assert.equal(res.body.total, res.body.result.length);
      return res.body.result.map((d: any) => d.id);
    };
    before(async () => {
      r = await startRoster({ engine, seed: await fixture() });
    });
    after(() => r.close());

    it('gives every department in structure order for FIND of 0 or 1 characters', async () => {
      for (const find of ['', 'x', ' ', 'ж', '%']) assert.deepEqual(await ids(find), ALL, JSON.stringify(find));
    });

    it('matches a full name that starts with FIND or holds it after a space, ignoring case', async () => {
      assert.deepEqual(await ids('sales'), [3, 4, 5, 14]);
      assert.deepEqual(await ids('SALES EU'), [4]);
      assert.deepEqual(await ids('ales'), []);
      assert.deepEqual(await ids('company'), ALL);
      assert.deepEqual(await ids('sales / com'), [3, 4, 5, 14]);
      assert.deepEqual(await ids('ОТДЕЛ ПРОД'), [14]);
      assert.deepEqual(await ids('отдел'), [14]);
    });

    it('matches literally', async () => {
      assert.deepEqual(await ids('(100%'), [13]);
      assert.deepEqual(await ids('(10%'), []);
      assert.deepEqual(await ids('pool (1'), [13]);
      assert.deepEqual(await ids('p_ging'), []);
      assert.deepEqual(await ids('.*'), []);
    });

    it('gives department objects; USER_DATA=Y adds the head, null for a headless department', async () => {
      const plain = await search({ FIND: 'sales eu' });
      assert.deepEqual(plain.body.result, [{ id: 4, name: 'Sales Europe', full_name: 'Sales Europe / Sales / Company', manager_user_id: 4 }]);
      const data = await search({ FIND: 'paging', USER_DATA: 'Y' });
      assert.deepEqual(data.body.result, [
        { id: 13, name: 'Paging Pool (100%)', full_name: 'Paging Pool (100%) / Company', manager_user_id: 0, manager_user_data: null },
      ]);
      const headed = await search({ FIND: 'отдел', USER_DATA: 'Y' });
      assert.deepEqual(Object.keys(headed.body.result[0].manager_user_data), IM_USER_KEYS);
      assert.equal(headed.body.result[0].manager_user_data.id, 70);
    });

    it('adds manager_user_data only for USER_DATA=Y or JSON true', async () => {
      for (const USER_DATA of ['N', 'y', '', -1, 1, [], ['Y'], { Y: 'Y' }, 'Y'.repeat(10000)]) {
        const res = await search({ FIND: 'sales eu', USER_DATA });
        assert.equal('manager_user_data' in res.body.result[0], false, JSON.stringify(USER_DATA).slice(0, 40));
      }
      assert.equal((await search({ FIND: 'sales eu', USER_DATA: true })).body.result[0].manager_user_data.id, 4);
    });

    it('reads OFFSET and LIMIT like every im list: garbage is the default', async () => {
      for (const [OFFSET, LIMIT] of [['abc', 'abc'], [[5], [5]], [{ a: 1 }, { a: 1 }], ['', ''], [-1, -1], [null, null]]) {
        const res = await r.call('im.search.department.list', { FIND: '', OFFSET, LIMIT });
        assert.equal(res.status, 200, JSON.stringify([OFFSET, LIMIT]));
        assert.deepEqual(res.body.result.map((d: any) => d.id), ALL.slice(0, 10));
        assert.equal(res.body.next, 10);
      }
    });

    it('gives an extranet caller an empty list, a bot the structure', async () => {
      for (const userId of [59, 77]) {
        const res = await search({ FIND: '' }, userId);
        assert.equal(res.text.startsWith('{"result":[],"total":0,'), true);
      }
      assert.deepEqual(await ids('sales', 61), [3, 4, 5, 14]);
    });

    it('answers FIND_SHORT without FIND, ERROR_ARGUMENT for a list or an over-long FIND', async () => {
      for (const params of [{}, { FIND: null }, { USER_DATA: 'Y' }]) {
        for (const userId of [1, 59]) {
          const res = await r.call('im.search.department.list', params, { hook: await r.as(userId) });
          assert.equal(res.status, 400);
          assert.deepEqual(res.body, FIND_SHORT);
        }
      }
      for (const FIND of [['sales'], [], { a: 'x' }, 'x'.repeat(256)]) {
        const res = await r.call('im.search.department.list', { FIND });
        assert.equal(res.status, 400, JSON.stringify(FIND).slice(0, 40));
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.equal(res.body.argument, 'FIND');
      }
    });

    it('pages with next = offset + returned, unlike upstream', async () => {
      const page = async (params: Record<string, unknown>) => {
        const res = await r.call('im.search.department.list', { FIND: '', ...params });
        assert.equal(res.body.total, 14);
        return { ids: res.body.result.map((d: any) => d.id), next: res.body.next };
      };
      assert.deepEqual(await page({}), { ids: ALL.slice(0, 10), next: 10 });
      assert.deepEqual(await page({ OFFSET: 5, LIMIT: 5 }), { ids: ALL.slice(5, 10), next: 10 });
      assert.deepEqual(await page({ start: 10, LIMIT: 3 }), { ids: ALL.slice(10, 13), next: 13 });
      assert.deepEqual(await page({ OFFSET: 10 }), { ids: ALL.slice(10), next: undefined });
      assert.deepEqual(await page({ OFFSET: 14 }), { ids: [], next: undefined });
      assert.deepEqual(await page({ LIMIT: 0 }), { ids: ALL.slice(0, 10), next: 10 });
      assert.deepEqual(await page({ LIMIT: 500, OFFSET: -3 }), { ids: ALL, next: undefined });
    });

    it('is also registered under the private alias im.search.department', async () => {
      const res = await search({ FIND: 'sales' }, 1, 'im.search.department');
      assert.deepEqual(res.body.result.map((d: any) => d.id), [3, 4, 5, 14]);
    });
  });

  describe(`paging by next [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: await fixture() });
    });
    after(() => r.close());

    const lists: { method: string; params: Record<string, unknown>; rows: (res: Reply) => number[] }[] = [
      { method: 'im.search.user.list', params: { FIND: 'pager' }, rows: wireIds },
      { method: 'im.search.user', params: { FIND: 'e' + ' ' + 'a' }, rows: wireIds },
      { method: 'im.search.department.list', params: { FIND: '' }, rows: (res) => res.body.result.map((d: any) => d.id) },
      { method: 'im.search.department', params: { FIND: 'company', USER_DATA: 'Y' }, rows: (res) => res.body.result.map((d: any) => d.id) },
      { method: 'im.department.colleagues.list', params: {}, rows: (res) => res.body.result },
      { method: 'im.department.colleagues.get', params: { USER_DATA: 'Y' }, rows: (res) => res.body.result.map((u: any) => u.id) },
    ];

    /** Follows `next` from `first` (by OFFSET or start) and returns every row seen. */
    async function walk(method: string, params: Record<string, unknown>, rows: (res: Reply) => number[], LIMIT: unknown, by: 'OFFSET' | 'start', first: unknown) {
      const size = typeof LIMIT === 'number' && LIMIT >= 1 ? Math.min(LIMIT, 50) : 10;
      const seen: number[] = [];
      let total: number | undefined;
      let offset = 0;
      let request: Record<string, unknown> = { ...params, LIMIT, [by]: first };
      for (let calls = 1; ; calls++) {
        const res = await r.call(method, request);
        assert.equal(res.status, 200, `${method} ${JSON.stringify(request)}: ${res.text.slice(0, 200)}`);
        total ??= res.body.total as number;
        assert.equal(res.body.total, total, 'total stays the same from page to page');
        const page = rows(res);
        assert.equal(page.length, Math.min(size, total - offset), `${method} LIMIT ${JSON.stringify(LIMIT)} page at ${offset}`);
        seen.push(...page);
        assert.ok(calls <= total + 1, `${method} must stop`);
        if (res.body.next === undefined) break;
        assert.equal(res.body.next, offset + page.length);
        offset = res.body.next;
        request = { ...params, LIMIT, [by]: offset };
      }
      assert.equal(seen.length, total, `${method}: every row`);
      assert.equal(new Set(seen).size, seen.length, `${method}: each row once`);
      return seen;
    }

    it('visits every row exactly once and stops, whatever LIMIT, by OFFSET or start', async () => {
      for (const { method, params, rows } of lists) {
        const all = await walk(method, params, rows, 50, 'OFFSET', 0);
        assert.ok(all.length > 10, `${method} has several pages of 10 (${all.length} rows)`);
        for (const LIMIT of [undefined, 0, 1, 3, 7, 49, 50, 51, 500, -1, 'abc']) {
          assert.deepEqual(await walk(method, params, rows, LIMIT, 'OFFSET', 0), all, `${method} LIMIT ${LIMIT}`);
        }
        assert.deepEqual(await walk(method, params, rows, 4, 'start', 0), all, `${method} by start`);
        assert.deepEqual(await walk(method, params, rows, 5, 'OFFSET', -20), all, `${method} from a negative OFFSET`);
      }
    });

    it('gives an empty last page without next for an OFFSET at or beyond the total', async () => {
      for (const { method, params, rows } of lists) {
        const total = (await r.call(method, params)).body.total as number;
        for (const OFFSET of [total, total + 1, 1e9, '99999999999999999999']) {
          const res = await r.call(method, { ...params, OFFSET });
          assert.equal(res.status, 200, `${method} OFFSET ${OFFSET}`);
          assert.deepEqual(rows(res), []);
          assert.equal(res.body.total, total);
          assert.equal('next' in res.body, false);
        }
      }
    });
  });
}
