import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, IM_USER_KEYS, startRoster, type TestRoster } from '../helpers/roster.js';


/** Keys of the id → user map in wire order (JSON.parse would sort integer keys). */
const wireKeys = (text: string) => [...text.matchAll(/"(\d+)":(?:\{"id"|null)/g)].map((m) => m[1]);

for (const engine of engines) {
  describe(`im.user.list.get [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('answers the seed example {ID: [4,5]} keyed by id in request order', async () => {
      const res = await r.call('im.user.list.get', { ID: [5, 4] });
      assert.equal(res.status, 200);
      assert.deepEqual(wireKeys(res.text), ['5', '4']);
      const u = res.body.result['5'];
      assert.deepEqual(Object.keys(u), IM_USER_KEYS);
      assert.equal(u.id, 5);
      assert.equal(u.name, 'Mateo García');
      assert.equal(u.first_name, 'Mateo');
      assert.equal(u.external_auth_id, 'default');
      assert.equal(u.type, 'user');
      assert.deepEqual(u.departments, [5]);
      assert.deepEqual(u.phones, { work_phone: '+1 415 555 1005', personal_mobile: '', personal_phone: '' });
      assert.equal(typeof res.body.time.start, 'number');
    });

    it('maps unknown ids to null, like the seed\'s "4": null', async () => {
      const res = await r.call('im.user.list.get', { ID: [999999, 1] });
      assert.equal(res.body.result['999999'], null);
      assert.equal(res.body.result['1'].id, 1);
    });

    it('reads ID as a form bracket array, a JSON-ish string, and query ID[]', async () => {
      for (const [params, as] of [
        [{ ID: ['4', '5'] }, 'form'],
        [{ ID: '[4,5]' }, 'form'],
        [{ ID: '["4","5"]' }, 'query'],
        [{ ID: { 0: 4, 1: 5 } }, 'query'],
      ] as const) {
        const res = await r.call('im.user.list.get', params, { as });
        assert.equal(res.status, 200, JSON.stringify(params));
        assert.deepEqual(Object.keys(res.body.result), ['4', '5']);
      }
    });

    it('without ID returns the current user', async () => {
      const res = await r.call('im.user.list.get', {});
      assert.deepEqual(Object.keys(res.body.result), ['1']);
    });

    it('drops non-positive and duplicate ids, keeping the first occurrence', async () => {
      const res = await r.call('im.user.list.get', { ID: [3, 0, -2, '3', 2, 'abc', 3] });
      assert.deepEqual(wireKeys(res.text), ['3', '2']);
    });

    it('RESULT_TYPE=array gives a list in request order with nulls', async () => {
      const res = await r.call('im.user.list.get', { ID: [2, 999, 1], RESULT_TYPE: 'Array' });
      assert.ok(Array.isArray(res.body.result));
      assert.deepEqual(res.body.result.map((u: any) => u?.id ?? null), [2, null, 1]);
    });

    it('adds avatar_hr only with AVATAR_HR=Y', async () => {
      const without = await r.call('im.user.list.get', { ID: [2] });
      assert.equal('avatar_hr' in without.body.result['2'], false);
      const withHr = await r.call('im.user.list.get', { ID: [2], AVATAR_HR: 'Y' });
      assert.equal(withHr.body.result['2'].avatar_hr, 'https://cdn.example.com/avatars/olivia.bennett.png');
      assert.equal(withHr.body.result['2'].avatar, 'https://cdn.example.com/avatars/olivia.bennett.png');
    });

    it('rejects ID values that hold no id with INVALID_FORMAT', async () => {
      for (const ID of ['5', 'abc', [], [0], [-1], '[]', 5, true, { a: 'x' }, '[1,2', [[1], { a: 1 }]]) {
        const res = await r.call('im.user.list.get', { ID });
        assert.equal(res.status, 400, JSON.stringify(ID));
        assert.deepEqual(res.body, { error: 'INVALID_FORMAT', error_description: 'A wrong format for the ID field is passed' });
      }
    });

    it('refuses more than 1000 ids with a description that says so', async () => {
      const ID = Array.from({ length: 1001 }, (_, i) => i + 1);
      const res = await r.call('im.user.list.get', { ID });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'INVALID_FORMAT');
      assert.match(res.body.error_description, /1001 given, at most 1000/);
      const ok = await r.call('im.user.list.get', { ID: ID.slice(0, 1000) });
      assert.equal(ok.status, 200);
      assert.equal(Object.keys(ok.body.result).length, 1000);
    });

    it('treats huge ids as unknown', async () => {
      const res = await r.call('im.user.list.get', { ID: ['99999999999999999999', 2147483648, 1] });
      assert.equal(res.status, 200);
      assert.equal(res.body.result['1'].id, 1);
      assert.equal(Object.values(res.body.result).filter((v) => v === null).length, 2);
    });

    it('touches the store a fixed number of times whatever the number of ids', async () => {
      const count = async (ids: number[]) => {
        const before = r.queryCount();
        const res = await r.call('im.user.list.get', { ID: ids });
        assert.equal(res.status, 200);
        return r.queryCount() - before;
      };
      const one = await count([2]);
      const many = await count(Array.from({ length: 60 }, (_, i) => i + 1));
      assert.equal(one, many);
      // the read model answers and knows the webhook; without it, the webhook lookup (user + hooks) and the user load (users, departments, absences, bots)
      assert.equal(many, r.roster.app.read ? 0 : 6);
    });

    it('formats dates in the configured time zone and birthdays as DD-MM', async () => {
      const res = await r.call('im.user.list.get', { ID: [3, 14, 31, 59] });
      const u3 = res.body.result['3'];
      assert.match(u3.birthday, /^\d{2}-\d{2}$/);
      assert.equal(u3.last_activity_date, '2026-11-13T12:21:00+01:00');
      assert.equal(res.body.result['14'].absent, '2027-04-01T00:00:00+02:00');
      assert.equal(res.body.result['31'].idle, '2026-11-20T15:05:00+01:00');
      assert.equal(res.body.result['59'].extranet, true);
      assert.equal(res.body.result['59'].type, 'extranet');
    });
  });
}
