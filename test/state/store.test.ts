/** Import, export and reset against real databases: round trip, atomicity, merge, id sequences. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportDirectory, importDirectory, resetDirectory, writeDirectory } from '../../src/state/directory.js';
import type { FullDirectory } from '../../src/store/directory-format.js';
import { generateCompany } from '../../src/state/generate.js';
import { directoryToJson } from '../../src/state/serialize.js';
import { insertDepartment } from '../../src/store/departments.js';
import { insertUser } from '../../src/store/users.js';
import { createWebhook, listWebhooks } from '../../src/store/webhooks.js';
import { engines } from '../helpers/roster.js';
import { tempStore, type TempStore } from './helpers.js';

const company = generateCompany({ users: 600, departments: 40, seed: 11 });
const copy = (d: FullDirectory): FullDirectory => JSON.parse(JSON.stringify(d));

for (const engine of engines) {
  describe(`directory state in the store [${engine}]`, () => {
    let a: TempStore;
    let b: TempStore;
    before(async () => {
      [a, b] = await Promise.all([tempStore(engine), tempStore(engine)]);
    });
    after(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    it('round-trips exactly: import, export, import --replace into an empty database, export', async () => {
      const first = await importDirectory(a.store, copy(company), { mode: 'replace' });
      assert.ok(first.ok);
      assert.deepEqual(first.counts.users, 600);
      const exported = await exportDirectory(a.store);
      assert.deepEqual(exported, company, 'the generated document is already canonical');
      const second = await importDirectory(b.store, JSON.parse(directoryToJson(exported)), { mode: 'replace' });
      assert.ok(second.ok);
      assert.equal(directoryToJson(await exportDirectory(b.store)), directoryToJson(exported));
    });

    it('round-trips instants given with offsets and fractions as canonical UTC', async () => {
      const doc = copy(company);
      doc.users[5]!.last_activity_at = '2026-11-12T10:14:00.750+01:00';
      await importDirectory(b.store, doc, { mode: 'replace' });
      const out = await exportDirectory(b.store);
      assert.equal(out.users[5]!.last_activity_at, '2026-11-12T09:14:00Z');
    });

    it('imports nothing when one row is wrong', async () => {
      await importDirectory(a.store, copy(company), { mode: 'replace' });
      const before = directoryToJson(await exportDirectory(a.store));
      const doc = copy(company);
      doc.users.findLast((u) => u.type === 'employee' && u.departments.length > 0)!.departments = [999999];
      const outcome = await importDirectory(a.store, doc, { mode: 'replace' });
      assert.equal(outcome.ok, false);
      assert.deepEqual(!outcome.ok && outcome.problems.map((p) => p.code), ['unknown_department']);
      assert.equal(directoryToJson(await exportDirectory(a.store)), before);
      const merge = await importDirectory(a.store, { users: [{ id: 3, email: company.users[4]!.email }] }, { mode: 'merge' });
      assert.equal(merge.ok, false);
      assert.equal(directoryToJson(await exportDirectory(a.store)), before);
    });

    it('rolls the whole write back when the database refuses a row', async () => {
      await importDirectory(a.store, copy(company), { mode: 'replace' });
      const before = directoryToJson(await exportDirectory(a.store));
      const broken = copy(company);
      broken.users.push({ ...broken.users[10]! }); // the same id twice: only the database notices
      await assert.rejects(writeDirectory(a.store, broken));
      assert.equal(directoryToJson(await exportDirectory(a.store)), before);
    });

    it('merges by id: given fields change, the rest stays, new entries are added', async () => {
      await importDirectory(a.store, copy(company), { mode: 'replace' });
      const target = company.users.find((u) => u.departments.length && !u.bot && u.id > 300)!;
      const outcome = await importDirectory(
        a.store,
        {
          departments: [{ id: 500, name: 'Research Lab', parent: 1, head: 601 }],
          users: [
            { id: target.id, work_position: 'Chief Scientist', phones: { personal: '+49 30 1234' } },
            { id: 601, email: 'new.hire@example.test', name: 'New', last_name: 'Hire', departments: [500] },
          ],
          groups: [{ id: 1, name: 'Renamed group' }],
        },
        { mode: 'merge' },
      );
      assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.problems));
      assert.deepEqual(outcome.given, { departments: 1, users: 2, groups: 1 });
      const out = await exportDirectory(a.store);
      assert.equal(out.users.length, 601);
      assert.equal(out.departments.length, 41);
      const changed = out.users.find((u) => u.id === target.id)!;
      assert.equal(changed.work_position, 'Chief Scientist');
      assert.deepEqual(changed.phones, { ...target.phones, personal: '+49 30 1234' });
      assert.deepEqual({ ...changed, work_position: target.work_position, phones: target.phones, updated_at: target.updated_at }, target);
      assert.equal(out.groups[0]!.name, 'Renamed group');
      assert.deepEqual(out.groups[0]!.members, company.groups[0]!.members);
      assert.deepEqual(out.users.find((u) => u.id === 601)!.departments, [500]);
      const untouched = out.users.filter((u) => u.id !== target.id && u.id !== 601);
      assert.deepEqual(untouched, company.users.filter((u) => u.id !== target.id));
    });

    it('moves id sequences past imported ids', async () => {
      await importDirectory(a.store, copy(company), { mode: 'replace' });
      const now = 1_800_000_000;
      const userId = await insertUser(a.store.db, { login: 'seq', email: 'seq@x.test', email_key: 'seq@x.test', password_hash: null, external_auth_id: null, birthday: null, color: null, idle_at: null, last_activity_at: null, mobile_last_at: null, desktop_last_at: null, date_register: now, timestamp_x: now });
      assert.equal(userId, 601);
      assert.equal(await insertDepartment(a.store.db, { name: 'Seq', parent_id: 1, sort: 500, head_id: null }), 41);
    });

    it('resets to a seed or to a fresh database, keeping webhooks unless told otherwise', async () => {
      await createWebhook(a.store.db, { userId: 1, scopes: ['im'], title: 'kept' });
      await resetDirectory(a.store, copy(company));
      assert.deepEqual(await exportDirectory(a.store), company);
      await resetDirectory(a.store, null);
      const fresh = await exportDirectory(a.store);
      assert.deepEqual(fresh.departments, [{ id: 1, name: 'Company', parent: null, sort: 500, head: 1 }]);
      assert.deepEqual(fresh.users.map((u) => [u.id, u.login, u.admin]), [[1, 'admin', true]]);
      assert.ok((await listWebhooks(a.store.db)).some((w) => w.title === 'kept'));
      await resetDirectory(a.store, null, { dropWebhooks: true });
      assert.deepEqual(await listWebhooks(a.store.db), []);
    });
  });
}
