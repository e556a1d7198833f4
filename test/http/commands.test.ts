/**
 * The one write path (issue #10): every command appends its change records; a fault between
 * any two statements of a command leaves no trace; every rule is refused the same way over
 * REST and on import.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { directorySnapshot, engines, startRoster, type TestRoster } from '../helpers/roster.js';
import { addDepartment, updateDepartment } from '../../src/directory/commands/departments.js';
import { addGroupMembers } from '../../src/directory/commands/groups.js';
import { runCommand, type Tx } from '../../src/directory/commands/run.js';
import { addUser, updateUser } from '../../src/directory/commands/users.js';
import { exportDirectory, importDirectory } from '../../src/state/directory.js';
import { validateDirectory } from '../../src/state/validate.js';
import type { Store } from '../../src/store/index.js';

/** A copy of the store whose `n`-th statement (counting from 1) fails. */
function faulty(store: Store, n: number): { store: Store; fired: () => boolean } {
  let count = 0;
  let fired = false;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (!fired && ++count === n) {
        fired = true;
        throw new Error(`injected fault at statement ${n}`);
      }
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { store: { ...store, db: store.db.withPlugin(plugin) }, fired: () => fired };
}

async function changeRows(r: TestRoster) {
  return r.roster.store.db.selectFrom('changes').selectAll().orderBy('seq').execute();
}

for (const engine of engines) {
  describe(`directory commands [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r?.close());

    it('every command appends its change records, in the transaction of the change', async () => {
      const from = (await changeRows(r)).at(-1)?.seq ?? 0;
      const ok = async (method: string, params: Record<string, unknown>) => {
        const res = await r.call(method, params);
        assert.equal(res.status, 200, `${method}: ${res.text}`);
        return res.body.result;
      };
      const user = await ok('user.add', { EMAIL: 'feed@example.com', NAME: 'Fe', UF_DEPARTMENT: [2] });
      await ok('user.update', { ID: user, WORK_POSITION: 'Tester' });
      await ok('user.update', { ID: user, UF_DEPARTMENT: [2, 3] });
      await ok('user.update', { ID: user, ACTIVE: 'N' });
      const department = await ok('department.add', { NAME: 'Feed', PARENT: 1 });
      await ok('department.update', { ID: department, NAME: 'Feed 2' });
      await ok('department.delete', { ID: department });
      const group = await ok('sonet_group.create', { NAME: 'Feed group' });
      await ok('sonet_group.user.add', { GROUP_ID: group, USER_ID: [2, 3] });
      await ok('sonet_group.user.delete', { GROUP_ID: group, USER_ID: [3] });
      await ok('sonet_group.update', { GROUP_ID: group, NAME: 'Renamed' });
      await ok('sonet_group.delete', { GROUP_ID: group });
      const bot = await ok('imbot.register', { CODE: 'feedbot', TYPE: 'B', PROPERTIES: { NAME: 'Feed bot' } });
      await ok('imbot.unregister', { BOT_ID: bot });
      const im = await r.as(2);
      for (const [method, params] of [['im.user.status.set', { STATUS: 'dnd' }], ['im.user.status.idle.start', {}], ['im.user.status.idle.end', {}]] as const) {
        assert.equal((await r.call(method, params, { hook: im })).status, 200);
      }
      const rows = (await changeRows(r)).filter((c) => c.seq > from);
      const kinds = rows.map((c) => `${c.kind} ${c.entity_id}`);
      assert.deepEqual(kinds, [
        `user.added ${user}`, `user.updated ${user}`, `user.departments ${user}`, `user.dismissed ${user}`,
        `department.added ${department}`, `department.updated ${department}`, `department.deleted ${department}`,
        `group.added ${group}`, `group.members ${group}`, `group.members ${group}`, `group.updated ${group}`, `group.deleted ${group}`,
        `bot.registered ${bot}`, `bot.unregistered ${bot}`,
        'user.presence 2', 'user.presence 2', 'user.presence 2',
      ]);
      assert.deepEqual(JSON.parse(rows[1]!.fields), { work_position: 'Tester' });
      assert.deepEqual(JSON.parse(rows[2]!.fields), { departments: [2, 3] });
      assert.equal(rows[0]!.actor_user, 1);
      assert.match(rows[0]!.actor_credential!, /^webhook:\d+$/);
      assert.ok(rows.every((c, i) => i === 0 || c.seq > rows[i - 1]!.seq));

      const before = (await changeRows(r)).length;
      const refused = await r.call('user.add', { EMAIL: 'feed@example.com', UF_DEPARTMENT: [2] });
      assert.equal(refused.status, 400);
      assert.equal((await changeRows(r)).length, before, 'a refused command records nothing');

      const replaced = await importDirectory(r.roster.store, await exportDirectory(r.roster.store), { mode: 'replace' });
      assert.ok(replaced.ok);
      assert.equal((await changeRows(r)).at(-1)!.kind, 'directory.replaced');
    });

    it('a fault between any two statements of a command leaves no trace', async () => {
      const commands: [string, (tx: Tx) => Promise<unknown>][] = [
        ['user add', (tx) => addUser(tx, { columns: { email: `fault${Math.random()}@example.com`, name: 'F' }, type: 'employee', departments: [2, 3], groups: [1] })],
        ['user update', (tx) => updateUser(tx, 20, { columns: { work_position: 'Faulty' }, departments: [4, 5], groups: [1] })],
        ['department add with head', (tx) => addDepartment(tx, { name: 'Faulty', parent: 1, head: 9 })],
        ['department update', (tx) => updateDepartment(tx, 12, { name: 'Faulty', parent: 2, head: 10 })],
        ['group members', (tx) => addGroupMembers(tx, 1, [11, 12])],
      ];
      for (const [name, work] of commands) {
        let succeeded = false;
        for (let n = 1; n < 60 && !succeeded; n++) {
          const snapshot = await directorySnapshot(r.roster.store.db);
          const changes = (await changeRows(r)).length;
          const f = faulty(r.roster.store, n);
          let committed = 0;
          try {
            await runCommand({ store: f.store, actor: { user: null, credential: 'system' }, onCommitted: () => void committed++ }, work);
            succeeded = true;
          } catch (error) {
            assert.ok(f.fired(), `${name} (fault at ${n}): ${(error as Error).message}`);
            assert.equal(await directorySnapshot(r.roster.store.db), snapshot, `${name}: fault at statement ${n} left rows behind`);
            assert.equal((await changeRows(r)).length, changes, `${name}: fault at statement ${n} left a change record`);
            assert.equal(committed, 0, `${name}: onCommitted called after a fault`);
          }
          if (succeeded) {
            assert.equal(f.fired(), false);
            assert.equal(committed, 1);
            assert.ok(n > 3, `${name}: at least a few statements were faulted (${n})`);
            assert.ok((await changeRows(r)).length > changes, `${name}: the command records its change`);
          }
        }
        assert.ok(succeeded, name);
      }
    });
  });

  describe(`one set of rules: REST and import refuse alike [${engine}]`, () => {
    let r: TestRoster;
    let doc: any;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      doc = JSON.parse(JSON.stringify(await exportDirectory(r.roster.store)));
    });
    after(() => r?.close());

    const newUser = (extra: Record<string, unknown>) => ({ id: 5000, email: 'new.user@example.com', departments: [2], ...extra });
    const cases: { rule: string; rest: [string, Record<string, unknown>]; edit: (d: any) => void; sameMessage?: boolean }[] = [
      { rule: 'duplicate_email', rest: ['user.add', { EMAIL: 'OLIVIA.Bennett@example.com', UF_DEPARTMENT: [2] }], edit: (d) => d.users.push(newUser({ email: 'OLIVIA.Bennett@example.com' })) },
      { rule: 'duplicate_login', rest: ['user.add', { EMAIL: 'new.user@example.com', LOGIN: 'olivia.bennett', UF_DEPARTMENT: [2] }], edit: (d) => d.users.push(newUser({ login: 'olivia.bennett' })) },
      { rule: 'unknown_department', rest: ['user.add', { EMAIL: 'new.user@example.com', UF_DEPARTMENT: [999] }], edit: (d) => d.users.push(newUser({ departments: [999] })) },
      { rule: 'head_not_member', rest: ['user.update', { ID: 2, UF_DEPARTMENT: [3] }], edit: (d) => (d.users.find((u: any) => u.id === 2).departments = [3]) },
      { rule: 'head_inactive', rest: ['user.update', { ID: 3, ACTIVE: 'N' }], edit: (d) => (d.users.find((u: any) => u.id === 3).active = false) },
      { rule: 'extranet_department', rest: ['user.update', { ID: 59, UF_DEPARTMENT: [2] }], edit: (d) => (d.users.find((u: any) => u.id === 59).departments = [2]) },
      { rule: 'extranet_head', rest: ['department.update', { ID: 12, UF_HEAD: 59 }], edit: (d) => (d.departments.find((x: any) => x.id === 12).head = 59) },
      { rule: 'unknown_head', rest: ['department.update', { ID: 12, UF_HEAD: 99999 }], edit: (d) => (d.departments.find((x: any) => x.id === 12).head = 99999) },
      { rule: 'cycle', rest: ['department.update', { ID: 6, PARENT: 7 }], edit: (d) => (d.departments.find((x: any) => x.id === 6).parent = 7) },
      { rule: 'duplicate_bot_code', rest: ['imbot.register', { CODE: 'helpdesk', PROPERTIES: { NAME: 'Again' } }], edit: (d) => d.users.push(newUser({ departments: [], bot: { code: 'helpdesk' } })) },
      // import has no "move": a second root or a root with a parent is its own message
      { rule: 'root', rest: ['department.update', { ID: 1, PARENT: 2 }], edit: (d) => (d.departments.find((x: any) => x.id === 1).parent = 2), sameMessage: false },
      { rule: 'bad_date', rest: ['user.update', { ID: 4, PERSONAL_BIRTHDAY: '1990-02-30' }], edit: (d) => (d.users.find((u: any) => u.id === 4).birthday = '1990-02-30'), sameMessage: false },
    ];
    for (const c of cases) {
      it(c.rule, async () => {
        const before = await directorySnapshot(r.roster.store.db);
        const res = await r.call(c.rest[0], c.rest[1]);
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error, 'ERROR_ARGUMENT');
        assert.ok(res.body.error_description.endsWith(` [${c.rule}]`), res.text);
        assert.equal(await directorySnapshot(r.roster.store.db), before, 'nothing written');

        const edited = JSON.parse(JSON.stringify(doc));
        c.edit(edited);
        const problems = validateDirectory(edited, { mode: 'replace' }).problems;
        const same = problems.filter((p) => p.code === c.rule);
        assert.ok(same.length > 0, JSON.stringify(problems));
        if (c.sameMessage !== false) {
          assert.ok(same.some((p) => res.body.error_description.endsWith(`${p.message} [${p.code}]`)), `${res.body.error_description} vs ${JSON.stringify(same)}`);
        }
      });
    }
  });
}
