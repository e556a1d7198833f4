/**
 * The read model agrees with the SQL path, byte for byte (issue #11): random directories from
 * the generator, random writes through REST, and every read method the model serves asked with a
 * spread of parameters by a spread of callers (intranet, extranet, bots, the admin), once through
 * a server answering from memory and once through a second server on the same database answering
 * from the store (`--reads sql`). Only the `time` blocks may differ.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoster, type Roster } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { generateCompany, prng } from '../../src/state/generate.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

/** The answer without its timing: `time`, and batch's `result_time`. */
const untimed = (text: string) =>
  text.replace(/,?"result_time":(\{(?:[^{}]|\{[^{}]*\})*\}|\[\])/g, '').replace(/,?"time":\{[^{}]*\}/g, '');

/** Words the random writes put into names, positions and department names (the searches look for them too). */
const WRITTEN = ['Mar', 'Марина', 'Müller', 'o\'Neil', 'Ann-Marie', 'Σοφία', 'Ünal', 'Kim', 'Léa', 'mar.tin'];

const SEEDS = [1, 7, 42, 1234, 99991].map((s) => s + Number(process.env.ROSTER_AGREEMENT_SEED ?? 0));

for (const engine of engines) {
  for (const [k, seed] of SEEDS.slice(0, engine === 'postgres' ? 2 : 3).entries()) {
    // --cache-users: everything serialized kept, a tiny LRU that churns, none kept
    const cacheUsers = [100_000, 3, 0][k]!;
    describe(`the read model agrees with the SQL path [${engine}, seed ${seed}, --cache-users ${cacheUsers}]`, () => {
      let memory: TestRoster;
      let sql: Roster;
      let sqlUrl: string;
      const rnd = prng(seed);
      const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
      const dir = generateCompany({ users: int(120, 260), departments: int(8, 30), seed });
      let userIds: number[] = [];
      let departmentIds: number[] = [];
      let names: string[] = [];
      let departmentNames: string[] = [];
      const hooks = new Map<number, string>();

      before(async () => {
        memory = await startRoster({ engine, seed: dir as never, config: { reads: 'memory', cacheUsers } });
        sql = await createRoster(testConfig({ db: memory.roster.app.config.db, host: '127.0.0.1', timezone: 'Europe/Berlin', limits: 'off', reads: 'sql' }));
        sqlUrl = await sql.listen();
      });
      after(async () => {
        await sql?.close();
        await memory?.close();
      });

      /** What both servers hold now, to pick parameters from. */
      async function survey() {
        const db = memory.roster.store.db;
        const users = await db.selectFrom('users').select(['id', 'name', 'last_name', 'work_position']).orderBy('id').execute();
        userIds = users.map((u) => u.id);
        names = users.flatMap((u) => [u.name, u.last_name, u.work_position]).filter(Boolean);
        const departments = await db.selectFrom('departments').select(['id', 'name']).execute();
        departmentIds = departments.map((d) => d.id);
        departmentNames = departments.map((d) => d.name);
      }

      /** A webhook of this user on both servers (the database is shared, so one secret serves both). */
      async function hookOf(userId: number): Promise<string> {
        if (!hooks.has(userId)) hooks.set(userId, new URL(await memory.hook(userId)).pathname);
        return hooks.get(userId)!;
      }

      async function both(caller: number, method: string, params: Record<string, unknown>) {
        const path = `${await hookOf(caller)}${method}`;
        const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) };
        const [a, b] = await Promise.all([fetch(`${memory.url}${path}`, init), fetch(`${sqlUrl}${path}`, init)]);
        const [ta, tb] = [await a.text(), await b.text()];
        const what = `${method} ${JSON.stringify(params)} as user ${caller}`;
        assert.equal(a.status, b.status, `${what}: status`);
        assert.equal(untimed(ta), untimed(tb), what);
        return a.status;
      }

      const ids = (n: number) => Array.from({ length: n }, () => (rnd() < 0.1 ? int(1, 99999) : pick(userIds)));
      const prefix = (text: string) => {
        const words = text.split(/[\s(/.,'"-]+/).filter(Boolean);
        const word = words.length ? pick(words) : text;
        return [...word].slice(0, int(2, 5)).join('');
      };
      const caseShuffle = (text: string) => [...text].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');

      /** Every read the model serves, with parameters drawn from what the directory holds. */
      async function reads(rounds: number) {
        await survey();
        const db = memory.roster.store.db;
        const special = await db.selectFrom('users').select(['id', 'user_type', 'external_auth_id']).where((eb) => eb.or([eb('user_type', '!=', 'employee'), eb('external_auth_id', 'is not', null)])).execute();
        const callers = [1, ...special.map((u) => u.id).slice(0, 4), pick(userIds), pick(userIds)];
        let answered = 0;
        for (let i = 0; i < rounds; i++) {
          const caller = pick(callers);
          const limit = pick([undefined, 0, 1, 5, 10, 50]);
          const offset = pick([undefined, 0, 3, 10, 200]);
          const find = pick([
            () => caseShuffle(prefix(pick(names))),
            () => `${prefix(pick(names))} ${prefix(pick(names))}`,
            () => prefix(pick(departmentNames)),
            () => String(pick(userIds)),
            () => pick(['ma', 'Mar', 'ан', 'ü', '-x', 'a.', '%_', 'zz']),
          ])();
          const calls: [string, Record<string, unknown>][] = [
            ['im.user.list.get', { ID: ids(int(1, 60)), ...(rnd() < 0.3 ? { AVATAR_HR: 'Y' } : {}), ...(rnd() < 0.3 ? { RESULT_TYPE: 'array' } : {}) }],
            ['im.user.get', rnd() < 0.2 ? {} : { ID: pick(ids(1)) }],
            ['im.department.colleagues.list', { USER_DATA: pick(['Y', 'N']), LIMIT: limit, OFFSET: offset }],
            ['im.department.get', { ID: [pick(departmentIds), pick(departmentIds), 99999], USER_DATA: pick(['Y', 'N']) }],
            ['im.department.employees.get', { ID: [pick(departmentIds), pick(departmentIds)], USER_DATA: pick(['Y', 'N']) }],
            ['im.department.managers.get', { ID: [pick(departmentIds), pick(departmentIds)], USER_DATA: pick(['Y', 'N']) }],
            ['im.search.user.list', { FIND: find, LIMIT: limit, OFFSET: offset, ...(rnd() < 0.2 ? { AVATAR_HR: 'Y' } : {}) }],
            ['im.search.user.list', { FIND: caseShuffle([...pick(WRITTEN)].slice(0, int(2, 4)).join('')), LIMIT: 50 }],
            ['im.search.department.list', { FIND: rnd() < 0.2 ? '' : prefix(pick(departmentNames)), USER_DATA: pick(['Y', 'N']), LIMIT: limit, OFFSET: offset }],
            ['batch', { halt: 0, cmd: Object.fromEntries(ids(int(1, 8)).map((id, k) => [`u${k}`, `im.user.get?ID=${id}`])) }],
            ['user.get', { FILTER: { ACTIVE: pick([true, false]) }, start: pick([0, 50]) }],
            ['user.current', {}],
            ['department.get', { sort: 'NAME' }],
            ['sonet_group.get', {}],
            ['sonet_group.user.get', { ID: int(1, 7) }],
          ];
          for (const [method, params] of calls) if ((await both(caller, method, params)) === 200) answered++;
        }
        // not a vacuous agreement: most calls answer data
        assert.ok(answered > rounds * 6, `only ${answered} answers were 200`);
        // the LRU holds no more users' serialized objects than --cache-users allows
        assert.ok(memory.roster.app.read!.serializedUsers() <= cacheUsers, `${memory.roster.app.read!.serializedUsers()} users serialized`);
      }

      /** Random writes through REST on the memory server: every kind of change the model follows. */
      async function writes(count: number) {
        await survey();
        const admin = memory.admin;
        const call = (method: string, params: Record<string, unknown>, hook = admin) => memory.call(method, params, { hook });
        const word = () => pick(WRITTEN);
        for (let i = 0; i < count; i++) {
          const user = pick(userIds);
          const department = pick(departmentIds);
          const writes: (() => Promise<unknown>)[] = [
            () => call('user.update', { ID: user, NAME: word(), WORK_POSITION: `${word()} ${word()}` }),
            () => call('user.update', { ID: user, ACTIVE: pick(['Y', 'N']) }),
            () => call('user.update', { ID: user, UF_DEPARTMENT: [department, pick(departmentIds)] }),
            () => call('user.add', { EMAIL: `agree${seed}.${i}.${int(0, 1e6)}@example.com`, NAME: word(), LAST_NAME: word(), UF_DEPARTMENT: [department] }),
            () => call('user.add', { EMAIL: `ext${seed}.${i}.${int(0, 1e6)}@example.com`, NAME: word(), EXTRANET: 'Y', SONET_GROUP_ID: [int(1, 5)] }),
            () => call('department.add', { NAME: `${word()} ${i}`, PARENT: department, UF_HEAD: rnd() < 0.5 ? user : undefined }),
            () => call('department.update', { ID: department, NAME: `${word()} dept`, UF_HEAD: pick([user, 0]) }),
            () => call('department.delete', { ID: department }),
            () => call('sonet_group.create', { NAME: `${word()} group` }),
            () => call('sonet_group.user.add', { GROUP_ID: int(1, 6), USER_ID: [user, pick(userIds)] }),
            () => call('sonet_group.user.delete', { GROUP_ID: int(1, 6), USER_ID: [user] }),
            () => call('sonet_group.update', { GROUP_ID: int(1, 6), ACTIVE: pick(['Y', 'N']) }),
            async () => call('im.user.status.set', { STATUS: pick(['online', 'dnd', 'away']) }, await memory.as(user)),
            () => call('imbot.register', { CODE: `bot${seed}x${i}`, TYPE: 'B', EVENT_HANDLER: 'https://bots.example.com/h', PROPERTIES: { NAME: word() } }),
          ];
          await pick(writes)();
        }
        const bots = await memory.roster.store.db.selectFrom('bots').select('user_id').execute();
        if (bots.length) await call('imbot.unregister', { BOT_ID: pick(bots).user_id });
      }

      it('on the generated directory', async () => {
        await reads(12);
      });

      it('after random writes of every kind', async () => {
        for (let round = 0; round < 3; round++) {
          await writes(15);
          await reads(6);
        }
      });
    });
  }
}

for (const engine of engines) {
  describe(`the search index follows writes [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r?.close());

    const found = async (FIND: string) => Object.keys((await r.call('im.search.user.list', { FIND })).body.result);

    it('finds a renamed user by the new name and no longer by the old one, department renames too', async () => {
      assert.deepEqual(await found('Zyxwv'), []);
      const before = await found('olivia');
      assert.ok(before.includes('2'), JSON.stringify(before));
      assert.equal((await r.call('user.update', { ID: 2, NAME: 'Zyxwvu' })).status, 200);
      assert.deepEqual(await found('zyxw'), ['2']);
      assert.ok(!(await found('olivia')).includes('2'));
      assert.equal((await r.call('user.update', { ID: 2, WORK_POSITION: 'Ärztin' })).status, 200);
      assert.deepEqual(await found('ÄRZT'), ['2']);
      assert.equal((await r.call('department.update', { ID: 2, NAME: 'Qwertz Office' })).status, 200);
      assert.ok((await found('qwer')).includes('2'));
      assert.deepEqual(await found('zyxw'), ['2']);
    });
  });
}
