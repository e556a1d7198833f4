/**
 * @bitrix24/b24jssdk 2.2.0, unchanged, against a real Roster over https: a webhook built by
 * B24Hook.fromWebhookUrl, its calls, list helpers, batches, errors and retries. Every answer the
 * SDK gives its caller is compared with what Roster's own HTTP API says for the same call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bigCompany, startClientRoster, startDriver, type ClientRoster, type Driver } from './harness.js';

const JS = 'b24jssdk';

/** Every row of a standard list method (`user.get`), read page by page over plain HTTP. */
async function allPages(r: ClientRoster, method: string, params: Record<string, unknown>, hook?: string) {
  const rows: any[] = [];
  let start: number | undefined = 0;
  let total = 0;
  while (start !== undefined) {
    const res = await r.call(method, { ...params, start }, { hook });
    assert.equal(res.status, 200, res.text);
    rows.push(...res.body.result);
    total = res.body.total;
    start = res.body.next;
  }
  assert.equal(rows.length, total);
  return rows;
}

/** Every colleague of the hook's owner, read with OFFSET/LIMIT over plain HTTP. */
async function allColleagues(r: ClientRoster, hook: string) {
  const ids: number[] = [];
  for (let offset = 0; ; offset += 50) {
    const res = await r.call('im.department.colleagues.list', { OFFSET: offset, LIMIT: 50 }, { hook });
    assert.equal(res.status, 200, res.text);
    ids.push(...res.body.result);
    if (res.body.next === undefined) {
      assert.equal(ids.length, res.body.total);
      return ids;
    }
  }
}

describe('@bitrix24/b24jssdk over https', () => {
  let r: ClientRoster;
  let d: Driver;
  let hook: string; // the admin webhook over https
  let hook2: string; // user 2, head of the big department, over plain http (for reference calls)

  before(async () => {
    r = await startClientRoster({ seed: bigCompany(), config: { limits: 'off' } });
    d = await startDriver(r.certPath);
    hook = r.toHttps(r.admin);
    hook2 = await r.hook(2);
  });
  after(async () => {
    await d?.close();
    await r?.close();
  });

  it('B24Hook.fromWebhookUrl accepts the https webhook and callMethod(im.user.list.get) answers as the HTTP API', async () => {
    const params = { ID: [5, 4, 999999, 2], AVATAR_HR: 'Y' };
    const got = await d.value(JS, 'callMethod', { hook, method: 'im.user.list.get', params });
    const ref = await r.call('im.user.list.get', params);
    assert.equal(got.isSuccess, true);
    assert.equal(got.status, 200);
    assert.deepEqual(got.result, ref.body.result);
    assert.equal(got.result['999999'], null);
    assert.equal(got.result['5'].id, 5);
    assert.equal(typeof got.time.operating, 'number');
    assert.ok(got.time.operating_reset_at > 0);
    assert.deepEqual(got.errors, []);
  });

  it('actions.v2.call and callMethod give the same im.department.colleagues.list page as the HTTP API', async () => {
    const params = { USER_DATA: 'Y', OFFSET: 20, LIMIT: 7 };
    const h2 = r.toHttps(hook2);
    const viaCall = await d.value(JS, 'call', { hook: h2, method: 'im.department.colleagues.list', params });
    const viaCallMethod = await d.value(JS, 'callMethod', { hook: h2, method: 'im.department.colleagues.list', params });
    const ref = await r.call('im.department.colleagues.list', params, { hook: hook2 });
    for (const got of [viaCall, viaCallMethod]) {
      assert.equal(got.isSuccess, true);
      assert.deepEqual(got.result, ref.body.result);
      assert.equal(got.result.length, 7);
      assert.equal(got.total, ref.body.total);
      assert.equal(got.isMore, true);
    }
  });

  it('callListMethod walks all the colleagues of a 300-person department by `next` to the end', async () => {
    const expected = await allColleagues(r, hook2);
    assert.ok(expected.length > 250, `only ${expected.length} colleagues`);
    const got = await d.value(JS, 'callListMethod', { hook: r.toHttps(hook2), method: 'im.department.colleagues.list', params: {} });
    assert.equal(got.isSuccess, true);
    assert.deepEqual(got.items, expected);
    assert.equal(got.progress.at(-1), 100);
  });

  it('AjaxResult.fetchNext pages through the colleagues until isMore() is false', async () => {
    const expected = await allColleagues(r, hook2);
    const got = await d.value(JS, 'pages', { hook: r.toHttps(hook2), method: 'im.department.colleagues.list', params: { LIMIT: 50 } });
    assert.deepEqual(got.items, expected);
    assert.equal(got.pages.length, Math.ceil(expected.length / 50));
    assert.ok(got.pages.every((p: any) => p.total === expected.length));
    assert.equal(got.pages.at(-1).isMore, false);
  });

  it('callMethod(user.get) answers as the HTTP API', async () => {
    const params = { filter: { '>=ID': 10, WORK_POSITION: 'Manager' }, order: { ID: 'DESC' } };
    const got = await d.value(JS, 'callMethod', { hook, method: 'user.get', params });
    const ref = await r.call('user.get', params);
    assert.equal(ref.status, 200, ref.text);
    assert.equal(got.isSuccess, true);
    assert.deepEqual(got.result, ref.body.result);
    assert.equal(got.total, ref.body.total);
    assert.equal(got.isMore, ref.body.next !== undefined);
  });

  it('every list helper walks user.get over 300 users to the end with the right count', async () => {
    const expected = (await allPages(r, 'user.get', {})).map((u) => u.ID);
    assert.ok(expected.length > 250, `only ${expected.length} users`);
    const ids = (items: any[]) => items.map((u) => u.ID);

    const deprecatedList = await d.value(JS, 'callListMethod', { hook, method: 'user.get', params: {} });
    assert.deepEqual(ids(deprecatedList.items), expected, 'callListMethod');

    // the cursor helpers order by ID themselves
    const byId = [...expected].sort((a, b) => Number(a) - Number(b));
    const fast = await d.value(JS, 'callList', { hook, method: 'user.get', params: {} });
    assert.equal(fast.isSuccess, true);
    assert.deepEqual(ids(fast.items), byId, 'actions.v2.callList');

    const streamed = await d.value(JS, 'fetchList', { hook, method: 'user.get', params: {} });
    assert.deepEqual(ids(streamed.items), byId, 'actions.v2.fetchList');
    assert.ok(streamed.chunkSizes.slice(0, -1).every((n: number) => n === 50));

    const deprecatedStream = await d.value(JS, 'fetchListMethod', { hook, method: 'user.get', params: {} });
    assert.deepEqual(ids(deprecatedStream.items), byId, 'fetchListMethod');
  });

  it('the cursor helpers keep a caller\'s filter', async () => {
    const filter = { WORK_POSITION: 'Manager' };
    const expected = (await allPages(r, 'user.get', { filter, order: { ID: 'ASC' } })).map((u) => u.ID);
    assert.ok(expected.length > 50);
    const got = await d.value(JS, 'callList', { hook, method: 'user.get', params: { filter } });
    assert.deepEqual(got.items.map((u: any) => u.ID), expected);
  });

  it('callBatch runs 50 commands (array and named) and answers as the HTTP API per command; 51 are refused client-side', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => [i + 2]);
    const calls = ids.map((ID) => ['im.user.list.get', { ID }]);
    const got = await d.value(JS, 'callBatch', { hook, calls });
    assert.equal(got.isSuccess, true, JSON.stringify(got.errors));
    assert.equal(got.data.length, 50);
    for (const [i, ID] of ids.entries()) {
      const ref = await r.call('im.user.list.get', { ID });
      assert.deepEqual(got.data[i], ref.body.result);
    }

    // more than 50 is refused by the SDK itself, before any request: that is callBatchByChunk's job
    const before = r.httpsReplies.length;
    const tooMany = await d.run(JS, 'callBatch', { hook, calls: [...calls, ['im.user.list.get', {}]] });
    assert.equal(tooMany.error?.code, 'JSSDK_BATCH_TOO_LARGE');
    assert.equal(r.httpsReplies.length, before);

    const named = await d.value(JS, 'callBatch', {
      hook,
      calls: { me: { method: 'im.user.list.get', params: {} }, page: { method: 'user.get', params: { start: 50 } } },
      returnAjaxResult: true,
    });
    assert.equal(named.isSuccess, true, JSON.stringify(named.errors));
    assert.deepEqual(named.data.me.result, (await r.call('im.user.list.get', {})).body.result);
    const page = await r.call('user.get', { start: 50 });
    assert.deepEqual(named.data.page.result, page.body.result);
    assert.equal(named.data.page.total, page.body.total);
  });

  it('callBatch reports a failing command by its key without halting the others', async () => {
    const got = await d.value(JS, 'callBatch', {
      hook,
      calls: { ok: { method: 'im.user.list.get', params: { ID: [3] } }, bad: { method: 'im.user.list.get', params: { ID: 'abc' } } },
      halt: false,
    });
    assert.equal(got.isSuccess, false);
    assert.deepEqual(Object.keys(got.errorsByKey), ['bad']);
    assert.match(got.errorsByKey.bad, /A wrong format for the ID field is passed/);
  });

  it('callBatchByChunk and actions.v2.batchByChunk run 120 commands in chunks of 50', async () => {
    const calls = Array.from({ length: 120 }, (_, i) => ['im.user.list.get', { ID: [i + 1] }]);
    const expected = [];
    for (let i = 0; i < 120; i++) expected.push((await r.call('im.user.list.get', { ID: [i + 1] })).body.result);
    const before = r.httpsReplies.length;
    const chunked = await d.value(JS, 'callBatchByChunk', { hook, calls });
    assert.equal(chunked.isSuccess, true);
    assert.deepEqual(chunked.data, expected);
    assert.deepEqual(r.httpsReplies.slice(before).map((x) => x.method), ['batch', 'batch', 'batch']);
    const current = await d.value(JS, 'batchByChunk', { hook, calls });
    assert.deepEqual(current.data, expected);
  });

  describe('errors: the SDK throws an AjaxError with the code and status Roster sent', () => {
    const cases: [string, () => { hook: string; method: string; params: object }][] = [
      ['400 INVALID_FORMAT', () => ({ hook, method: 'im.user.list.get', params: { ID: 'abc' } })],
      ['401 for a wrong webhook secret', () => ({ hook: hook.replace(/\/rest\/1\/[^/]+\//, '/rest/1/wrongsecret0000/'), method: 'im.user.list.get', params: {} })],
      ['403 insufficient_scope', () => ({ hook: scopedHook, method: 'im.user.list.get', params: {} })],
      ['404 ERROR_METHOD_NOT_FOUND', () => ({ hook, method: 'no.such.method', params: {} })],
    ];
    let scopedHook: string;
    before(async () => {
      scopedHook = r.toHttps(await r.hook(1, ['department']));
    });
    for (const [name, make] of cases) {
      it(name, async () => {
        const args = make();
        const before = r.httpsReplies.length;
        const reply = await d.run(JS, 'callMethod', args);
        const sent = r.httpsReplies.slice(before);
        const ref = await r.fetch(new URL(`${args.hook}${args.method}`).pathname, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(args.params),
        });
        assert.equal(reply.ok, false, JSON.stringify(reply.value));
        assert.equal(reply.error?.name, 'AjaxError');
        assert.equal(reply.error?.code, ref.body.error);
        assert.equal(reply.error?.status, ref.status);
        assert.equal(String(ref.status), name.slice(0, 3));
        assert.ok(reply.error?.message.includes(ref.body.error_description), reply.error?.message);
        // a 4xx is final: the SDK sent the call once
        assert.deepEqual(sent, [{ method: args.method, status: ref.status }]);
      });
    }
  });
});

describe('@bitrix24/b24jssdk retries 503 QUERY_LIMIT_EXCEEDED until Roster\'s bucket drains', () => {
  let r: ClientRoster;
  let d: Driver;
  before(async () => {
    r = await startClientRoster({ seed: bigCompany(60), config: { limits: '5/5' } });
    d = await startDriver(r.certPath);
  });
  after(async () => {
    await d?.close();
    await r?.close();
  });

  it('twenty parallel calls all succeed, though Roster refused some at first', async () => {
    const hook = r.toHttps(await r.hook(1));
    const params = { ID: [2, 3] };
    const got = await d.value(JS, 'callMany', { hook, method: 'im.user.list.get', params, count: 20, restrictionParams: { maxRetries: 5 } });
    assert.equal(got.length, 20);
    const ref = await r.call('im.user.list.get', params);
    for (const one of got) {
      assert.equal(one.isSuccess, true);
      assert.deepEqual(one.result, ref.body.result);
    }
    const statuses = r.httpsReplies.filter((x) => x.method === 'im.user.list.get').map((x) => x.status);
    assert.ok(statuses.filter((s) => s === 503).length > 0, `Roster never said 503: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 200).length, 20);
  });
});
