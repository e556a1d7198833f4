/** `roster requests`, `roster faults`, `roster clock` against a running server, as a CI script runs them. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { clock } from '../../src/clock.js';
import { startRoster, type TestRoster } from '../helpers/roster.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/roster.js');
const TOKEN = 'cli-control-admin-token';

describe('roster requests | faults | clock', () => {
  let r: TestRoster;
  const roster = async (args: string[], token: string | null = TOKEN) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--url', r.url, ...(token ? ['--admin-token', token] : [])]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  before(async () => {
    r = await startRoster({ seed: 'demo', config: { adminToken: TOKEN } });
  });
  after(async () => {
    await r?.close();
    clock.reset();
  });

  it('adds, lists and clears fault rules; a bad rule is refused with every problem', async () => {
    const added = await roster(['faults', 'add', '{"method":"im.user.get","error":"expired_token","times":1}']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Added rule 1\./);
    assert.equal((await r.call('im.user.get', { ID: 2 })).body.error, 'expired_token');
    const listed = await roster(['faults', 'list']);
    assert.equal(JSON.parse(listed.stdout)[0].fired, 1);
    const bad = await roster(['faults', 'add', '{"method":"x","error":"NOPE","drop":1}']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error: "NOPE" is not in Roster's error table/);
    assert.match(bad.stderr, /drop: /);
    assert.match((await roster(['faults', 'clear'])).stdout, /Removed 1 rule\./);
  });

  it('prints the journal, counts it, filters it, follows it and clears it', async () => {
    await roster(['requests', '--clear']);
    await r.call('im.user.get', { ID: 2 });
    await r.call('server.time');
    const shown = await roster(['requests']);
    assert.equal(shown.code, 0, shown.stderr);
    const lines = shown.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /im\.user\.get {2}200 /); // oldest first, like a log
    assert.match(lines[1]!, /server\.time {2}200 /);
    assert.equal((await roster(['requests', '--count', '--method', 'server.time'])).stdout.trim(), '1');
    const json = (await roster(['requests', '--json', '--method', 'im.user.get'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(json.map((e) => e.method), ['im.user.get']);

    // --follow prints calls as they come
    const child = spawn(process.execPath, [BIN, 'requests', '--follow', '--url', r.url, '--admin-token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const waitFor = async (pattern: RegExp) => {
        for (let i = 0; i < 200 && !pattern.test(out); i++) await new Promise((res) => setTimeout(res, 50));
        assert.match(out, pattern);
      };
      await waitFor(/server\.time/);
      await r.call('profile');
      await waitFor(/profile {2}200/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('shows and moves the clock', async () => {
    const set = await roster(['clock', '--set', '2032-02-02T02:02:02Z', '--freeze']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^2032-02-02T02:02:02\.000Z \(frozen\)/);
    assert.match((await roster(['clock', '--advance', '60'])).stdout, /^2032-02-02T02:03:02\.000Z/);
    assert.match((await roster(['clock'])).stdout, /^2032-02-02T02:03:02\.000Z \(frozen\)/);
    assert.equal((await roster(['clock', '--advance', 'soon'])).code, 2);
    assert.doesNotMatch((await roster(['clock', '--reset'])).stdout, /frozen/);
  });

  it('needs the admin token, and says when the server has no control plane', async () => {
    const missing = await roster(['requests'], null);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /admin token/);
    const open = await startRoster();
    try {
      const { stderr, code } = await run(process.execPath, [BIN, 'faults', 'list', '--url', open.url, '--admin-token', TOKEN]).then(
        () => ({ stderr: '', code: 0 }),
        (e: { stderr: string; code: number }) => e,
      );
      assert.equal(code, 2);
      assert.match(stderr, /start it with --admin-token/);
    } finally {
      await open.close();
    }
  });
});
