/**
 * Two `roster serve` processes and the `roster` CLI writing one directory at once (issue #10):
 * no write lost, no 500, no "database is locked"; rules that span rows hold under concurrency.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { throwawayDatabase } from '../helpers/postgres.js';
import { engines, PG_URL } from '../helpers/roster.js';
import { DEMO_SEED } from '../../src/state/directory.js';
import { openStore } from '../../src/store/index.js';
import { createWebhook } from '../../src/store/webhooks.js';
import { SCOPES } from '../../src/rest/scopes.js';
import { runRoster as cli, serveRoster } from '../helpers/cli.js';



/** `roster serve` on a free port; resolves with its URL. */
async function serve(db: string): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const server = await serveRoster(['--port', '0', '--host', '127.0.0.1', '--db', db, '--limits', 'off'], /listening on http:\/\/\S+/);
  return { url: server.url!, output: server.output, stop: () => server.stop() };
}

for (const engine of engines) {
  describe(`two servers and the CLI on one directory [${engine}]`, () => {
    let db: string;
    let cleanup: () => Promise<void>;
    let servers: Awaited<ReturnType<typeof serve>>[] = [];
    let hooks: string[] = [];
    before(async () => {
      if (engine === 'postgres') {
        const t = await throwawayDatabase(PG_URL, 'conc');
        db = t.url;
        cleanup = t.drop;
      } else {
        const dir = await mkdtemp(join(tmpdir(), 'roster-conc-'));
        db = join(dir, 'roster.db');
        cleanup = () => rm(dir, { recursive: true, force: true });
      }
      const imported = await cli(['import', DEMO_SEED, '--db', db]);
      assert.equal(imported.code, 0, imported.stderr);
      const store = await openStore(db);
      const { secret } = await createWebhook(store.db, { userId: 1, scopes: [...SCOPES] });
      await store.close();
      servers = await Promise.all([serve(db), serve(db)]);
      hooks = servers.map((s) => `${s.url}/rest/1/${secret}/`);
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await cleanup?.();
    });

    const call = async (i: number, method: string, params: Record<string, unknown>) => {
      const res = await fetch(`${hooks[i % 2]}${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
      const text = await res.text();
      assert.notEqual(res.status, 500, text);
      assert.ok(!/database is locked|duplicate key/i.test(text), text);
      return { status: res.status, body: JSON.parse(text) };
    };

    it('parallel department.update 7→8 and 8→7 never make a cycle', async () => {
      for (let round = 0; round < 6; round++) {
        const [a, b] = await Promise.all([call(0, 'department.update', { ID: 7, PARENT: 8 }), call(1, 'department.update', { ID: 8, PARENT: 7 })]);
        assert.deepEqual([a.status, b.status].sort(), [200, 400], JSON.stringify([a.body, b.body]));
        const loser = a.status === 400 ? a : b;
        assert.match(loser.body.error_description, /\[cycle\]$/);
        const departments = (await call(0, 'department.get', {})).body.result as { ID: string; PARENT?: string }[];
        assert.ok(departments.some((d) => d.ID === '7') && departments.some((d) => d.ID === '8'));
        // back to both under 6 for the next round
        await call(0, 'department.update', { ID: a.status === 200 ? 7 : 8, PARENT: 6 });
      }
    });

    it('4 parallel user.add with one e-mail: one success; one LOGIN twice: one success', async () => {
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all([0, 1, 2, 3].map((i) => call(i, 'user.add', { EMAIL: `same${round}@example.com`, NAME: `N${i}`, UF_DEPARTMENT: [2] })));
        assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400, 400]);
        const logins = await Promise.all([0, 1].map((i) => call(i, 'user.add', { EMAIL: `login${round}.${i}@example.com`, LOGIN: `same_login_${round}`, UF_DEPARTMENT: [2] })));
        assert.deepEqual(logins.map((r) => r.status).sort(), [200, 400]);
        assert.ok(logins.some((r) => /\[duplicate_login\]$/.test(r.body.error_description ?? '')));
      }
    });

    for (const mode of ['--replace', '--merge']) {
      it(`user.add on both servers during roster import ${mode}: no 500, no lost write`, async () => {
        let stop = false;
        const statuses: number[] = [];
        const added: number[] = [];
        const writers = [0, 1].map(async (i) => {
          for (let n = 0; !stop; n++) {
            const res = await call(i, 'user.add', { EMAIL: `during${mode}${i}.${n}.${Math.random()}@example.com`, UF_DEPARTMENT: [2] });
            statuses.push(res.status);
            if (res.status === 200) added.push(res.body.result);
            else assert.equal(res.status, 503, JSON.stringify(res.body));
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        });
        const imports = [];
        for (let k = 0; k < 2; k++) imports.push(await cli(['import', DEMO_SEED, mode, '--db', db]));
        stop = true;
        await Promise.all(writers);
        for (const res of imports) {
          assert.equal(res.code, 0, res.stderr);
          assert.ok(!/locked|SQLITE_BUSY|at .*\.js:\d+/.test(res.stderr), res.stderr);
        }
        assert.ok(statuses.filter((s) => s === 200).length > 0);
        if (mode === '--merge') {
          // a merge deletes nothing: every user added meanwhile is still there, each with its own id
          assert.equal(new Set(added).size, added.length, 'no id handed out twice');
          const store = await openStore(db);
          const found = await store.db.selectFrom('users').select('id').where('id', 'in', added).execute();
          await store.close();
          assert.equal(found.length, added.length, 'no write lost');
        }
        for (const s of servers) assert.ok(!/database is locked|SQLITE_BUSY/.test(s.output()), s.output());
      });
    }
  });
}
