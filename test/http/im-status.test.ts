/** im.user.status.get|set and im.user.status.idle.start|end, checked through im.user.get. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const STATUS_ERROR = { error: 'STATUS_ERROR', error_description: 'Status is not available' };

/** Unix seconds of an ISO 8601 date with offset, as the wire writes them. */
const seconds = (iso: string) => Date.parse(iso) / 1000;

for (const engine of engines) {
  describe(`im.user.status.* [${engine}]`, () => {
    let r: TestRoster;
    const statusOf = async (userId: number) => (await r.call('im.user.status.get', {}, { hook: await r.as(userId) })).body.result;
    const userOf = async (userId: number) => (await r.call('im.user.get', { ID: userId })).body.result;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
    });
    after(() => r.close());

    it('status.get gives the current user\'s selected status', async () => {
      assert.equal(await statusOf(13), 'online');
      assert.equal(await statusOf(6), 'dnd');
      assert.equal(await statusOf(23), 'break');
      const res = await r.call('im.user.status.get', { STATUS: 'away', ID: 6 }, { hook: await r.as(12) });
      assert.equal(res.status, 200);
      assert.equal(res.body.result, 'away');
    });

    it('status.set stores each allowed status, shown by status.get and in the user object', async () => {
      const hook = await r.as(14);
      for (const STATUS of ['dnd', 'away', 'break', 'online']) {
        const res = await r.call('im.user.status.set', { STATUS }, { hook });
        assert.equal(res.status, 200);
        assert.equal(res.body.result, true);
        assert.equal(await statusOf(14), STATUS);
        assert.equal((await userOf(14)).status, STATUS);
      }
    });

    it('reads STATUS in any letter case, key and transport', async () => {
      const hook = await r.as(15);
      for (const [params, as, expected] of [
        [{ STATUS: 'DND' }, 'json', 'dnd'],
        [{ status: 'Away' }, 'form', 'away'],
        [{ Status: 'bReAk' }, 'query', 'break'],
        [{ STATUS: 'ONLINE' }, 'json', 'online'],
      ] as const) {
        const res = await r.call('im.user.status.set', params, { hook, as });
        assert.equal(res.status, 200, JSON.stringify(params));
        assert.equal(await statusOf(15), expected);
      }
    });

    it('refuses anything else with STATUS_ERROR and changes nothing', async () => {
      const hook = await r.as(16);
      await r.call('im.user.status.set', { STATUS: 'away' }, { hook });
      const huge = 'dnd'.repeat(100000);
      for (const params of [
        {}, { STATUS: null }, { STATUS: '' }, { STATUS: 'busy' }, { STATUS: ' dnd' }, { STATUS: 'dnd ' }, { STATUS: 'offline' },
        { STATUS: 1 }, { STATUS: -1 }, { STATUS: true }, { STATUS: ['dnd'] }, { STATUS: { 0: 'dnd' } }, { STATUS: [[]] },
        { STATUS: 'dnd\u0000' }, { STATUS: huge }, { STATUS: '%' }, { STATUS: 'онлайн' },
      ]) {
        const res = await r.call('im.user.status.set', params, { hook });
        assert.equal(res.status, 400, JSON.stringify(params).slice(0, 80));
        assert.deepEqual(res.body, STATUS_ERROR);
      }
      for (const [params, as] of [[{ STATUS: ['dnd'] }, 'form'], [{ STATUS: { a: 'dnd' } }, 'query'], [{ STATUS: '' }, 'form']] as const) {
        const res = await r.call('im.user.status.set', params, { hook, as });
        assert.deepEqual(res.body, STATUS_ERROR, JSON.stringify(params));
      }
      assert.equal(await statusOf(16), 'away');
    });

    it('idle.start marks the user idle AGO minutes ago, 10 by default', async () => {
      const hook = await r.as(17);
      for (const [params, minutes] of [
        [{}, 10],
        [{ AGO: null }, 10],
        [{ AGO: 30 }, 30],
        [{ AGO: '45' }, 45],
        [{ ago: 2.9 }, 2],
        [{ AGO: 1 }, 1],
      ] as const) {
        const before = Math.floor(Date.now() / 1000);
        const res = await r.call('im.user.status.idle.start', params, { hook });
        const after = Math.floor(Date.now() / 1000);
        assert.equal(res.status, 200);
        assert.equal(res.body.result, true);
        const idle = (await userOf(17)).idle;
        assert.match(idle, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
        const at = seconds(idle);
        assert.ok(at >= before - minutes * 60 && at <= after - minutes * 60, `${JSON.stringify(params)}: ${idle}`);
      }
    });

    it('idle.start makes AGO below one minute (or unreadable) one minute', async () => {
      const hook = await r.as(18);
      for (const [params, as] of [
        [{ AGO: 0 }, 'json'], [{ AGO: -5 }, 'json'], [{ AGO: 'abc' }, 'json'], [{ AGO: '' }, 'form'],
        [{ AGO: false }, 'json'], [{ AGO: [] }, 'json'], [{ AGO: { a: 30 } }, 'json'], [{ AGO: ['30'] }, 'form'],
      ] as const) {
        const before = Math.floor(Date.now() / 1000);
        const res = await r.call('im.user.status.idle.start', params, { hook, as });
        assert.equal(res.status, 200, JSON.stringify(params));
        const at = seconds((await userOf(18)).idle);
        assert.ok(at >= before - 60 && at <= Date.now() / 1000 - 60, JSON.stringify(params));
      }
    });

    it('idle.start keeps an absurd AGO to a real date, never before 1970', async () => {
      const hook = await r.as(19);
      for (const AGO of [1e12, '99999999999999999999', Number.MAX_SAFE_INTEGER * 4, 1e300]) {
        const res = await r.call('im.user.status.idle.start', { AGO }, { hook });
        assert.equal(res.status, 200, String(AGO));
        const idle = (await userOf(19)).idle;
        assert.match(idle, /^1970-01-01T0\d:\d{2}:\d{2}\+01:00$/, `${AGO}: ${idle}`);
      }
    });

    it('idle.end and status.set clear the idle date; neither touches anyone else', async () => {
      const hook = await r.as(20);
      await r.call('im.user.status.idle.start', {}, { hook });
      await r.call('im.user.status.idle.start', {}, { hook: await r.as(21) });
      const res = await r.call('im.user.status.idle.end', { AGO: 5, garbage: [1] }, { hook });
      assert.equal(res.body.result, true);
      assert.equal((await userOf(20)).idle, false);
      assert.notEqual((await userOf(21)).idle, false);

      await r.call('im.user.status.idle.start', {}, { hook });
      await r.call('im.user.status.set', { STATUS: 'dnd' }, { hook });
      const user = await userOf(20);
      assert.equal(user.idle, false);
      assert.equal(user.status, 'dnd');
      assert.notEqual((await userOf(21)).idle, false);
      assert.equal((await userOf(21)).status, 'online');
      // idle.end on someone who is not idle is fine
      assert.equal((await r.call('im.user.status.idle.end', {}, { hook })).body.result, true);
    });

    it('a refused status.set leaves idleness as it was', async () => {
      const hook = await r.as(22);
      await r.call('im.user.status.idle.start', { AGO: 3 }, { hook });
      const idle = (await userOf(22)).idle;
      await r.call('im.user.status.set', { STATUS: 'gone' }, { hook });
      assert.equal((await userOf(22)).idle, idle);
    });

    it('works for extranet users and bots on their own status', async () => {
      for (const userId of [59, 61]) {
        const hook = await r.as(userId);
        assert.equal((await r.call('im.user.status.set', { STATUS: 'away' }, { hook })).body.result, true);
        assert.equal(await statusOf(userId), 'away');
        assert.equal((await r.call('im.user.status.idle.start', {}, { hook })).body.result, true);
        assert.equal((await r.call('im.user.status.idle.end', {}, { hook })).body.result, true);
      }
    });

    it('status.get sees a status.set made earlier in the same batch', async () => {
      const hook = await r.as(24);
      const res = await r.call('batch', { cmd: { a: 'im.user.status.set?STATUS=break', b: 'im.user.status.get' } }, { hook });
      assert.equal(res.status, 200);
      assert.equal(res.body.result.result.b, 'break');
    });
  });
}
