/**
 * Events from the command line, against a real `roster serve` process: applications installed
 * and uninstalled with the CLI, outgoing webhooks, the delivery log, and a server killed with
 * SIGKILL after commits and before their deliveries, which delivers each of them once on restart.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { appendChanges } from '../../src/store/changes.js';
import { openStore, type Store } from '../../src/store/index.js';
import { writeTransaction } from '../../src/store/write.js';
import { startHandler, type HandlerServer } from '../helpers/handlers.js';
import { engines, PG_URL } from '../helpers/roster.js';
import { ROSTER_BIN, runRoster as roster, serveRoster, spawnTracked, stopChild as stop } from '../helpers/cli.js';



async function serve(db: string): Promise<ChildProcess> {
  return (await serveRoster(['--db', db, '--port', '0', '--event-timeout', '1', '--log-level', 'warn'], /roster webhook create/)).child;
}

for (const engine of engines) {
  describe(`events from the command line [${engine}]`, () => {
    let db: string;
    let cleanup: () => Promise<void>;
    let server: ChildProcess | undefined;
    let store: Store;
    let install: HandlerServer;
    let outgoing: HandlerServer;
    let clientId = '';
    before(async () => {
      if (engine === 'postgres') {
        const schema = `ev_${Math.random().toString(36).slice(2, 10)}`;
        db = `${PG_URL}?schema=${schema}`;
        cleanup = async () => {
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await c.end();
        };
      } else {
        const dir = await mkdtemp(join(tmpdir(), 'roster-events-'));
        db = join(dir, 'roster.db');
        cleanup = () => rm(dir, { recursive: true, force: true });
      }
      install = await startHandler('ok', '/install');
      outgoing = await startHandler('ok', '/outgoing');
      store = await openStore(db);
      server = await serve(db);
    });
    after(async () => {
      if (server) await stop(server, 'SIGKILL');
      await store.close();
      await install.close();
      await outgoing.close();
      await cleanup();
    });

    it('app create --event-handler, app install and app uninstall --clean send the life-cycle events', async () => {
      const created = await roster(['app', 'create', '--db', db, '--name', 'CLI app', '--scope', 'user', '--event-handler', install.url, '--json']);
      assert.equal(created.code, 0, created.stderr);
      clientId = JSON.parse(created.stdout).client_id;
      const installed = await roster(['app', 'install', clientId, '--db', db, '--json']);
      assert.equal(installed.code, 0, installed.stderr);
      const applicationToken = JSON.parse(installed.stdout).application_token;
      const [got] = await install.waitFor(1);
      assert.equal(got!.post.event, 'ONAPPINSTALL');
      assert.equal(got!.post.auth.application_token, applicationToken);
      assert.ok(got!.post.auth.refresh_token);
      const removed = await roster(['app', 'uninstall', clientId, '--clean', '--db', db]);
      assert.equal(removed.code, 0, removed.stderr);
      const [, bye] = await install.waitFor(2);
      assert.equal(bye!.post.event, 'ONAPPUNINSTALL');
      assert.equal(bye!.post.data.CLEAN, '1');
      assert.equal(bye!.post.auth.access_token, undefined);
    });

    it('refuses bad event commands with exit code 2', async () => {
      for (const args of [
        ['webhook', 'create', '--outgoing', '--event', 'ONAPPINSTALL', '--handler', outgoing.url],
        ['webhook', 'create', '--outgoing', '--event', 'ONUSERADD', '--handler', 'file:///etc/passwd'],
        ['webhook', 'create', '--event', 'ONUSERADD', '--handler', outgoing.url],
        ['webhook', 'create', '--outgoing', '--user', '1', '--event', 'ONUSERADD', '--handler', outgoing.url],
        ['app', 'install', 'local.nope.1'],
        ['app', 'install', clientId, '--user', 'x'],
        ['app', 'create', '--name', 'x', '--scope', 'user', '--event-handler', 'http://u:p@127.0.0.1/'],
        ['deliveries', '--status', 'maybe'],
      ]) {
        const res = await roster([...args, '--db', db]);
        assert.equal(res.code, 2, `${args.join(' ')}: ${res.stdout}${res.stderr}`);
        assert.match(res.stderr, /^roster: /);
      }
    });

    it('after SIGKILL between commits and deliveries, a restarted server delivers every event once, in order', async () => {
      const hook = await roster(['webhook', 'create', '--outgoing', '--event', 'ONROSTERUSERUPDATE', '--handler', outgoing.url, '--db', db, '--json']);
      assert.equal(hook.code, 0, hook.stderr);
      outgoing.behaviour = 'hang';
      const commit = async (i: number) =>
        writeTransaction(store, (trx) => appendChanges(trx, [{ kind: 'user.updated', entity: 1, fields: { NAME: String(i) } }], { user: 1, credential: 'test' }));
      await commit(1);
      await outgoing.waitFor(1); // the first delivery is in flight and hangs; the rest wait behind it
      for (let i = 2; i <= 5; i++) await commit(i);
      await stop(server!, 'SIGKILL');
      for (let i = 6; i <= 8; i++) await commit(i); // committed while no server runs
      outgoing.behaviour = 'ok';
      server = await serve(db);
      await outgoing.waitFor(9, 60000);
      await new Promise((res) => setTimeout(res, 1500));
      const answered = outgoing.received.filter((g) => g.answered).map((g) => g.post.data.FIELDS.NAME);
      assert.deepEqual(answered, ['1', '2', '3', '4', '5', '6', '7', '8']);
      assert.equal(outgoing.received.length, 9, 'only the delivery cut off by the kill was sent again');
    });

    it('roster deliveries prints the log, filtered, and --follow keeps printing', async () => {
      const all = await roster(['deliveries', '--db', db, '--json']);
      assert.equal(all.code, 0, all.stderr);
      const lines = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(lines.some((l) => l.event === 'ONAPPINSTALL' && l.status === 'ok'));
      assert.equal(lines.filter((l) => l.event === 'ONROSTERUSERUPDATE' && l.status === 'ok').length, 8);
      for (const l of lines) assert.ok(!/access_token%5D=[a-z0-9]{50}/.test(l.body), 'tokens are redacted');
      const installs = await roster(['deliveries', '--db', db, '--event', 'onappinstall']);
      assert.equal(installs.stdout.trim().split('\n').length, 1);
      assert.match(installs.stdout, /ONAPPINSTALL\tok 200/);

      const follow = spawnTracked([ROSTER_BIN, 'deliveries', '--db', db, '--follow', '--json', '--event', 'ONROSTERUSERUPDATE', '--since', String(Math.floor(Date.now() / 1000) + 1)]);
      let seen = '';
      follow.stdout!.on('data', (c: Buffer) => (seen += c.toString()));
      await new Promise((res) => setTimeout(res, 1500));
      await writeTransaction(store, (trx) => appendChanges(trx, [{ kind: 'user.updated', entity: 1, fields: { NAME: 'followed' } }], { user: 1, credential: 'test' }));
      for (let i = 0; i < 1200 && !seen.includes('\n'); i++) await new Promise((res) => setTimeout(res, 50)); // a loaded machine starts slowly
      await stop(follow, 'SIGINT');
      assert.equal(seen.trim().split('\n').length, 1, seen);
      assert.match(JSON.parse(seen.trim()).body, /followed/);
    });
  });
}
