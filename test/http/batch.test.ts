import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Params } from '../../src/rest/params.js';
import { engines, startRoster, toQuery, type TestRoster } from '../helpers/roster.js';

const TIME_KEYS = ['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish', 'operating_reset_at', 'operating'];

/** Test-only methods: one echoes its parameters, one pages ids 1..120 like `user.get` with `filter[>ID]` and `start=-1`. */
function addTestMethods(r: TestRoster) {
  r.roster.app.registry.add({ name: 'test.echo', scope: 'basic', list: 'none', summary: 'echo', params: [], handler: (_ctx, p: Params) => ({ result: p }) });
  r.roster.app.registry.add({
    name: 'test.page',
    scope: 'basic',
    list: 'standard',
    summary: 'ids 1..120 in pages of 50',
    params: [],
    handler: (ctx, p: Params) => {
      const after = Number((p.filter as Params | undefined)?.['>ID'] ?? 0);
      const rows = Array.from({ length: 120 }, (_, i) => ({ ID: String(i + 1) })).filter((row) => Number(row.ID) > after);
      if (ctx.start === -1) return { result: rows.slice(0, 50) };
      const start = ctx.start ?? 0;
      const page = rows.slice(start, start + 50);
      return { result: page, total: rows.length, ...(start + 50 < rows.length ? { next: start + 50 } : {}) };
    },
  });
}

for (const engine of engines) {
  describe(`batch [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      addTestMethods(r);
    });
    after(() => r.close());

    it('runs a JSON array of commands (b24jssdk) and answers lists for keys 0..n-1', async () => {
      const res = await r.call('batch', { halt: 1, cmd: ['server.time', 'im.user.list.get?ID%5B0%5D=1&ID%5B1%5D=2', 'test.page?start=0'] });
      assert.equal(res.status, 200);
      const b = res.body.result;
      assert.deepEqual(Object.keys(b), ['result', 'result_error', 'result_total', 'result_next', 'result_time']);
      assert.ok(Array.isArray(b.result));
      assert.equal(b.result.length, 3);
      assert.deepEqual(Object.keys(b.result[1]), ['1', '2']);
      assert.equal(b.result[2].length, 50);
      assert.deepEqual(b.result_error, []);
      assert.deepEqual(b.result_total, { 2: 120 });
      assert.deepEqual(b.result_next, { 2: 50 });
      assert.ok(Array.isArray(b.result_time));
      for (const t of b.result_time) assert.deepEqual(Object.keys(t), TIME_KEYS);
      assert.equal(typeof res.body.time.start, 'number');
    });

    it('runs a JSON object with named keys (b24phpsdk, b24pysdk) and with "0".."n" keys', async () => {
      const named = await r.call('batch', { halt: false, cmd: { me: 'profile', t: 'server.time' } });
      assert.deepEqual(Object.keys(named.body.result.result), ['me', 't']);
      assert.equal(named.body.result.result.me.ID, '1');
      assert.deepEqual(Object.keys(named.body.result.result_time), ['me', 't']);
      const numbered = await r.call('batch', { cmd: { 0: 'profile', 1: 'server.time' } });
      assert.ok(Array.isArray(numbered.body.result.result));
    });

    it('reads cmd[key]=method?query from a form and a GET query, sub-queries encoded once more (2bad, CRest)', async () => {
      const cmd = { a: `im.user.list.get?${toQuery({ ID: [3, 4] })}`, b: `test.echo?${toQuery({ filter: { '>=ID': 5, NAME: 'A&B=C' } })}` };
      for (const as of ['form', 'query'] as const) {
        const res = await r.call('batch', { halt: 0, cmd }, { as });
        assert.equal(res.status, 200, as);
        assert.deepEqual(Object.keys(res.body.result.result.a), ['3', '4'], as);
        assert.deepEqual(res.body.result.result.b, { filter: { '>=ID': '5', NAME: 'A&B=C' } }, as);
      }
      const list = await r.fetch(`/rest/1/${new URL(r.admin).pathname.split('/')[3]}/batch?${toQuery({ cmd: ['server.time', 'profile'] })}`);
      assert.ok(Array.isArray(list.body.result.result));
    });

    it('halt 1/true/Y stops at the first failed command; 0/false/N/absent run them all', async () => {
      const cmd = ['server.time', 'no.such.method', 'profile'];
      for (const halt of [1, true, 'Y', '1', 'true']) {
        const res = await r.call('batch', { halt, cmd });
        assert.deepEqual(Object.keys(res.body.result.result), ['0'], String(halt));
        assert.deepEqual(Object.keys(res.body.result.result_error), ['1']);
      }
      for (const halt of [0, false, 'N', '0', 'false', undefined]) {
        const res = await r.call('batch', { halt, cmd });
        // an error at index 1 leaves keys 0 and 2: an object, not a list (PHP json_encode)
        assert.match(res.text, /"result":\{"0":"[^"]+","2":\{/, String(halt));
        assert.deepEqual(res.body.result.result_error, { 1: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } });
      }
    });

    it('answers empty sections as []', async () => {
      const res = await r.call('batch', { cmd: [] });
      assert.equal(res.text.startsWith('{"result":{"result":[],"result_error":[],"result_total":[],"result_next":[],"result_time":[]},"time":{'), true);
      const none = await r.call('batch', {});
      assert.deepEqual(none.body.result.result, []);
    });

    it('runs at most 50 commands; the rest get ERROR_BATCH_LENGTH_EXCEEDED', async () => {
      const cmd = Array.from({ length: 53 }, () => 'server.time');
      for (const as of ['json', 'form'] as const) {
        const res = await r.call('batch', { cmd }, { as });
        assert.equal(res.status, 200);
        assert.equal(res.body.result.result.length, 50, as);
        assert.deepEqual(Object.keys(res.body.result.result_error), ['50', '51', '52']);
        assert.deepEqual(res.body.result.result_error['50'], { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' });
      }
    });

    it('refuses a nested batch with ERROR_BATCH_METHOD_NOT_ALLOWED', async () => {
      const res = await r.call('batch', { cmd: { inner: 'batch?cmd[0]=server.time', upper: 'BATCH?cmd[0]=profile', ok: 'server.time' } });
      assert.deepEqual(res.body.result.result_error.inner, { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' });
      assert.equal(res.body.result.result_error.upper.error, 'ERROR_BATCH_METHOD_NOT_ALLOWED');
      assert.deepEqual(Object.keys(res.body.result.result), ['ok']);
    });

    it('checks every command for scope and runs it as the caller', async () => {
      const userOnly = await r.hook(3, ['user']);
      const res = await r.call('batch', { cmd: { im: 'im.user.list.get', me: 'profile', t: 'server.time' } }, { hook: userOnly });
      assert.equal(res.status, 200);
      assert.equal(res.body.result.result_error.im.error, 'insufficient_scope');
      assert.equal(res.body.result.result.me.ID, '3');
      assert.equal(res.body.result.result.me.ADMIN, false);
    });

    it('drops auth keys and telemetry inside commands: a command cannot switch credentials', async () => {
      const res = await r.call('batch', { cmd: { e: 'test.echo?auth=abc&access_token=def&bx24_request_id=1&v=1', me: 'profile?auth=zzz' } });
      assert.deepEqual(res.body.result.result.e, { v: '1' });
      assert.equal(res.body.result.result.me.ID, '1');
    });

    it('resolves $result, $total, $next, $time and $error, whole and embedded', async () => {
      const res = await r.call('batch', {
        cmd: {
          page: 'test.page?start=0',
          users: 'im.user.list.get?ID[]=5&ID[]=2',
          bad: 'no.such',
          e: 'test.echo?' + [
            'first=$result[page][0][ID]',
            'total=$total[page]',
            'next=$next[page]',
            'started=$time[page][start]',
            'error=$error[bad][error]',
            'departments=$result[users][5][departments]',
            'text=' + encodeURIComponent('user $result[users][2][id] is $result[users][2][first_name]'),
          ].join('&'),
          chained: 'im.user.list.get?ID=$result[users][5][departments]',
        },
      });
      const b = res.body.result;
      assert.deepEqual(Object.keys(b.result_error), ['bad']);
      const e = b.result.e;
      assert.equal(e.first, '1');
      assert.equal(e.total, 120);
      assert.equal(e.next, 50);
      assert.equal(e.started, b.result_time.page.start);
      assert.equal(e.error, 'ERROR_METHOD_NOT_FOUND');
      assert.deepEqual(e.departments, b.result.users['5'].departments);
      assert.equal(e.text, 'user 2 is Olivia');
      // a referenced list as a whole parameter: the departments of user 5 read as an id list
      assert.deepEqual(Object.keys(b.result.chained).map(Number), b.result.users['5'].departments);
    });

    it('chains fast pages with filter[>ID]=$result[prev][49][ID] (b24phpsdk, b24pysdk)', async () => {
      const cmd: Record<string, string> = { cmd_0: 'test.page?filter[>ID]=0&start=-1' };
      for (let i = 1; i <= 3; i++) cmd[`cmd_${i}`] = `test.page?filter%5B%3EID%5D=%24result%5Bcmd_${i - 1}%5D%5B49%5D%5BID%5D&start=-1`;
      const res = await r.call('batch', { halt: 0, cmd });
      const b = res.body.result;
      const ids = (k: string) => b.result[k].map((row: { ID: string }) => Number(row.ID));
      assert.deepEqual(ids('cmd_0'), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.deepEqual(ids('cmd_1'), Array.from({ length: 50 }, (_, i) => i + 51));
      assert.deepEqual(ids('cmd_2'), Array.from({ length: 20 }, (_, i) => i + 101));
      assert.deepEqual(b.result_total, [], 'start=-1 gives no total');
      // the short page has no [49]: the next command fails clearly instead of running on a guess
      assert.equal(b.result_error.cmd_3.error, 'ERROR_ARGUMENT');
      assert.match(b.result_error.cmd_3.error_description, /\$result\[cmd_2\] has no \[49\]/);
    });

    it('chains fast pages of the real user.get', async () => {
      const res = await r.call('batch', {
        halt: 0,
        cmd: {
          cmd_0: 'user.get?order[ID]=ASC&filter[>ID]=0&start=-1',
          cmd_1: 'user.get?order[ID]=ASC&filter[>ID]=$result[cmd_0][49][ID]&start=-1',
        },
      });
      const b = res.body.result;
      assert.deepEqual(b.result_error, []);
      const first = b.result.cmd_0.map((u: { ID: string }) => Number(u.ID));
      const second = b.result.cmd_1.map((u: { ID: string }) => Number(u.ID));
      assert.equal(first.length, 50);
      assert.ok(second.length > 0);
      assert.ok(second[0] > first[49]);
      assert.equal(new Set([...first, ...second]).size, first.length + second.length);
    });

    it('reports an error of a command without failing the batch, and keeps null results', async () => {
      const res = await r.call('batch', { cmd: { bad: 'im.user.list.get?ID=abc', users: 'im.user.list.get?ID[]=999999' } });
      assert.equal(res.status, 200);
      assert.equal(res.body.result.result_error.bad.error, 'INVALID_FORMAT');
      assert.deepEqual(res.body.result.result.users, { 999999: null });
    });

    it('answers a cmd that is neither list nor map with ERROR_ARGUMENT', async () => {
      const res = await r.call('batch', { cmd: 'server.time' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'ERROR_ARGUMENT');
      const item = await r.call('batch', { cmd: { a: { nested: 1 }, b: 'server.time' } });
      assert.equal(item.body.result.result_error.a.error, 'ERROR_ARGUMENT');
      assert.deepEqual(Object.keys(item.body.result.result), ['b']);
    });

    it('serves the .xml transport', async () => {
      const res = await r.fetch(`${new URL(r.admin).pathname}batch.xml?${toQuery({ cmd: { t: 'server.time' } })}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<response><result><result><t>[^<]+<\/t><\/result><result_error><\/result_error>/);
    });
  });
}
