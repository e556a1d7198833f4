/**
 * The property of issue #10: whatever sequence of REST writes (users, departments, heads, moves,
 * dismissals, extranet users and collabers, groups, bots, statuses) a client sends, the
 * directory stays one that `export` → `import --replace` into an empty directory → `export`
 * reproduces byte for byte, and that import reports no problem. No write answers 5xx.
 *
 * A few runs per engine in CI; ROSTER_PROPERTY_RUNS=200 for a longer search.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { engines, PG_URL, startRoster, type Engine, type TestRoster } from '../helpers/roster.js';
import { exportDirectory, importDirectory, loadSeed, resetDirectory, DEMO_SEED } from '../../src/state/directory.js';
import { directoryToJson } from '../../src/state/serialize.js';
import { validateDirectory } from '../../src/state/validate.js';
import { openStore } from '../../src/store/index.js';

const RUNS = Number(process.env.ROSTER_PROPERTY_RUNS) || 3;

type Op = [string, Record<string, unknown>, 'admin' | number];

const user = fc.integer({ min: 1, max: 75 });
const department = fc.integer({ min: 1, max: 16 });
const group = fc.integer({ min: 1, max: 4 });
const departments = fc.uniqueArray(department, { minLength: 0, maxLength: 3 });
const word = fc.constantFrom('Ann', 'Bob', 'Research', 'Sales', 'Ops', 'X');
const email = fc.constantFrom('a@example.com', 'B@example.com', 'b@example.com', 'olivia.bennett@example.com', 'c@example.org');

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(email, departments, fc.boolean(), fc.option(fc.constantFrom('anne', 'olivia.bennett', 'bob'))).map(([e, d, extranet, login]): Op => [
    'user.add',
    { EMAIL: `${Math.random().toString(36).slice(2, 6)}.${e}`, ...(login ? { LOGIN: login } : {}), ...(extranet ? { EXTRANET: 'Y', SONET_GROUP_ID: [1] } : { UF_DEPARTMENT: d }) },
    'admin',
  ]),
  fc.tuple(email, fc.constantFrom('a@example.com', 'A@EXAMPLE.COM')).map(([e, same]): Op => ['user.add', { EMAIL: Math.random() < 0.5 ? e : same, UF_DEPARTMENT: [2] }, 'admin']),
  fc.tuple(user, departments).map(([id, d]): Op => ['user.update', { ID: id, UF_DEPARTMENT: d }, 'admin']),
  fc.tuple(user, fc.boolean()).map(([id, active]): Op => ['user.update', { ID: id, ACTIVE: active ? 'Y' : 'N' }, 'admin']),
  fc.tuple(user, email, word).map(([id, e, w]): Op => ['user.update', { ID: id, EMAIL: e, WORK_POSITION: w, PERSONAL_BIRTHDAY: '1990-02-28' }, 'admin']),
  fc.tuple(word, department, fc.option(user)).map(([name, parent, head]): Op => ['department.add', { NAME: name, PARENT: parent, ...(head ? { UF_HEAD: head } : {}) }, 'admin']),
  fc.tuple(department, fc.option(department), fc.option(fc.oneof(user, fc.constant(0)))).map(([id, parent, head]): Op => [
    'department.update',
    { ID: id, ...(parent !== null ? { PARENT: parent } : {}), ...(head !== null ? { UF_HEAD: head } : {}) },
    'admin',
  ]),
  department.map((id): Op => ['department.delete', { ID: id }, 'admin']),
  word.map((name): Op => ['sonet_group.create', { NAME: name }, 'admin']),
  fc.tuple(group, fc.uniqueArray(user, { minLength: 1, maxLength: 3 })).map(([g, u]): Op => ['sonet_group.user.add', { GROUP_ID: g, USER_ID: u }, 'admin']),
  fc.tuple(group, fc.uniqueArray(user, { minLength: 1, maxLength: 3 })).map(([g, u]): Op => ['sonet_group.user.delete', { GROUP_ID: g, USER_ID: u }, 'admin']),
  fc.tuple(group, word, fc.boolean()).map(([g, name, active]): Op => ['sonet_group.update', { GROUP_ID: g, NAME: name, ACTIVE: active ? 'Y' : 'N' }, 'admin']),
  group.map((g): Op => ['sonet_group.delete', { GROUP_ID: g }, 'admin']),
  fc.constantFrom('helper', 'helpdesk', 'echo').map((code): Op => ['imbot.register', { CODE: code, PROPERTIES: { NAME: code } }, 'admin']),
  user.map((id): Op => ['imbot.unregister', { BOT_ID: id }, 'admin']),
  fc.tuple(fc.constantFrom('online', 'dnd', 'away', 'break'), fc.integer({ min: 2, max: 12 })).map(([s, id]): Op => ['im.user.status.set', { STATUS: s }, id]),
  fc.integer({ min: 2, max: 12 }).map((id): Op => ['im.user.status.idle.start', { AGO: 5 }, id]),
);

/** An empty directory to import into: a fresh SQLite file or PostgreSQL schema. */
async function emptyStore(engine: Engine) {
  if (engine === 'postgres') {
    const schema = `p_${Math.random().toString(36).slice(2, 12)}`;
    const store = await openStore(`${PG_URL}?schema=${schema}`);
    return {
      store,
      drop: async () => {
        await store.close();
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'roster-prop-'));
  const store = await openStore(join(dir, 'roster.db'));
  return { store, drop: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
}

for (const engine of engines) {
  describe(`random REST writes keep the directory exportable [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r?.close());

    it(`${RUNS} random sequences: export → import --replace into an empty directory → export is identical, no problem, no 5xx`, async () => {
      const seed = await loadSeed(DEMO_SEED);
      // a collaber, so that the rules about them get exercised
      const collaber = await importDirectory(r.roster.store, { users: [{ id: 75, email: 'collab@partner.example', type: 'collaber' }], groups: [{ id: 1, members: [75] }] }, { mode: 'merge' });
      assert.ok(collaber.ok);
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
          for (const [method, params, who] of ops) {
            const hook = who === 'admin' ? undefined : await r.as(who);
            const res = await r.call(method, params, { hook });
            assert.ok(res.status < 500, `${method} ${JSON.stringify(params)}: ${res.text}`);
          }
          const exported = directoryToJson(await exportDirectory(r.roster.store));
          const problems = validateDirectory(JSON.parse(exported), { mode: 'replace' }).problems;
          assert.deepEqual(problems, [], `the export validates: ${JSON.stringify(problems)}`);
          const target = await emptyStore(engine);
          try {
            const outcome = await importDirectory(target.store, JSON.parse(exported), { mode: 'replace' });
            assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
            assert.equal(directoryToJson(await exportDirectory(target.store)), exported);
          } finally {
            await target.drop();
          }
          await resetDirectory(r.roster.store, seed);
          await importDirectory(r.roster.store, { users: [{ id: 75, email: 'collab@partner.example', type: 'collaber' }], groups: [{ id: 1, members: [75] }] }, { mode: 'merge' });
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    });
  });
}
