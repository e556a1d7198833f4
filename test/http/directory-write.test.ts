/** Filling the directory over REST: user.*, department.*, sonet_group.* writes (issue #2 point 5). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { directorySnapshot, engines, startRoster, type TestRoster } from '../helpers/roster.js';

for (const engine of engines) {
  describe(`directory writes [${engine}]`, () => {
    let r: TestRoster;
    let snapshot: () => Promise<string>;
    before(async () => {
      r = await startRoster({ engine });
      snapshot = () => directorySnapshot(r.roster.store.db);
    });
    after(() => r.close());

    /** A rejected write must change nothing: compares the whole directory before and after. */
    async function rejects(method: string, params: Record<string, unknown>, status: number, error: string, pattern?: RegExp, hook?: string) {
      const before = await snapshot();
      const res = await r.call(method, params, { hook });
      assert.equal(res.status, status, `${method} ${JSON.stringify(params).slice(0, 200)} -> ${res.text}`);
      assert.equal(res.body.error, error);
      if (pattern) assert.match(res.body.error_description, pattern);
      assert.equal(await snapshot(), before, `${method} changed the directory although it failed`);
      return res;
    }

    it('starts with user 1 (admin) in the root department 1 that it heads', async () => {
      const res = await r.call('im.user.list.get', { ID: [1] });
      const u = res.body.result['1'];
      assert.equal(u.name, 'Admin');
      assert.deepEqual(u.departments, [1]);
      const dept = await r.roster.store.db.selectFrom('departments').selectAll().execute();
      assert.deepEqual(dept, [{ id: 1, name: 'Company', parent_id: null, sort: 500, head_id: 1 }]);
      const profile = await r.call('profile');
      assert.equal(profile.body.result.ADMIN, true);
    });

    it('builds a structure with department.add and department.update', async () => {
      const sales = await r.call('department.add', { NAME: 'Sales', PARENT: 1, SORT: 200 });
      assert.equal(sales.status, 200);
      assert.equal(typeof sales.body.result, 'number');
      const eu = await r.call('department.add', { NAME: 'Sales EU', PARENT: sales.body.result }, { as: 'form' });
      assert.equal(typeof eu.body.result, 'number');
      const upd = await r.call('department.update', { ID: eu.body.result, NAME: 'Sales Europe', SORT: '100', UF_HEAD: 1 });
      assert.deepEqual(upd.body.result, true);
      const row = await r.roster.store.db.selectFrom('departments').selectAll().where('id', '=', eu.body.result).executeTakeFirstOrThrow();
      assert.deepEqual(row, { id: eu.body.result, name: 'Sales Europe', parent_id: sales.body.result, sort: 100, head_id: 1 });
      // a head becomes a member of the department
      const admin = await r.call('im.user.list.get', { ID: [1] });
      assert.deepEqual(admin.body.result['1'].departments, [1, eu.body.result]);
    });

    it('adds users with every documented field and returns the id as an integer', async () => {
      const res = await r.call('user.add', {
        EMAIL: 'Ann.Lee@Example.com',
        NAME: 'Ann',
        LAST_NAME: 'Lee',
        SECOND_NAME: 'May',
        WORK_POSITION: 'Engineer',
        PERSONAL_GENDER: 'F',
        PERSONAL_BIRTHDAY: '1990-05-11',
        PERSONAL_PHOTO: 'https://cdn.example.com/ann.png',
        PERSONAL_MOBILE: '+1 555 0100',
        PERSONAL_PHONE: '+1 555 0101',
        WORK_PHONE: '+1 555 0102',
        PERSONAL_WWW: 'https://ann.example.com',
        UF_DEPARTMENT: [1],
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(typeof res.body.result, 'number');
      const u = (await r.call('im.user.list.get', { ID: [res.body.result], AVATAR_HR: 'Y' })).body.result[String(res.body.result)];
      assert.equal(u.name, 'Ann Lee');
      assert.equal(u.gender, 'F');
      assert.equal(u.birthday, '11-05');
      assert.equal(u.avatar, 'https://cdn.example.com/ann.png');
      assert.deepEqual(u.phones, { work_phone: '+1 555 0102', personal_mobile: '+1 555 0100', personal_phone: '+1 555 0101' });
      assert.equal(u.website, 'https://ann.example.com');
      assert.equal(u.email, 'Ann.Lee@Example.com');
      assert.equal(u.active, true);
      assert.equal(u.status, 'online');
      assert.equal(u.type, 'user');
    });

    it('refuses a duplicate e-mail, in any letter case, with 400 ERROR_ARGUMENT', async () => {
      await rejects('user.add', { EMAIL: 'ann.lee@example.COM', UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT', /already exists/);
    });

    it('updates users; ACTIVE=N dismisses', async () => {
      const id = (await r.call('user.add', { EMAIL: 'bob@example.com', NAME: 'Bob', UF_DEPARTMENT: [1] })).body.result;
      const upd = await r.call('user.update', { ID: id, LAST_NAME: 'Stone', ACTIVE: 'N', PERSONAL_BIRTHDAY: '', WORK_POSITION: 'Ex-employee' }, { as: 'form' });
      assert.deepEqual(upd.body.result, true);
      const u = (await r.call('im.user.list.get', { ID: [id] })).body.result[String(id)];
      assert.equal(u.name, 'Bob Stone');
      assert.equal(u.active, false);
      assert.equal(u.work_position, 'Ex-employee');
      assert.equal((await r.call('user.update', { ID: id, ACTIVE: 'Y' })).status, 200);
    });

    it('creates groups and extranet users that only see their groups', async () => {
      const group = await r.call('sonet_group.create', { NAME: 'Partners' });
      assert.equal(typeof group.body.result, 'number');
      const ext = await r.call('user.add', { EMAIL: 'partner@ext.example', NAME: 'Pat', EXTRANET: 'Y', SONET_GROUP_ID: [group.body.result] });
      assert.equal(ext.status, 200, ext.text);
      const colleague = (await r.call('user.add', { EMAIL: 'carol@example.com', NAME: 'Carol', UF_DEPARTMENT: [1] })).body.result;
      const outsider = (await r.call('user.add', { EMAIL: 'dave@example.com', NAME: 'Dave', UF_DEPARTMENT: [1] })).body.result;
      const added = await r.call('sonet_group.user.add', { GROUP_ID: group.body.result, USER_ID: [colleague, ext.body.result] });
      assert.deepEqual(added.body.result, [String(colleague)]);
      const hook = await r.hook(ext.body.result, ['im']);
      const seen = await r.call('im.user.list.get', { ID: [ext.body.result, colleague, outsider, 1, 99999] }, { hook });
      assert.equal(seen.body.result[String(ext.body.result)].extranet, true);
      assert.equal(seen.body.result[String(colleague)].id, colleague);
      assert.equal(seen.body.result['1'].id, 1, 'the group owner is a member');
      assert.equal(seen.body.result[String(outsider)], null, 'an invisible user looks exactly like a missing one');
      assert.equal(seen.body.result['99999'], null);
      const self = await r.call('im.user.list.get', {}, { hook });
      assert.deepEqual(Object.keys(self.body.result), [String(ext.body.result)]);
    });

    it('allows writes to administrators only: 403 ACCESS_DENIED, nothing written', async () => {
      const user = (await r.call('user.add', { EMAIL: 'eve@example.com', NAME: 'Eve', UF_DEPARTMENT: [1] })).body.result;
      const hook = await r.hook(user);
      await rejects('user.add', { EMAIL: 'x@example.com', UF_DEPARTMENT: [1] }, 403, 'ACCESS_DENIED', /administrators/, hook);
      await rejects('user.update', { ID: user, NAME: 'Evil' }, 403, 'ACCESS_DENIED', undefined, hook);
      await rejects('department.add', { NAME: 'X', PARENT: 1 }, 403, 'ACCESS_DENIED', undefined, hook);
      await rejects('department.update', { ID: 1, NAME: 'X' }, 403, 'ACCESS_DENIED', undefined, hook);
      await rejects('sonet_group.user.add', { GROUP_ID: 1, USER_ID: user }, 403, 'ACCESS_DENIED', undefined, hook);
    });

    describe('bad input: a clear 400 and nothing written', () => {
      const huge = 'x'.repeat(100_000);
      const garbage = [[1, 2], { a: 1 }, huge, '\u0000\u0001'];

      it('user.add: EMAIL', async () => {
        for (const EMAIL of [undefined, '', 'not-an-email', 'a@b', ['a@b.cd'], { a: 1 }, huge, 'a b@c.de', 12345]) {
          await rejects('user.add', { EMAIL, UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT', /EMAIL/);
        }
      });

      it('user.add: text fields', async () => {
        for (const key of ['NAME', 'LAST_NAME', 'SECOND_NAME', 'WORK_POSITION', 'PERSONAL_MOBILE', 'PERSONAL_PHONE', 'WORK_PHONE', 'PERSONAL_WWW', 'LOGIN']) {
          for (const value of garbage) {
            await rejects('user.add', { EMAIL: 'new1@example.com', UF_DEPARTMENT: [1], [key]: value }, 400, 'ERROR_ARGUMENT', new RegExp(key));
          }
        }
        await rejects('user.add', { EMAIL: 'new1@example.com', UF_DEPARTMENT: [1], LOGIN: 'ab' }, 400, 'ERROR_ARGUMENT', /LOGIN/);
        await rejects('user.add', { EMAIL: 'new1@example.com', UF_DEPARTMENT: [1], LOGIN: 'admin' }, 400, 'ERROR_ARGUMENT', /taken/);
      });

      it('user.add: flags, gender, birthday, photo', async () => {
        const base = { EMAIL: 'new2@example.com', UF_DEPARTMENT: [1] };
        for (const ACTIVE of ['maybe', 2, [1], { y: 1 }]) await rejects('user.add', { ...base, ACTIVE }, 400, 'ERROR_ARGUMENT', /ACTIVE/);
        for (const PERSONAL_GENDER of ['X', 'male', 5, ['M']]) await rejects('user.add', { ...base, PERSONAL_GENDER }, 400, 'ERROR_ARGUMENT', /GENDER/);
        for (const PERSONAL_BIRTHDAY of ['2023-02-30', '11.05.1990', '1990-13-01', 'yesterday', '99999-01-01', -5, ['1990-01-01'], '1990-01-01 junk']) {
          await rejects('user.add', { ...base, PERSONAL_BIRTHDAY }, 400, 'ERROR_ARGUMENT', /BIRTHDAY/);
        }
        for (const PERSONAL_PHOTO of ['ann.png', 'javascript:alert(1)', 'ftp://x/y.png', `https://x/${huge}`, { url: 'x' }]) {
          await rejects('user.add', { ...base, PERSONAL_PHOTO }, 400, 'ERROR_ARGUMENT', /PHOTO/);
        }
      });

      it('user.add: UF_DEPARTMENT, EXTRANET and SONET_GROUP_ID', async () => {
        const base = { EMAIL: 'new3@example.com' };
        for (const UF_DEPARTMENT of [undefined, [], [0], [-1], ['abc'], [999], [[1]], huge, Array.from({ length: 500 }, (_, i) => i + 1), 1.5]) {
          await rejects('user.add', { ...base, UF_DEPARTMENT }, 400, 'ERROR_ARGUMENT', /UF_DEPARTMENT|Department/);
        }
        await rejects('user.add', { ...base, EXTRANET: 'Y' }, 400, 'ERROR_ARGUMENT', /SONET_GROUP_ID/);
        await rejects('user.add', { ...base, EXTRANET: 'Y', SONET_GROUP_ID: [999] }, 400, 'ERROR_ARGUMENT', /group/);
        await rejects('user.add', { ...base, EXTRANET: 'Y', SONET_GROUP_ID: [1], UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT', /extranet/i);
        await rejects('user.add', { ...base, EXTRANET: 'maybe', UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT', /EXTRANET/);
      });

      it('user.update: ID and fields', async () => {
        for (const ID of [undefined, 0, -1, 'abc', 999999, '99999999999999999999', [2], { a: 1 }]) {
          await rejects('user.update', { ID, NAME: 'X' }, 400, 'ERROR_ARGUMENT', /ID|User/);
        }
        await rejects('user.update', { ID: 1, EMAIL: 'ann.lee@example.com' }, 400, 'ERROR_ARGUMENT', /already exists/);
        await rejects('user.update', { ID: 1, UF_DEPARTMENT: [] }, 400, 'ERROR_ARGUMENT', /at least one/);
        await rejects('user.update', { ID: 1, NAME: huge }, 400, 'ERROR_ARGUMENT', /NAME/);
      });

      it('department.add and department.update', async () => {
        for (const NAME of [undefined, '', '   ', ['x'], { a: 1 }, huge]) await rejects('department.add', { NAME, PARENT: 1 }, 400, 'ERROR_ARGUMENT', /name|NAME/);
        for (const PARENT of [undefined, 0, -1, 999, 'abc', [1], 1.5]) await rejects('department.add', { NAME: 'D', PARENT }, 400, 'ERROR_ARGUMENT', /PARENT|Department/);
        for (const SORT of ['abc', 1.5, '99999999999', [1], { a: 1 }]) await rejects('department.add', { NAME: 'D', PARENT: 1, SORT }, 400, 'ERROR_ARGUMENT', /SORT/);
        for (const UF_HEAD of [999999, -1, 'abc', [1]]) await rejects('department.add', { NAME: 'D', PARENT: 1, UF_HEAD }, 400, 'ERROR_ARGUMENT', /UF_HEAD|User/);
        for (const ID of [undefined, 0, 999, 'x', [1]]) await rejects('department.update', { ID, NAME: 'D' }, 400, 'ERROR_ARGUMENT', /not found/);
        await rejects('department.update', { ID: 1, PARENT: 2 }, 400, 'ERROR_ARGUMENT', /top-level/);
        const a = (await r.call('department.add', { NAME: 'A', PARENT: 1 })).body.result;
        const b = (await r.call('department.add', { NAME: 'B', PARENT: a })).body.result;
        await rejects('department.update', { ID: a, PARENT: b }, 400, 'ERROR_ARGUMENT', /under itself/);
        await rejects('department.update', { ID: a, PARENT: a }, 400, 'ERROR_ARGUMENT', /under itself/);
      });

      it('sonet_group.create and sonet_group.user.add', async () => {
        for (const NAME of [undefined, '', ['x'], huge]) await rejects('sonet_group.create', { NAME }, 400, 'ERROR_ARGUMENT', /NAME/);
        for (const GROUP_ID of [undefined, 0, 999, 'abc', [1]]) await rejects('sonet_group.user.add', { GROUP_ID, USER_ID: 1 }, 400, 'ERROR_ARGUMENT', /group/i);
        for (const USER_ID of [undefined, [], [0], ['abc'], [999999], { a: 'x' }]) await rejects('sonet_group.user.add', { GROUP_ID: 1, USER_ID }, 400, 'ERROR_ARGUMENT', /user/i);
      });
    });

    it('answers the same over form posts as PHP restCommand sends them', async () => {
      const res = await r.call('user.add', { EMAIL: 'form@example.com', NAME: 'Form', UF_DEPARTMENT: ['1'], ACTIVE: 'Y' }, { as: 'form' });
      assert.equal(res.status, 200);
      assert.equal(typeof res.body.result, 'number');
    });
  });
}
