/**
 * The web console's directory reads, over HTTP with a console session, on every engine:
 *
 * - `/_roster/console/api/people` searches, filters, sorts and pages the whole directory on the
 *   server: filters narrow every match, not one page of them; its word matching is
 *   im.search.user.list's; and the read model answers exactly what the SQL path (a second server
 *   on the same database with `--reads sql`) answers, before and after writes that do and do not
 *   move people in the order;
 * - `/_roster/console/api/departments` counts each department's members in one answer, as
 *   im.department.employees.get lists them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoster, type Roster } from '../../src/app.js';
import { clock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { generateCompany, prng } from '../../src/state/generate.js';
import { createSession } from '../../src/store/console.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

/** Names the writes give people: other alphabets, letter cases, an astral letter (sorts after U+FFFF in byte order). */
const NAMES = ['Mar', 'marta', 'Марина', 'Müller', 'o\'Neil', 'Ann-Marie', 'Σοφία', 'Ünal', 'ﬁnch', '𝒜da', 'Zoë', 'van Dijk'];

for (const engine of engines) {
  describe(`console directory reads (${engine})`, () => {
    let memory: TestRoster;
    let sql: Roster;
    let sqlUrl: string;
    let cookie: string;
    const rnd = prng(11);
    const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const company = generateCompany({ users: 600, departments: 24, seed: 5 });

    before(async () => {
      memory = await startRoster({ engine, seed: company as never, config: { reads: 'memory' } });
      sql = await createRoster(testConfig({ db: memory.roster.app.config.db, host: '127.0.0.1', timezone: 'Europe/Berlin', limits: 'off', reads: 'sql' }));
      sqlUrl = await sql.listen();
      // sessions live in the database: one serves both servers
      cookie = `roster_console=${await createSession(memory.roster.store, 1, clock.unix())}`;
    });
    after(async () => {
      await sql?.close();
      await memory?.close();
    });

    const get = async (base: string, path: string) => {
      const res = await fetch(`${base}/_roster/console/api/${path}`, { headers: { cookie } });
      const body = (await res.json()) as any;
      return { status: res.status, body };
    };
    const people = async (query: Record<string, string | number>) => {
      const res = await get(memory.url, `people?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { total: number; users: any[]; words: string[]; page_size: number };
    };
    /** Every page of a query: the ids in order, and the total each page gave. */
    const everyone = async (query: Record<string, string | number>) => {
      const ids: number[] = [];
      let total = -1;
      for (let page = 0; page < 40; page++) {
        const res = await people({ ...query, page });
        total = res.total;
        ids.push(...res.users.map((u) => u.id));
        if (res.users.length < res.page_size) break;
      }
      assert.equal(ids.length, total, `${JSON.stringify(query)}: the pages hold the total`);
      return ids;
    };

    it('filters narrow the whole search, not the page that came back', async () => {
      // of the commonest word starts in names, positions and department names, the one that matches most: more than a page
      const rows = await memory.roster.store.db.selectFrom('users').select(['name', 'last_name', 'work_position']).execute();
      const texts = [...rows.map((r) => `${r.name} ${r.last_name} ${r.work_position}`), ...company.departments.map((d) => d.name)];
      const counts = new Map<string, number>();
      for (const text of texts) {
        for (const w of new Set(text.split(/\s+/).filter((x) => x.length >= 2).map((x) => x.slice(0, 2)))) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      let common = '';
      let most = -1;
      for (const [word] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
        const { total } = await people({ q: word });
        if (total > most) [common, most] = [word, total];
      }
      const all = await everyone({ q: common });
      assert.ok(all.length > 50, `“${common}” matches ${all.length} active people: more than a page`);
      // every match the search method finds, through all its pages: the same matching
      const found: number[] = [];
      for (let offset = 0; ; offset += 50) {
        const res = await memory.call('im.search.user.list', { FIND: common, LIMIT: 50, OFFSET: offset });
        found.push(...Object.values(res.body.result as Record<string, any>).filter((u) => !u.bot && !u.extranet).map((u) => u.id));
        if (res.body.next === undefined) break;
      }
      const employees = await everyone({ q: common, kind: 'employees' });
      assert.deepEqual([...employees].sort((a, b) => a - b), found.sort((a, b) => a - b), 'the matching of im.search.user.list');
      // a department's members among the matches, wherever they were in the unfiltered pages
      let beyondFirstPage = 0;
      for (const department of company.departments.map((d) => d.id)) {
        const members = await memory.call('im.department.employees.get', { ID: [department] });
        const inDepartment = new Set<number>(members.body.result[String(department)]);
        const expected = all.filter((id) => inDepartment.has(id));
        beyondFirstPage += all.slice(50).filter((id) => inDepartment.has(id)).length;
        assert.deepEqual(await everyone({ q: common, department }), expected, `department ${department}`);
      }
      assert.ok(beyondFirstPage > 0, 'some members were beyond the first unfiltered page');
      const inactive = await everyone({ q: common, active: 'inactive' });
      const any = await everyone({ q: common, active: 'all' });
      assert.deepEqual([...any].sort((a, b) => a - b), [...all, ...inactive].sort((a, b) => a - b), 'active and deactivated make up all');
    });

    it('answers from memory exactly what the SQL path answers, before and after writes', async () => {
      const compare = async (rounds: number) => {
        const users = await memory.roster.store.db.selectFrom('users').select(['id', 'name', 'last_name', 'work_position']).execute();
        const texts = users.flatMap((u) => [u.name, u.last_name, u.work_position]).filter(Boolean);
        const departments = (await memory.roster.store.db.selectFrom('departments').select(['id', 'name']).execute());
        let matched = 0;
        for (let i = 0; i < rounds; i++) {
          const word = (text: string) => [...pick(text.split(/[\s(/.,'"-]+/).filter(Boolean).concat(text))].slice(0, int(2, 4)).join('');
          const query: Record<string, string> = {
            q: pick(['', word(pick(texts)), `${word(pick(texts))} ${word(pick(texts))}`, word(pick(departments).name), String(pick(users).id), pick(NAMES).slice(0, 3)]),
            kind: pick(['all', 'employees', 'extranet', 'bots']),
            active: pick(['active', 'inactive', 'all']),
            sort: pick(['LAST_NAME', 'WORK_POSITION', 'ID']),
            order: pick(['ASC', 'DESC']),
            page: String(pick([0, 0, 0, 1, 3])),
          };
          if (rnd() < 0.3) query.department = String(pick(departments).id);
          const path = `people?${new URLSearchParams(query)}`;
          const [a, b] = await Promise.all([get(memory.url, path), get(sqlUrl, path)]);
          assert.equal(a.status, 200, `${path}: ${JSON.stringify(a.body)}`);
          assert.equal(b.status, 200);
          assert.deepEqual({ total: a.body.total, ids: a.body.users.map((u: any) => u.id) }, { total: b.body.total, ids: b.body.users.map((u: any) => u.id) }, path);
          if (a.body.total > 0) matched++;
        }
        assert.ok(matched > rounds / 5, `only ${matched} of ${rounds} queries matched anyone`);
      };
      await compare(120);
      // typed a character at a time: each search narrows the one before (the read model reuses its answer)
      const words = (await memory.roster.store.db.selectFrom('users').select(['last_name', 'work_position']).execute()).flatMap((u) => [u.last_name, u.work_position]);
      for (let i = 0; i < 10; i++) {
        const word = pick(words.filter((w) => [...w].length >= 4));
        const before = i % 2 ? `${[...pick(words)].slice(0, 2).join('')} ` : '';
        for (let n = 2; n <= [...word].length; n++) {
          const path = `people?${new URLSearchParams({ q: `${before}${[...word].slice(0, n).join('')}`, active: 'all' })}`;
          const [a, b] = await Promise.all([get(memory.url, path), get(sqlUrl, path)]);
          assert.deepEqual({ total: a.body.total, ids: a.body.users.map((u: any) => u.id) }, { total: b.body.total, ids: b.body.users.map((u: any) => u.id) }, path);
        }
      }
      // renames and new people move others in the order; presence changes move nobody
      const ids = (await memory.roster.store.db.selectFrom('users').select('id').where('active', '=', 1).where('external_auth_id', 'is', null).execute()).map((u) => u.id);
      for (let i = 0; i < 12; i++) {
        const id = pick(ids);
        const res = await memory.call('user.update', { ID: id, LAST_NAME: pick(NAMES), WORK_POSITION: `${pick(NAMES)} lead` });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const status = await memory.call('im.user.status.set', { STATUS: pick(['dnd', 'away', 'online']) }, { hook: await memory.as(pick(ids)) });
        assert.equal(status.status, 200);
      }
      // a department renamed: its members now match other words
      const renamedDepartment = await memory.call('department.update', { ID: company.departments[3]!.id, NAME: 'Marmalade Works' });
      assert.equal(renamedDepartment.status, 200, JSON.stringify(renamedDepartment.body));
      assert.ok((await people({ q: 'marma' })).total > 0, 'found by the new department name');
      const added = await memory.call('user.add', { EMAIL: 'zz.new@example.com', NAME: 'Aaron', LAST_NAME: 'Aardvark', UF_DEPARTMENT: [company.departments[0]!.id] });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal((await people({ q: 'Aardv' })).users[0]?.id, added.body.result, 'a new person is found at once');
      assert.equal((await people({})).users.find((u) => u.last_name !== '')?.id, added.body.result, 'and sorted in');
      await compare(120);
    });

    it('refuses what it cannot read, and needs a session', async () => {
      for (const bad of ['kind=robots', 'sort=EMAIL', 'order=UP', 'page=-1', 'department=x', 'q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k', 'extra=1']) {
        const res = await get(memory.url, `people?${bad}`);
        assert.equal(res.status, 400, bad);
        assert.equal(res.body.error, 'ERROR_ARGUMENT', bad);
      }
      assert.equal((await memory.fetch('/_roster/console/api/people')).status, 401);
      assert.equal((await memory.fetch('/_roster/console/api/departments')).status, 401);
    });

    it('the org chart: every department with its head and its members counted, in one answer', async () => {
      for (const base of [memory.url, sqlUrl]) {
        const res = await get(base, 'departments');
        assert.equal(res.status, 200);
        const departments = res.body.departments as { id: number; head: number | null; members: number }[];
        const listed = await memory.call('im.department.employees.get', { ID: departments.map((d) => d.id) });
        assert.deepEqual(
          departments.map((d) => [d.id, d.members]),
          departments.map((d) => [d.id, (listed.body.result[String(d.id)] ?? []).length]),
          'the counts are what employees.get lists',
        );
        assert.ok(departments.some((d) => d.members > 0));
        const structure = await memory.call('im.search.department.list', { FIND: '', LIMIT: 50 });
        assert.deepEqual(departments.map((d) => d.id).slice(0, 50), structure.body.result.map((d: any) => Number(d.id)), 'in structure order');
        assert.deepEqual(departments.map((d) => d.head).slice(0, 50), structure.body.result.map((d: any) => (d.manager_user_id ? Number(d.manager_user_id) : null)), 'with their heads');
      }
    });
  });
}
