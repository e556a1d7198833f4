/**
 * @2bad/bitrix 2.5.1, unchanged, against a real Roster over https: `call`, `list` (first page, then
 * every page as one chunked batch), `batch` beyond 50 commands (chunked, sent in parallel, merged),
 * and its errors. Each payload is compared with what Roster's own HTTP API answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toQuery } from '../helpers/roster.js';
import { bigCompany, startClientRoster, startDriver, type ClientRoster, type Driver } from './harness.js';

const BAD = '2bad';

describe('@2bad/bitrix over https', () => {
  let r: ClientRoster;
  let d: Driver;
  let hook: string; // the admin webhook over https, without the trailing slash (its README's form)
  let hook2: string; // user 2, head of the big department, over plain http (reference calls)

  before(async () => {
    r = await startClientRoster({ seed: bigCompany(), config: { limits: 'off' } });
    d = await startDriver(r.certPath);
    hook = r.toHttps(r.admin).replace(/\/$/, '');
    hook2 = await r.hook(2);
  });
  after(async () => {
    await d?.close();
    await r?.close();
  });

  /** the same call over plain HTTP, parameters in the query string as 2bad sends them */
  const reference = (method: string, params: Record<string, unknown>, h?: string) => r.call(method, params, { as: 'query', hook: h });

  it('call(im.user.list.get) resolves with the payload the HTTP API answers', async () => {
    const params = { ID: [5, 4, 999999], AVATAR_HR: 'Y' };
    const got = await d.value(BAD, 'call', { hook, method: 'im.user.list.get', params });
    const ref = await reference('im.user.list.get', params);
    assert.deepEqual(got.result, ref.body.result);
    assert.equal(got.result['999999'], null);
    assert.equal(typeof got.time.start, 'number');
  });

  it('call(im.department.colleagues.list) with USER_DATA gives the same page, total and next', async () => {
    const params = { USER_DATA: 'Y', OFFSET: 40, LIMIT: 25 };
    const got = await d.value(BAD, 'call', { hook: r.toHttps(hook2), method: 'im.department.colleagues.list', params });
    const ref = await reference('im.department.colleagues.list', params, hook2);
    assert.deepEqual(got.result, ref.body.result);
    assert.equal(got.total, ref.body.total);
    assert.equal(got.next, ref.body.next);
  });

  it('list(im.department.colleagues.list) gathers all 300 colleagues through one batch', async () => {
    const expected: number[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = await reference('im.department.colleagues.list', { OFFSET: offset, LIMIT: 50 }, hook2);
      expected.push(...page.body.result);
      if (page.body.next === undefined) break;
    }
    assert.ok(expected.length > 250);
    const before = r.httpsReplies.length;
    const got = await d.value(BAD, 'list', { hook: r.toHttps(hook2), method: 'im.department.colleagues.list', params: { LIMIT: 50 } });
    assert.deepEqual(got.result, expected);
    assert.equal(got.total, expected.length);
    assert.deepEqual(r.httpsReplies.slice(before).map((x) => `${x.method} ${x.status}`), ['im.department.colleagues.list 200', 'batch 200']);
  });

  it('list(user.get) walks more than 250 users to the end with the right count', async () => {
    const expected: string[] = [];
    let total = 0;
    for (let start: number | undefined = 0; start !== undefined; ) {
      const page = await reference('user.get', { start });
      assert.equal(page.status, 200, page.text);
      expected.push(...page.body.result.map((u: any) => u.ID));
      total = page.body.total;
      start = page.body.next;
    }
    assert.ok(total > 250, `only ${total} users`);
    const got = await d.value(BAD, 'list', { hook, method: 'user.get', params: {} });
    assert.equal(got.error, '');
    assert.equal(got.total, total);
    assert.deepEqual(got.result.map((u: any) => u.ID), expected);
  });

  it('batch of 120 array commands: chunked by 50, merged into one payload in command order', async () => {
    const commands = Array.from({ length: 120 }, (_, i) => ({ method: 'im.user.list.get', params: { ID: [i + 1] } }));
    const before = r.httpsReplies.length;
    const got = await d.value(BAD, 'batch', { hook, commands });
    assert.deepEqual(r.httpsReplies.slice(before).map((x) => x.method), ['batch', 'batch', 'batch']);
    assert.ok(Array.isArray(got.result.result));
    assert.equal(got.result.result.length, 120);
    for (let i = 0; i < 120; i += 17) {
      const ref = await reference('im.user.list.get', { ID: [i + 1] });
      assert.deepEqual(got.result.result[i], ref.body.result, `command ${i}`);
    }
    assert.equal(got.result.result_time.length, 120);
    assert.deepEqual(got.result.result_error, []);
  });

  it('batch of 60 named commands: merged by name, each as the HTTP API answers', async () => {
    const commands = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`user_${i + 2}`, { method: 'im.user.list.get', params: { ID: [i + 2], RESULT_TYPE: 'array' } }]));
    const got = await d.value(BAD, 'batch', { hook, commands });
    assert.deepEqual(Object.keys(got.result.result).sort(), Object.keys(commands).sort());
    for (const key of ['user_2', 'user_33', 'user_61']) {
      const ref = await reference('im.user.list.get', commands[key]!.params);
      assert.deepEqual(got.result.result[key], ref.body.result, key);
    }
  });

  it('the typed users.get(id) service (lower-case `id`) answers as the HTTP API', async () => {
    const got = await d.value(BAD, 'usersGet', { hook, id: '5' });
    const ref = await reference('user.get', { id: '5' });
    assert.equal(ref.status, 200, ref.text);
    assert.deepEqual(got.result, ref.body.result);
  });

  describe('errors: got rejects with an HTTPError that carries Roster\'s status and body', () => {
    let scoped: string;
    before(async () => {
      scoped = r.toHttps(await r.hook(1, ['department'])).replace(/\/$/, '');
    });
    const cases: [number, () => { hook: string; method: string; params: Record<string, unknown> }][] = [
      [400, () => ({ hook, method: 'im.user.list.get', params: { ID: 'abc' } })],
      [401, () => ({ hook: hook.replace(/\/rest\/1\/[^/]+$/, '/rest/1/wrongsecret0000'), method: 'im.user.list.get', params: {} })],
      [403, () => ({ hook: scoped, method: 'im.user.list.get', params: {} })],
      [404, () => ({ hook, method: 'no.such.method', params: {} })],
    ];
    for (const [status, make] of cases) {
      it(String(status), async () => {
        const args = make();
        const before = r.httpsReplies.length;
        const reply = await d.run(BAD, 'call', args);
        const ref = await r.fetch(`${new URL(args.hook).pathname}/${args.method}?${toQuery(args.params)}`);
        assert.equal(ref.status, status);
        assert.equal(reply.ok, false);
        assert.equal(reply.error?.name, 'HTTPError');
        assert.equal(reply.error?.status, status);
        assert.deepEqual(reply.error?.body, ref.body);
        // got retries none of these
        assert.deepEqual(r.httpsReplies.slice(before), [{ method: args.method, status }]);
      });
    }

    it('a failing command inside a batch rejects the whole batch with its description', async () => {
      const reply = await d.run(BAD, 'batch', {
        hook,
        commands: { ok: { method: 'im.user.list.get', params: { ID: [2] } }, bad: { method: 'im.user.list.get', params: { ID: 'abc' } } },
      });
      assert.equal(reply.ok, false);
      assert.match(reply.error!.message, /\[batch\] failed to process\. Received errors in 1 commands/);
    });
  });
});
