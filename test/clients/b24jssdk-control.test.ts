/**
 * The control plane with @bitrix24/b24jssdk, unchanged, over https on both engines: a scripted
 * `expired_token` sends the SDK through its refresh path (/oauth/token/) for real, a scripted
 * `QUERY_LIMIT_EXCEEDED` makes it back off and retry, the journal counts exactly the calls it
 * made, and moving Roster's clock an hour expires a real token.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { grantTokens } from '../../src/oauth/grants.js';
import { createApplication, findApplication } from '../../src/store/oauth.js';
import { engines } from '../helpers/roster.js';
import { bigCompany, startClientRoster, startDriver, type ClientRoster, type Driver } from './harness.js';

const JS = 'b24jssdk';
const ADMIN_TOKEN = 'control-plane-token-1234';
const H = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

for (const engine of engines) {
  describe(`@bitrix24/b24jssdk under the control plane [${engine}]`, () => {
    let r: ClientRoster;
    let d: Driver;
    let app: { clientId: string; clientSecret: string };

    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await r.fetch(path, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
      return res.body;
    };
    const count = async (query: string) => (await admin('GET', `/_roster/requests/count?${query}`)).count as number;
    /** a token pair for `userId` as /oauth/token/ hands it out */
    const tokenFor = async (userId: number) => {
      const row = (await findApplication(r.roster.store.db, app.clientId))!;
      return grantTokens(r.roster.store.db, row, userId, r.https.url);
    };
    const tokenReplies = () => r.httpsReplies.filter((x) => x.method === 'token');

    before(async () => {
      r = await startClientRoster({ engine, seed: bigCompany(60), config: { adminToken: ADMIN_TOKEN, limits: 'off' } });
      d = await startDriver(r.certPath);
      app = await createApplication(r.roster.store.db, { name: 'Control test', scopes: ['im', 'user'] });
    });
    afterEach(async () => {
      await admin('DELETE', '/_roster/faults');
      await admin('DELETE', '/_roster/requests');
      await admin('POST', '/_roster/clock', { reset: true });
    });
    after(async () => {
      await d?.close();
      await r?.close();
    });

    it('an expired_token fault makes B24OAuth refresh through /oauth/token/ and succeed; the journal marks it', async () => {
      const token = await tokenFor(2);
      const { id } = await admin('POST', '/_roster/faults', { method: 'im.user.get', client_id: app.clientId, error: 'expired_token', times: 1 });
      const refreshesBefore = tokenReplies().length;
      const got = await d.value(JS, 'oauthCall', { ...app, token, method: 'im.user.get', params: { ID: 3 } });
      assert.equal(got.isSuccess, true, JSON.stringify(got.errors));
      assert.equal(got.result.id, 3);
      assert.equal(got.refreshes, 1);
      assert.deepEqual(tokenReplies().slice(refreshesBefore).map((x) => x.status), [200]);

      // the refused call and the retry with the new token, both journaled; only the first is a fault
      assert.equal(await count('method=im.user.get'), 2);
      assert.equal(await count('method=im.user.get&error=expired_token'), 1);
      assert.equal(await count(`method=im.user.get&status=200&credential=${app.clientId}`), 1);
      const [retry, refused] = (await admin('GET', '/_roster/requests?method=im.user.get')).requests;
      assert.deepEqual(refused.fault, { rule: id, action: 'error' });
      assert.equal(refused.status, 401);
      assert.equal(retry.fault, undefined);
      assert.deepEqual(retry.credential, { kind: 'oauth', client_id: app.clientId, user_id: 2 });
      const [rule] = (await admin('GET', '/_roster/faults')).rules;
      assert.equal(rule.fired, 1);
      assert.equal(rule.remaining, 0);
    });

    it('QUERY_LIMIT_EXCEEDED twice makes B24Hook back off and retry until it succeeds', async () => {
      const hook = r.toHttps(await r.hook(1));
      await admin('POST', '/_roster/faults', { method: 'im.user.list.get', error: 'QUERY_LIMIT_EXCEEDED', times: 2 });
      const injected = async () => Number(/^roster_faults_injected_total\{action="error"\} (\d+)$/m.exec((await r.fetch('/metrics')).text)?.[1] ?? 0);
      const injectedBefore = await injected();
      const got = await d.value(JS, 'callMethod', { hook, method: 'im.user.list.get', params: { ID: [2, 3] }, restrictionParams: { maxRetries: 5 } });
      assert.equal(got.isSuccess, true, JSON.stringify(got.errors));
      assert.deepEqual(Object.keys(got.result), ['2', '3']);
      assert.equal(await count('method=im.user.list.get&status=503&error=QUERY_LIMIT_EXCEEDED'), 2);
      assert.equal(await count('method=im.user.list.get&status=200'), 1);
      assert.equal((await injected()) - injectedBefore, 2);
    });

    it('the journal counts exactly the calls the SDK made, batch commands included', async () => {
      const hook = await r.hook(1);
      const sent = r.httpsReplies.length;
      await d.value(JS, 'callMany', { hook: r.toHttps(hook), method: 'im.user.get', params: { ID: 2 }, count: 4 });
      const list = await d.value(JS, 'callList', { hook: r.toHttps(hook), method: 'user.get', params: {} });
      assert.ok(list.items.length > 20);
      await d.value(JS, 'callBatch', { hook: r.toHttps(hook), calls: [['user.current', {}], ['im.user.get', { ID: 4 }]] });
      const requests = r.httpsReplies.slice(sent);
      assert.equal(await count(''), requests.length);
      assert.equal(await count('method=user.get'), requests.filter((x) => x.method === 'user.get').length);
      // four plain calls and one command inside the batch
      assert.equal(await count('method=im.user.get'), 5);
      const [batch] = (await admin('GET', '/_roster/requests?method=batch')).requests;
      assert.deepEqual(batch.commands.map((c: any) => [c.method, c.status]), [['user.current', 200], ['im.user.get', 200]]);
      // the webhook secret is in the URL of every call; it is nowhere in the journal
      const secret = hook.split('/').at(-2)!;
      assert.ok(!JSON.stringify((await admin('GET', '/_roster/requests?limit=1000')).requests).includes(secret));
    });

    it('advancing the clock 3,601 s expires a real token: the SDK sees expired_token and refreshes', async () => {
      const token = await tokenFor(4);
      const first = await d.value(JS, 'oauthCall', { ...app, token, method: 'user.current' });
      assert.equal(first.isSuccess, true);
      assert.equal(first.refreshes, 0);
      await admin('POST', '/_roster/clock', { advance: 3601 });
      const second = await d.value(JS, 'oauthCall', { ...app, token, method: 'user.current' });
      assert.equal(second.isSuccess, true, JSON.stringify(second.errors));
      assert.equal(second.result.ID, '4');
      assert.equal(second.refreshes, 1);
      // the refusal came from the token's real expiry, not from a rule
      const refused = (await admin('GET', '/_roster/requests?error=expired_token')).requests;
      assert.equal(refused.length, 1);
      assert.equal(refused[0].fault, undefined);
      assert.equal(refused[0].status, 401);
    });
  });
}
