/** The `roster` command as a newcomer runs it: serve --demo, then webhooks managed beside the running server. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { engines, PG_URL } from '../helpers/roster.js';
import { runRoster as roster, serveRoster } from '../helpers/cli.js';



/** Starts `roster serve` and resolves once it printed its webhook (or its hint). */
async function serve(args: string[]): Promise<{ output: string; stop: () => Promise<void> }> {
  const server = await serveRoster(['--port', '0', '--log-level', 'warn', ...args], /curl '.*'\n[\s\S]*curl '.*'\n|roster webhook create/);
  return { output: server.output(), stop: () => server.stop() };
}

for (const engine of engines) {
  describe(`roster CLI [${engine}]`, () => {
    let db: string;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (engine === 'postgres') {
        const schema = `cli_${Math.random().toString(36).slice(2, 10)}`;
        db = `${PG_URL}?schema=${schema}`;
        cleanup = async () => {
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await c.end();
        };
      } else {
        const dir = await mkdtemp(join(tmpdir(), 'roster-cli-'));
        db = join(dir, 'data', 'roster.db');
        cleanup = () => rm(dir, { recursive: true, force: true });
      }
    });
    after(() => cleanup());

    it('serve --demo creates the demo company and prints a working admin webhook and curl line', async () => {
      const server = await serve(['--demo', '--db', db]);
      try {
        const hook = /Admin webhook \(all scopes\): (\S+)/.exec(server.output)?.[1];
        assert.ok(hook, server.output);
        assert.match(server.output, /curl '.*im\.user\.list\.get\?ID\[\]=1&ID\[\]=2'/);
        const res = await fetch(`${hook}im.user.list.get?ID[]=1&ID[]=2`);
        const body = (await res.json()) as any;
        assert.equal(body.result['2'].name, 'Olivia Bennett');
        const colleagues = (await (await fetch(`${hook}im.department.colleagues.list`)).json()) as any;
        assert.ok(colleagues.total > 5);

        // the console's address and a ready administrator sign-in that works
        const [, consoleUrl, login, password] = /Console: (\S+)\n\s+sign in as (\S+), password (\S+) /.exec(server.output) ?? [];
        assert.equal(consoleUrl, `${new URL(hook).origin}/`, server.output);
        // its page and scripts, found beside the code whether the sources or the dist/ bundle run
        assert.match(await (await fetch(consoleUrl!, { headers: { accept: 'text/html' } })).text(), /^<!doctype html>/i);
        assert.equal((await fetch(`${consoleUrl}_roster/console/vendor/preact.js`)).status, 200);
        const session = await fetch(`${consoleUrl}_roster/console/api/session`);
        const signIn = await fetch(`${consoleUrl}_roster/console/api/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: session.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': ((await session.json()) as any).csrf },
          body: JSON.stringify({ login, password }),
        });
        assert.equal(signIn.status, 200);

        // webhooks are managed beside the running server, on the same database
        const created = await roster(['webhook', 'create', '--user', '7', '--scope', 'im,user', '--title', 'ci', '--json', '--db', db]);
        assert.equal(created.code, 0, created.stderr);
        const hookInfo = JSON.parse(created.stdout);
        assert.deepEqual(Object.keys(hookInfo), ['id', 'url', 'user_id', 'scope']);
        assert.equal(hookInfo.user_id, 7);
        assert.deepEqual(hookInfo.scope, ['im', 'user']);
        const base = new URL(hook).origin;
        const path = new URL(hookInfo.url).pathname;
        const mine = (await (await fetch(`${base}${path}im.user.list.get`)).json()) as any;
        assert.deepEqual(Object.keys(mine.result), ['7']);

        const listed = JSON.parse((await roster(['webhook', 'list', '--json'], { ROSTER_DB: db })).stdout);
        assert.ok(listed.some((w: any) => w.id === hookInfo.id && w.user_id === 7 && !w.revoked));
        assert.ok(!JSON.stringify(listed).includes(path.split('/')[3]!), 'secrets are never shown');

        const revoked = await roster(['webhook', 'revoke', String(hookInfo.id), '--db', db]);
        assert.equal(revoked.code, 0, revoked.stderr);
        // SQLite: each request first catches up what another process committed, so the very next
        // one is refused. PostgreSQL: the revocation arrives with the feed's NOTIFY, a moment after
        // the commit, so it is waited for (never timed; the bound keeps a broken build from hanging)
        let status = (await fetch(`${base}${path}im.user.list.get`)).status;
        if (engine === 'postgres') {
          for (const until = performance.now() + 10_000; status === 200 && performance.now() < until; ) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            status = (await fetch(`${base}${path}im.user.list.get`)).status;
          }
        }
        assert.equal(status, 401);
      } finally {
        await server.stop();
      }
    });

    it('restarting keeps the data and does not load the demo twice', async () => {
      const server = await serve(['--demo', '--db', db]);
      try {
        assert.doesNotMatch(server.output, /Loaded the demo company/);
        assert.match(server.output, /Console: \S+ — sign in as admin with the password set before/, 'a password is set once, never shown again');
        const hook = /Admin webhook \(all scopes\): (\S+)/.exec(server.output)![1];
        const body = (await (await fetch(`${hook}im.user.list.get?ID[]=61`)).json()) as any;
        assert.equal(body.result['61'].bot, true);
      } finally {
        await server.stop();
      }
    });

    it('explains bad arguments with exit code 2', async () => {
      for (const args of [
        ['webhook', 'create', '--user', 'abc', '--scope', 'im', '--db', db],
        ['webhook', 'create', '--user', '1', '--scope', 'im,bogus', '--db', db],
        ['webhook', 'create', '--user', '999999', '--scope', 'im', '--db', db],
        ['webhook', 'revoke', 'nope', '--db', db],
        ['webhook', 'revoke', '999999', '--db', db],
      ]) {
        const res = await roster(args);
        assert.equal(res.code, 2, `${args.join(' ')}: ${res.stdout}${res.stderr}`);
        assert.match(res.stderr, /^roster: /);
      }
      const bad = await roster(['serve', '--port', 'abc', '--timezone', 'Mars/Base', '--db', db]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--port/);
      assert.match(bad.stderr, /--timezone/);
    });
  });
}
