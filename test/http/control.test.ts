/**
 * The control plane over a real socket, on both engines (docs/CONTROL.md): the request journal
 * and its secrets, scripted faults, the clock and everything that follows it, the admin guard,
 * /healthz and /readyz, /metrics.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { clock } from '../../src/clock.js';
import { ConfigError } from '../../src/config.js';
import { addReadinessCheck } from '../../src/control.js';
import { grantTokens } from '../../src/oauth/grants.js';
import { memberId } from '../../src/store/member.js';
import { createApplication, createCode, findApplication } from '../../src/store/oauth.js';
import { REDIS_URL, redisReachable, testRedis } from '../helpers/redis.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const TOKEN = 'admin-token-for-control-tests';
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = testRedis();
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

const redisUp = await redisReachable();
if (!redisUp && process.env.CI === 'true') throw new Error(`CI=true but Redis at ${REDIS_URL} is not reachable`);
const H = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function adminOf(r: TestRoster) {
  return async (method: string, path: string, body?: unknown, expect = 200) => {
    const res = await r.fetch(path, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal(res.status, expect, `${method} ${path}: ${res.text}`);
    return res.body;
  };
}

/** A strict parser of the Prometheus text format (0.0.4): every line is a comment, blank, or a sample. */
export function parsePrometheus(text: string) {
  const types = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sample = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (-?(?:\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?|\\+Inf|-Inf|NaN|Nan))(?: -?\\d+)?$`);
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      assert.ok(!types.has(type[1]!), `line ${i + 1}: second TYPE for ${type[1]}`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = sample.exec(line);
    assert.ok(m, `line ${i + 1} is not a valid sample: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const name = m[1]!;
    const family = [...types.keys()].find((t) => name === t || (types.get(t) === 'histogram' && /^(.*)_(bucket|sum|count)$/.exec(name)?.[1] === t));
    assert.ok(family, `line ${i + 1}: sample ${name} has no TYPE line before it`);
    samples.push({ name, labels, value: /^nan$/i.test(m[3]!) ? NaN : Number(m[3]!.replace('+Inf', 'Infinity').replace('-Inf', '-Infinity')) });
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
  return { types, samples, value };
}

for (const engine of engines) {
  describe(`request journal [${engine}]`, () => {
    let r: TestRoster;
    let admin: ReturnType<typeof adminOf>;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { adminToken: TOKEN } });
      admin = adminOf(r);
    });
    afterEach(() => admin('DELETE', '/_roster/requests'));
    after(() => r?.close());

    it('records each call with its credential, decoded parameters, status, error and duration, newest first', async () => {
      const hook2 = await r.hook(2, ['im']);
      await r.call('im.user.list.get', { ID: [2, 3] }, { as: 'form' });
      await r.call('im.user.get', { ID: 999999 }, { hook: hook2 });
      await r.call('user.get', {}, { hook: hook2 }); // no user scope: 403
      await r.fetch('/rest/1/wrongsecretwrongsecre/profile');
      await r.call('no.such.method');
      const { requests } = await admin('GET', '/_roster/requests');
      assert.deepEqual(
        requests.map((e: any) => [e.method, e.status, e.error]),
        [
          ['no.such.method', 404, 'ERROR_METHOD_NOT_FOUND'],
          ['profile', 401, 'INVALID_CREDENTIALS'],
          ['user.get', 403, 'insufficient_scope'],
          ['im.user.get', 400, 'USER_NOT_EXISTS'],
          ['im.user.list.get', 200, null],
        ],
      );
      const [, refused, scoped, , first] = requests;
      assert.deepEqual(first.params, { ID: ['2', '3'] });
      assert.equal(first.credential.kind, 'webhook');
      assert.equal(first.credential.user_id, 1);
      assert.equal(scoped.credential.user_id, 2);
      assert.equal(refused.credential, null);
      assert.ok(requests.every((e: any) => typeof e.duration_ms === 'number' && e.duration_ms >= 0 && Date.parse(e.time) === e.at));
      assert.ok(requests[0].id > requests[1].id);
    });

    it('filters by method, status, error, credential, since, after and limit; counts; DELETE clears', async () => {
      const hook2 = await r.hook(2, ['im']);
      for (let i = 0; i < 3; i++) await r.call('im.user.get', { ID: 2 });
      await r.call('im.user.get', { ID: 2 }, { hook: hook2 });
      const mark = clock.now();
      await r.call('im.user.get', { ID: 999999 });
      await r.call('server.time', {}, { hook: hook2 });
      const count = async (q: string) => (await admin('GET', `/_roster/requests/count?${q}`)).count;
      assert.equal(await count(''), 6);
      assert.equal(await count('method=im.user.get'), 5);
      assert.equal(await count('method=IM.USER.GET&status=200'), 4);
      assert.equal(await count('error=USER_NOT_EXISTS'), 1);
      assert.equal(await count('status=400'), 1);
      const second = (await admin('GET', '/_roster/requests?limit=1')).requests[0].credential.webhook;
      assert.equal(await count(`credential=${second}`), 2);
      assert.equal(await count(`credential=webhook:${second}`), 2);
      assert.equal(await count('credential=user:2'), 2);
      assert.equal(await count('credential=user:1'), 4);
      assert.equal(await count(`since=${mark}`), 2);
      assert.equal(await count(`since=${encodeURIComponent(new Date(mark).toISOString())}`), 2);
      const all = (await admin('GET', '/_roster/requests')).requests;
      assert.equal((await admin('GET', `/_roster/requests?after=${all[2].id}`)).requests.length, 2);
      assert.deepEqual((await admin('GET', '/_roster/requests?limit=2')).requests.map((e: any) => e.id), [all[0].id, all[1].id]);
      assert.deepEqual(await admin('DELETE', '/_roster/requests'), { cleared: true });
      assert.equal(await count(''), 0);
    });

    it('keeps each batch command with its own status, counted by method', async () => {
      await r.call('batch', { halt: 0, cmd: { a: 'im.user.get?ID=2', b: 'im.user.get?ID=999999', c: 'nope.nope', d: 'user.get?ID=1' } });
      const [entry] = (await admin('GET', '/_roster/requests')).requests;
      assert.equal(entry.method, 'batch');
      assert.equal(entry.status, 200);
      assert.deepEqual(
        entry.commands.map((c: any) => [c.key, c.method, c.status, c.error]),
        [
          ['a', 'im.user.get', 200, null],
          ['b', 'im.user.get', 400, 'USER_NOT_EXISTS'],
          ['c', 'nope.nope', 404, 'ERROR_METHOD_NOT_FOUND'],
          ['d', 'user.get', 200, null],
        ],
      );
      assert.deepEqual(entry.commands[0].params, { ID: '2' });
      assert.equal((await admin('GET', '/_roster/requests/count?method=im.user.get')).count, 2);
      assert.equal((await admin('GET', '/_roster/requests/count?method=im.user.get&status=400')).count, 1);
      assert.equal((await admin('GET', '/_roster/requests/count?method=batch')).count, 1);
    });

    it('never stores a secret: webhook secrets, access and refresh tokens, client secrets, passwords, the admin token, under any name, in batch too', async () => {
      const client = await createApplication(r.roster.store.db, { name: 'Secrets', scopes: ['im', 'user'] });
      const row = (await findApplication(r.roster.store.db, client.clientId))!;
      const pair = await grantTokens(r.roster.store.db, row, 1, r.url);
      const other = await grantTokens(r.roster.store.db, row, 1, r.url);
      const secret = r.admin.split('/').at(-2)!;
      const secrets = {
        webhook: secret,
        access: pair.access_token,
        refresh: pair.refresh_token,
        clientSecret: client.clientSecret,
        otherAccess: other.access_token,
        password: 'Correct-Horse-9-Battery',
        admin: TOKEN,
      };
      // each where a client might put it
      await r.call('im.user.get', { ID: 1, note: secrets.refresh, client_secret: secrets.clientSecret, PASSWORD: secrets.password });
      await r.call('im.user.get', { ID: 1, FILTER: { NAME: `x ${secrets.clientSecret} y` }, misc: [secrets.otherAccess] });
      await r.call('im.user.get', { ID: 1, comment: `see ${r.admin}`, whatever: secrets.admin, pwd: 'hunter2hunter2' });
      await r.fetch(`/rest/im.user.get?auth=${secrets.access}&ID=1`);
      await r.fetch('/rest/im.user.get', { method: 'POST', headers: FORM, body: `access_token=${secrets.access}&ID=1&x=${secrets.webhook}` });
      await r.fetch('/rest/im.user.get?ID=1', { headers: { authorization: `Bearer ${secrets.access}` } });
      await r.fetch('/rest/im.user.get', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: secrets.access, ID: 1, token: secrets.refresh }) });
      await r.call('batch', {
        cmd: {
          a: `im.user.get?ID=1&auth=${secrets.access}`,
          b: `im.user.get?ID=1&unexpected=${secrets.refresh}&password=${secrets.password}`,
          c: `user.get?FILTER[NAME]=${secrets.clientSecret}`,
        },
      });
      const text = JSON.stringify(await admin('GET', '/_roster/requests?limit=1000'));
      assert.equal((await admin('GET', '/_roster/requests/count')).count, 8);
      for (const [kind, value] of Object.entries(secrets)) assert.ok(!text.includes(value), `the journal holds the ${kind} secret`);
      assert.ok(!text.includes('hunter2hunter2'), 'the journal holds a pwd');
      assert.ok(text.includes('[redacted]'));
      // what is not secret stays readable
      const first = (await admin('GET', '/_roster/requests?limit=1000')).requests.at(-1);
      assert.equal(first.params.ID, 1);
      assert.equal(first.params.note, '[redacted]');
    });

    it('is a bounded ring (--journal-size), and off with 0', async () => {
      const small = await startRoster({ engine, config: { adminToken: TOKEN, journalSize: 3 } });
      const off = await startRoster({ engine, config: { adminToken: TOKEN, journalSize: 0 } });
      try {
        for (let i = 0; i < 5; i++) await small.call('server.time');
        const { requests } = await adminOf(small)('GET', '/_roster/requests');
        assert.deepEqual(requests.map((e: any) => e.id), [5, 4, 3]);
        await off.call('server.time');
        const refused = await adminOf(off)('GET', '/_roster/requests', undefined, 409);
        assert.equal(refused.error, 'JOURNAL_OFF');
      } finally {
        await small.close();
        await off.close();
      }
    });

    it('answers 400 with every problem for a bad query', async () => {
      const res = await admin('GET', '/_roster/requests?status=abc&limit=0&since=yesterday&bogus=1', undefined, 400);
      assert.equal(res.error, 'ERROR_ARGUMENT');
      assert.deepEqual(res.problems.map((p: any) => p.path).sort(), ['bogus', 'limit', 'since', 'status']);
    });
  });

  describe(`scripted faults [${engine}]`, () => {
    let r: TestRoster;
    let admin: ReturnType<typeof adminOf>;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { adminToken: TOKEN } });
      admin = adminOf(r);
    });
    afterEach(async () => {
      await admin('DELETE', '/_roster/faults');
      await admin('DELETE', '/_roster/requests');
    });
    after(() => r?.close());

    it('answers an error from the table by code, for the next N calls only, counted and marked in the journal', async () => {
      const { id } = await admin('POST', '/_roster/faults', { method: 'im.user.get', error: 'expired_token', times: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await r.call('im.user.get', { ID: 2 });
        statuses.push(res.status);
        if (res.status === 401) assert.deepEqual(res.body, { error: 'expired_token', error_description: 'The access token provided has expired' });
      }
      assert.deepEqual(statuses, [401, 401, 200]);
      assert.equal((await r.call('im.user.list.get', { ID: [2] })).status, 200); // other methods untouched
      const [rule] = (await admin('GET', '/_roster/faults')).rules;
      assert.deepEqual({ id: rule.id, fired: rule.fired, remaining: rule.remaining, error: rule.error }, { id, fired: 2, remaining: 0, error: 'expired_token' });
      const journal = (await admin('GET', '/_roster/requests?method=im.user.get')).requests;
      assert.deepEqual(journal.map((e: any) => e.fault?.rule ?? null), [null, id, id]);
    });

    it('answers each error the SDKs handle with its status: QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT, insufficient_scope, INTERNAL_SERVER_ERROR', async () => {
      for (const [error, status] of [['QUERY_LIMIT_EXCEEDED', 503], ['OPERATION_TIME_LIMIT', 429], ['insufficient_scope', 403], ['INTERNAL_SERVER_ERROR', 500]] as const) {
        await admin('POST', '/_roster/faults', { method: 'server.time', error, times: 1 });
        const res = await r.call('server.time');
        assert.equal(res.status, status, error);
        assert.equal(res.body.error, error);
        assert.equal(typeof res.body.error_description, 'string');
      }
    });

    it('answers any status with any error and description', async () => {
      await admin('POST', '/_roster/faults', { method: 'profile', status: 502, error: 'UPSTREAM_GONE', description: 'Portal is restarting' });
      const res = await r.call('profile');
      assert.equal(res.status, 502);
      assert.deepEqual(res.body, { error: 'UPSTREAM_GONE', error_description: 'Portal is restarting' });
    });

    it('matches by pattern and narrows by webhook, user and client_id', async () => {
      await admin('POST', '/_roster/faults', { method: 'im.*', error: 'ACCESS_DENIED' });
      assert.equal((await r.call('im.user.get', { ID: 2 })).status, 403);
      assert.equal((await r.call('im.department.get', { ID: [1] })).status, 403);
      assert.equal((await r.call('user.get', { ID: 1 })).status, 200);
      await admin('DELETE', '/_roster/faults');

      const hook2 = await r.hook(2);
      const hook3 = await r.hook(3);
      const webhook3 = (await (async () => {
        await r.call('profile', {}, { hook: hook3 });
        return (await admin('GET', '/_roster/requests?limit=1')).requests[0].credential.webhook;
      })()) as number;
      await admin('POST', '/_roster/faults', [
        { method: 'profile', user: 2, error: 'ERROR_CORE' },
        { method: 'profile', webhook: webhook3, error: 'ACCESS_DENIED' },
      ]);
      assert.equal((await r.call('profile', {}, { hook: hook2 })).body.error, 'ERROR_CORE');
      assert.equal((await r.call('profile', {}, { hook: hook3 })).body.error, 'ACCESS_DENIED');
      assert.equal((await r.call('profile')).status, 200);
      await admin('DELETE', '/_roster/faults');

      const a = await createApplication(r.roster.store.db, { name: 'A', scopes: ['im'] });
      const b = await createApplication(r.roster.store.db, { name: 'B', scopes: ['im'] });
      const tokenOf = async (c: typeof a) => (await grantTokens(r.roster.store.db, (await findApplication(r.roster.store.db, c.clientId))!, 1, r.url)).access_token;
      await admin('POST', '/_roster/faults', { method: '*', client_id: a.clientId, error: 'expired_token' });
      assert.equal((await r.fetch(`/rest/profile?auth=${await tokenOf(a)}`)).body.error, 'expired_token');
      assert.equal((await r.fetch(`/rest/profile?auth=${await tokenOf(b)}`)).status, 200);
      assert.equal((await r.call('profile')).status, 200);
    });

    it('fires with a seeded probability that repeats run after run', async () => {
      const outcomes = async () => {
        await admin('POST', '/_roster/faults', { method: 'server.time', status: 500, error: 'INTERNAL_SERVER_ERROR', description: 'flaky', probability: 0.4, seed: 7 });
        const out: number[] = [];
        for (let i = 0; i < 30; i++) out.push((await r.call('server.time')).status);
        const [rule] = (await admin('GET', '/_roster/faults')).rules;
        await admin('DELETE', '/_roster/faults');
        return { out, rule };
      };
      const first = await outcomes();
      const second = await outcomes();
      assert.deepEqual(first.out, second.out);
      const failed = first.out.filter((s) => s === 500).length;
      assert.ok(failed > 0 && failed < 30, `${failed} of 30 failed`);
      assert.equal(first.rule.matched, 30);
      assert.equal(first.rule.fired, failed);
    });

    it('adds latency and still answers; marks it in the journal', async () => {
      await admin('POST', '/_roster/faults', { method: 'server.time', latency_ms: 30, times: 1 });
      assert.equal((await r.call('server.time')).status, 200);
      const [entry] = (await admin('GET', '/_roster/requests')).requests;
      assert.equal(entry.status, 200);
      assert.equal(entry.fault.action, 'latency');
    });

    it('drops the connection without an answer', async () => {
      await admin('POST', '/_roster/faults', { method: 'user.get', drop: true, times: 1 });
      await assert.rejects(r.call('user.get', { ID: 1 }));
      // inside batch the whole connection goes, and the batch is marked
      await admin('POST', '/_roster/faults', { method: 'profile', drop: true, times: 1 });
      await assert.rejects(r.call('batch', { cmd: ['server.time', 'profile'] }));
      const [batch] = (await admin('GET', '/_roster/requests?method=batch')).requests;
      assert.deepEqual([batch.status, batch.error, batch.fault.action], [0, 'CONNECTION_DROPPED', 'drop']);
      assert.equal((await r.call('user.get', { ID: 1 })).status, 200);
      const [, dropped] = (await admin('GET', '/_roster/requests')).requests;
      assert.equal(dropped.status, 0);
      assert.equal(dropped.error, 'CONNECTION_DROPPED');
      assert.equal(dropped.fault.action, 'drop');
    });

    it('inside batch applies per command, into result_error as upstream reports it; `batch` rules fail the whole request', async () => {
      const { id } = await admin('POST', '/_roster/faults', { method: 'im.user.get', error: 'OPERATION_TIME_LIMIT' });
      const res = await r.call('batch', { cmd: { a: 'im.user.get?ID=2', b: 'user.get?ID=1' } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.result.result_error, { a: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' } });
      assert.equal(res.body.result.result.b.length, 1);
      const [entry] = (await admin('GET', '/_roster/requests')).requests;
      assert.equal(entry.fault, undefined);
      assert.deepEqual(entry.commands[0].fault, { rule: id, action: 'error' });
      assert.equal(entry.commands[0].status, 429);
      await admin('DELETE', '/_roster/faults');

      await admin('POST', '/_roster/faults', { method: 'batch', error: 'QUERY_LIMIT_EXCEEDED', times: 1 });
      const whole = await r.call('batch', { cmd: { a: 'im.user.get?ID=2' } });
      assert.equal(whole.status, 503);
      assert.equal(whole.body.error, 'QUERY_LIMIT_EXCEEDED');
    });

    it('removes one rule or all', async () => {
      const { ids } = await admin('POST', '/_roster/faults', { rules: [{ method: 'profile', error: 'ERROR_CORE' }, { method: 'scope', error: 'ERROR_CORE' }] });
      assert.equal(ids.length, 2);
      assert.deepEqual(await admin('DELETE', `/_roster/faults/${ids[0]}`), { removed: 1 });
      assert.equal((await admin('DELETE', `/_roster/faults/${ids[0]}`, undefined, 404)).error, 'NOT_FOUND');
      assert.deepEqual((await admin('DELETE', '/_roster/faults/first', undefined, 400)).problems, [{ path: 'id', message: 'must be a rule id' }]);
      assert.equal((await r.call('profile')).status, 200);
      assert.equal((await r.call('scope')).status, 400);
      assert.deepEqual((await admin('GET', '/_roster/faults')).rules.map((x: any) => x.id), [ids[1]]);
      assert.deepEqual(await admin('DELETE', '/_roster/faults'), { removed: 1 });
      assert.deepEqual((await admin('GET', '/_roster/faults')).rules, []);
    });

    it('answers 400 listing every problem of bad rules, and adds none of them', async () => {
      await admin('POST', '/_roster/faults', { method: 'profile', error: 'ERROR_CORE' });
      const one = await admin('POST', '/_roster/faults', { method: 'bad method!', error: 'NOT_A_CODE', drop: 'yes', times: 0, probability: 2, seed: 1.5, colour: 'red' }, 400);
      assert.equal(one.error, 'ERROR_ARGUMENT');
      const paths = one.problems.map((p: any) => p.path).sort();
      assert.deepEqual(paths, ['colour', 'drop', 'error', 'method', 'probability', 'seed', 'times']);
      assert.ok(one.problems.find((p: any) => p.path === 'error').message.includes('NOT_A_CODE'));
      const many = await admin('POST', '/_roster/faults', [{ method: 'profile', error: 'ERROR_CORE' }, { method: 'x' }, { method: 'y', status: 500 }, 'nonsense'], 400);
      assert.deepEqual(many.problems.map((p: any) => p.path).sort(), ['rules[1].error', 'rules[2].error', 'rules[2].status', 'rules[3]']);
      assert.equal((await admin('POST', '/_roster/faults', { rules: [] }, 400)).problems[0].path, 'rules');
      assert.equal((await admin('GET', '/_roster/faults')).rules.length, 1);
    });

    it('--faults loads rules at start; a bad file stops the start listing every problem', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'roster-faults-'));
      try {
        const good = join(dir, 'good.json');
        await writeFile(good, JSON.stringify([{ method: 'server.time', error: 'INTERNAL_SERVER_ERROR', times: 1 }]));
        const s = await startRoster({ engine, config: { faults: good } });
        try {
          assert.equal((await s.call('server.time')).status, 500);
          assert.equal((await s.call('server.time')).status, 200);
          assert.equal((await s.fetch('/_roster/faults', { headers: H })).status, 404); // no admin token: no endpoints
        } finally {
          await s.close();
        }
        const bad = join(dir, 'bad.json');
        await writeFile(bad, JSON.stringify({ rules: [{ method: 'x', error: 'NOPE' }, { latency_ms: -1 }] }));
        await assert.rejects(startRoster({ engine, config: { faults: bad } }), (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.problems.length, 2, error.message);
          return true;
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe(`the controllable clock [${engine}]`, () => {
    let r: TestRoster;
    let admin: ReturnType<typeof adminOf>;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { adminToken: TOKEN } });
      admin = adminOf(r);
    });
    afterEach(() => clock.reset());
    after(() => r?.close());

    it('sets, advances, freezes and resets; the time block and server.time follow', async () => {
      const set = await admin('POST', '/_roster/clock', { set: '2031-03-04T05:06:07Z', freeze: true });
      assert.deepEqual({ now: set.now, frozen: set.frozen, unix: set.unix }, { now: '2031-03-04T05:06:07.000Z', frozen: true, unix: Date.parse('2031-03-04T05:06:07Z') / 1000 });
      const res = await r.call('server.time');
      assert.equal(res.body.result, '2031-03-04T06:06:07+01:00');
      assert.equal(res.body.time.start, Date.parse('2031-03-04T05:06:07Z') / 1000);
      assert.equal(res.body.time.date_start, '2031-03-04T06:06:07+01:00');
      const moved = await admin('POST', '/_roster/clock', { advance: 90 });
      assert.equal(moved.now, '2031-03-04T05:07:37.000Z');
      assert.equal((await admin('GET', '/_roster/clock')).now, moved.now); // frozen: it does not move by itself
      const running = await admin('POST', '/_roster/clock', { freeze: false });
      assert.equal(running.frozen, false);
      const back = await admin('POST', '/_roster/clock', { reset: true });
      assert.equal(back.frozen, false);
      assert.ok(Math.abs(back.offset_ms) < 60_000);
    });

    it('answers 400 listing every problem of a bad change, and does not move', async () => {
      const before = await admin('POST', '/_roster/clock', { set: '2031-01-01T00:00:00Z', freeze: true });
      const bad = await admin('POST', '/_roster/clock', { set: 'next tuesday', advance: 'soon', freeze: 'yes', reset: true, speed: 2 }, 400);
      assert.deepEqual(bad.problems.map((p: any) => p.path).sort(), ['advance', 'freeze', 'reset', 'set', 'speed']);
      assert.equal((await admin('GET', '/_roster/clock')).now, before.now);
    });

    it('expires access tokens after 3,600 s, codes after 60 s, refresh tokens after 180 days', async () => {
      const client = await createApplication(r.roster.store.db, { name: 'Clock', scopes: ['im'] });
      const row = (await findApplication(r.roster.store.db, client.clientId))!;
      // frozen before the grant: a second boundary between the two would make 3,599 s already too late
      await admin('POST', '/_roster/clock', { freeze: true });
      const pair = await grantTokens(r.roster.store.db, row, 1, r.url);
      assert.equal((await r.fetch(`/rest/profile?auth=${pair.access_token}`)).status, 200);
      await admin('POST', '/_roster/clock', { advance: 3599 });
      assert.equal((await r.fetch(`/rest/profile?auth=${pair.access_token}`)).status, 200);
      await admin('POST', '/_roster/clock', { advance: 2 });
      const expired = await r.fetch(`/rest/profile?auth=${pair.access_token}`);
      assert.equal(expired.status, 401);
      assert.equal(expired.body.error, 'expired_token');
      const refreshed = await r.fetch('/oauth/token/', {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: pair.refresh_token }).toString(),
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(refreshed.body.expires, clock.unix() + 3600);
      assert.equal((await r.fetch(`/rest/profile?auth=${refreshed.body.access_token}`)).status, 200);

      const code = await createCode(r.roster.store.db, { appId: row.id, userId: 1, scope: ['im'], redirectUri: '' });
      await admin('POST', '/_roster/clock', { advance: 61 });
      const late = await r.fetch('/oauth/token/', {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code }).toString(),
      });
      assert.equal(late.body.error, 'invalid_grant');

      await admin('POST', '/_roster/clock', { advance: 180 * 86400 + 1 });
      const stale = await r.fetch('/oauth/token/', {
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshed.body.refresh_token }).toString(),
      });
      assert.equal(stale.body.error, 'invalid_grant');
    });

    it('moves presence (the online window, idleness) and absences ("today")', async () => {
      await admin('POST', '/_roster/clock', { set: '2031-06-10T10:00:00Z', freeze: true });
      const db = r.roster.store.db;
      await db.updateTable('users').set({ last_activity_at: clock.unix() }).where('id', '=', 2).execute();
      await db.insertInto('absences').values({ user_id: 2, date_from: '2031-06-10', date_to: '2031-06-11', reason: 'vacation' }).execute();
      await r.tablesEdited();
      const online = async () => (await r.call('user.get', { ID: 2 })).body.result[0].IS_ONLINE;
      const absent = async () => (await r.call('im.user.get', { ID: 2 })).body.result.absent;
      assert.equal(await online(), 'Y');
      assert.equal(await absent(), '2031-06-12T00:00:00+02:00');
      await admin('POST', '/_roster/clock', { advance: 1441 });
      assert.equal(await online(), 'N');
      await admin('POST', '/_roster/clock', { set: '2031-06-12T10:00:00Z' });
      assert.equal(await absent(), false);

      const me = await r.as(3);
      await admin('POST', '/_roster/clock', { set: '2031-06-12T10:00:00Z' });
      assert.equal((await r.call('im.user.status.idle.start', { AGO: 5 }, { hook: me })).status, 200);
      assert.equal((await r.call('im.user.get', {}, { hook: me })).body.result.idle, '2031-06-12T11:55:00+02:00');
    });

    for (const shared of redisUp ? [false, true] : [false]) {
      it(`moves the request bucket and the operating-time window${shared ? ' (counters in Redis)' : ''}`, async () => {
        const limited = await startRoster({ engine, config: { adminToken: TOKEN, limits: '2/0.01', operatingBudget: 0.000001, ...(shared ? { redis: REDIS_URL } : {}) } });
        try {
          const a = adminOf(limited);
          await a('POST', '/_roster/clock', { freeze: true });
          // three methods: each has its own operating time, the bucket is shared
          const statuses = [];
          for (const method of ['server.time', 'profile', 'scope']) statuses.push((await limited.call(method)).status);
          assert.deepEqual(statuses, [200, 200, 503]);
          const [refused] = (await a('GET', '/_roster/requests?limit=1')).requests;
          assert.deepEqual([refused.error, refused.credential?.user_id], ['QUERY_LIMIT_EXCEEDED', 1]); // who was refused
          await a('POST', '/_roster/clock', { advance: 500 }); // 5 requests leak out at 0.01/s
          assert.equal((await limited.call('user.get', { ID: 1 })).status, 200);
          // over the budget now: the method is blocked until its minute leaves the 10-minute window
          assert.equal((await limited.call('user.get', { ID: 1 })).status, 429);
          await a('POST', '/_roster/clock', { advance: 601 });
          assert.equal((await limited.call('user.get', { ID: 1 })).status, 200);
        } finally {
          if (shared) await dropRedisKeys(`roster:${await memberId(limited.roster.store.db)}:`);
          await limited.close();
        }
      });
    }

    it('--clock starts the server frozen at that time', async () => {
      const s = await startRoster({ engine, config: { adminToken: TOKEN, clock: '2030-01-02T03:04:05Z' } });
      try {
        const state = await adminOf(s)('GET', '/_roster/clock');
        assert.deepEqual([state.now, state.frozen], ['2030-01-02T03:04:05.000Z', true]);
        assert.equal((await s.call('server.time')).body.result, '2030-01-02T04:04:05+01:00');
      } finally {
        await s.close();
      }
    });
  });
}

describe('admin guard: every control endpoint needs --admin-token', () => {
  const endpoints: [string, string, unknown?][] = [
    ['GET', '/_roster/requests'],
    ['GET', '/_roster/requests/count'],
    ['DELETE', '/_roster/requests'],
    ['GET', '/_roster/faults'],
    ['POST', '/_roster/faults', { method: '*', error: 'ERROR_CORE' }],
    ['DELETE', '/_roster/faults'],
    ['DELETE', '/_roster/faults/1'],
    ['GET', '/_roster/clock'],
    ['POST', '/_roster/clock', { advance: 86400 }],
  ];
  let open: TestRoster;
  let guarded: TestRoster;
  before(async () => {
    open = await startRoster();
    guarded = await startRoster({ config: { adminToken: TOKEN } });
  });
  after(async () => {
    await open?.close();
    await guarded?.close();
    clock.reset();
  });

  it('without --admin-token none exists (404), and the clock cannot move', async () => {
    const before = clock.now();
    for (const [method, path, body] of endpoints) {
      const res = await open.fetch(path, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    assert.ok(Math.abs(clock.now() - before) < 60_000, 'the clock moved');
    assert.equal((await open.call('server.time')).status, 200, 'a fault rule was added');
  });

  it('with it, a missing token is 401 and a wrong one 403', async () => {
    for (const [method, path, body] of endpoints) {
      const init = (headers: Record<string, string>) => ({ method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal((await guarded.fetch(path, init({}))).status, 401, `${method} ${path}`);
      assert.equal((await guarded.fetch(path, init({ authorization: 'Bearer wrong-token-wrong-token' }))).status, 403, `${method} ${path}`);
    }
  });
});

describe('/healthz and /readyz', () => {
  it('answer without a token: up, and ready while every check passes; a failed check is named', async () => {
    const r = await startRoster({ config: { adminToken: TOKEN } });
    try {
      assert.deepEqual((await r.fetch('/healthz')).body, { status: 'ok' });
      const ready = await r.fetch('/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ready', checks: { store: 'ok', migrations: 'ok', ...(r.roster.app.read ? { 'read model loaded': 'ok' } : {}) } });
      let loaded = false;
      addReadinessCheck(r.roster.app, { name: 'read_model', check: async () => loaded || 'still loading' });
      const waiting = await r.fetch('/readyz');
      assert.equal(waiting.status, 503);
      assert.deepEqual(waiting.body, { status: 'unavailable', checks: { store: 'ok', migrations: 'ok', ...(r.roster.app.read ? { 'read model loaded': 'ok' } : {}), read_model: 'still loading' }, failed: ['read_model'] });
      loaded = true;
      assert.equal((await r.fetch('/readyz')).status, 200);
    } finally {
      await r.close();
    }
  });

  it('names Redis when the configured Redis does not answer', async () => {
    const r = await startRoster({ config: { redis: 'redis://127.0.0.1:1', limits: 'standard' } });
    try {
      const res = await r.fetch('/readyz');
      assert.equal(res.status, 503);
      assert.deepEqual(res.body.failed, ['redis']);
      assert.equal((await r.fetch('/healthz')).status, 200);
    } finally {
      await r.close();
    }
  });
});

describe('/metrics', () => {
  it('is valid Prometheus text with requests, latency, batch commands, statements, limits, faults, feeds and process series', async () => {
    const r = await startRoster({ seed: 'demo', config: { adminToken: TOKEN, limits: '3/0.001' } });
    try {
      const admin = adminOf(r);
      await r.call('im.user.get', { ID: 2 });
      await r.call('batch', { cmd: { a: 'im.user.get?ID=2', b: 'user.get?ID=1' } });
      await admin('POST', '/_roster/faults', { method: 'server.time', error: 'ERROR_CORE', times: 1 });
      await r.call('server.time');
      await r.call('server.time'); // the bucket holds 3: this one is refused
      r.roster.app.metrics!.readModelSize.set({ kind: 'users' }, 42);
      r.roster.app.metrics!.eventDeliveries.inc({ outcome: 'delivered' });
      const res = await r.fetch('/metrics');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const m = parsePrometheus(res.text);
      assert.equal(m.value('roster_requests_total', { method: 'im.user.get', status: '200' }), 1);
      assert.equal(m.value('roster_requests_total', { method: 'batch', status: '200' }), 1);
      assert.equal(m.value('roster_requests_total', { method: 'server.time', status: '400' }), 1);
      assert.equal(m.value('roster_requests_total', { method: 'server.time', status: '503' }), 1);
      assert.equal(m.types.get('roster_request_duration_seconds'), 'histogram');
      assert.equal(m.value('roster_request_duration_seconds_count', { method: 'im.user.get' }), 1);
      assert.equal(m.value('roster_request_duration_seconds_bucket', { method: 'im.user.get', le: '+Inf' }), 1);
      assert.equal(m.value('roster_batch_commands_total', { method: 'user.get', status: '200' }), 1);
      assert.ok(m.value('roster_store_statements_total') > 0);
      assert.equal(m.value('roster_limit_rejections_total', { limit: 'rate' }), 1);
      assert.equal(m.value('roster_faults_injected_total', { action: 'error' }), 1);
      assert.equal(m.types.get('roster_change_feed_lag_seconds'), 'gauge');
      assert.equal(m.value('roster_read_model_entries', { kind: 'users' }), 42);
      assert.equal(m.value('roster_event_deliveries_total', { outcome: 'delivered' }), 1);
      assert.ok(m.value('process_cpu_seconds_total') > 0);
      assert.ok(m.value('process_resident_memory_bytes') > 0);
    } finally {
      await r.close();
    }
  });

  it('--metrics off removes it; --metrics-token guards it', async () => {
    const off = await startRoster({ config: { metrics: false } });
    const guarded = await startRoster({ config: { metricsToken: 'metrics-token-0123456789' } });
    try {
      assert.equal((await off.fetch('/metrics')).status, 404);
      assert.equal((await guarded.fetch('/metrics')).status, 401);
      assert.equal((await guarded.fetch('/metrics', { headers: { authorization: 'Bearer nope-nope-nope-nope' } })).status, 401);
      const ok = await guarded.fetch('/metrics', { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      assert.equal(ok.status, 200);
      parsePrometheus(ok.text);
    } finally {
      await off.close();
      await guarded.close();
    }
  });
});
