/**
 * Reads across processes (issue #11): two real `roster serve` processes on one SQLite file or one
 * PostgreSQL schema, both answering reads from their read models. A write through A, of every
 * kind the model follows, is answered by B once B's feed brought it (a CLI import too). How long
 * that took is reported as a diagnostic (the target is 100 ms), never asserted: the machine is
 * shared; the bound of each wait only keeps a broken build from hanging.
 */
import assert from 'node:assert/strict';
import { runRoster, spawnTracked } from '../helpers/cli.js';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { createWebhook } from '../../src/store/webhooks.js';
import { writeTransaction } from '../../src/store/write.js';
import { engines } from '../helpers/roster.js';
import { tempLocation } from '../state/helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/roster.js');

function serve(args: string[]) {
  const child = spawnTracked([BIN, 'serve', ...args], { cwd: ROOT });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  return {
    output: () => output,
    async line(re: RegExp, ms = 180_000): Promise<RegExpExecArray> {
      const until = performance.now() + ms;
      for (;;) {
        const m = re.exec(output);
        if (m) return m;
        if (child.exitCode !== null || performance.now() > until) throw new Error(`no ${re} in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

for (const engine of engines) {
  describe(`reads across processes [${engine}]`, () => {
    let db: string;
    let cleanup: () => Promise<void>;
    const servers: ReturnType<typeof serve>[] = [];
    let aUrl: string;
    let bUrl: string;
    let hook: string;
    let extranetHook: string;
    const latencies: string[] = [];

    before(async () => {
      ({ location: db, cleanup } = await tempLocation(engine, 'reads'));
      const a = serve(['--db', db, '--port', '0', '--demo', '--log-level', 'warn']);
      servers.push(a);
      const hookUrl = (await a.line(/Admin webhook \(all scopes\): (\S+)/))[1]!;
      aUrl = (await a.line(/Roster is listening on (\S+)/))[1]!;
      hook = new URL(hookUrl).pathname;
      const b = serve(['--db', db, '--port', '0', '--log-level', 'warn']);
      servers.push(b);
      bUrl = (await b.line(/Roster is listening on (\S+)/))[1]!;
      assert.match(b.output(), /Read model: \d+ users, \d+ departments/);
      const store = await openStore(db);
      try {
        // an extranet user of the demo company (59, in group 1 with 7, 23, 24 and 60)
        const { secret } = await writeTransaction(store, (trx) => createWebhook(trx, { userId: 59, scopes: ['im'], title: 'test' }));
        extranetHook = `/rest/59/${secret}/`;
      } finally {
        await store.close();
      }
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await cleanup?.();
    });

    const post = async (base: string, path: string, method: string, params: Record<string, unknown>) => {
      const res = await fetch(`${base}${path}${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
      return { status: res.status, body: (await res.json()) as any };
    };

    /** Writes through A, then asks B until it answers as `expect` says. */
    async function seenByB(
      kind: string,
      write: () => Promise<unknown>,
      read: { method: string; params: Record<string, unknown>; as?: string },
      expect: (body: any) => boolean,
    ) {
      await write();
      const t0 = performance.now();
      const until = t0 + 15_000;
      let last: unknown;
      for (;;) {
        const res = await post(bUrl, read.as ?? hook, read.method, read.params);
        last = res.body;
        if (expect(res.body)) break;
        assert.ok(performance.now() < until, `${kind}: B never answered the change; last: ${JSON.stringify(last)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      latencies.push(`${kind} ${Math.round(performance.now() - t0)} ms`);
    }

    const onA = async (method: string, params: Record<string, unknown>, path = hook) => {
      const res = await post(aUrl, path, method, params);
      assert.equal(res.status, 200, `${method}: ${JSON.stringify(res.body)}`);
      return res.body.result;
    };
    const user = (id: number) => ({ method: 'im.user.get', params: { ID: id } });

    it('B answers every kind of change written through A', async (t) => {
      await seenByB('user.updated', () => onA('user.update', { ID: 2, WORK_POSITION: 'Across processes' }), user(2), (b) => b.result?.work_position === 'Across processes');
      const added: number = await onA('user.add', { EMAIL: 'new.person@example.com', NAME: 'Newly', UF_DEPARTMENT: [2] });
      await seenByB('user.added', async () => undefined, user(added), (b) => b.result?.name?.startsWith('Newly'));
      await seenByB('user.departments', () => onA('user.update', { ID: added, UF_DEPARTMENT: [3, 2] }), user(added), (b) => JSON.stringify(b.result?.departments) === '[3,2]');
      await seenByB('user.presence', () => onA('im.user.status.set', { STATUS: 'dnd' }), user(1), (b) => b.result?.status === 'dnd');
      await seenByB('user.dismissed', () => onA('user.update', { ID: added, ACTIVE: 'N' }), user(added), (b) => b.result?.active === false);
      const department: number = await onA('department.add', { NAME: 'Across', PARENT: 1 });
      await seenByB('department.added', async () => undefined, { method: 'im.department.get', params: { ID: [department] } }, (b) => b.result?.[0]?.name === 'Across');
      await seenByB('department.updated', () => onA('department.update', { ID: department, NAME: 'Across, renamed' }), { method: 'im.search.department.list', params: { FIND: 'across' } }, (b) => b.result?.[0]?.name === 'Across, renamed');
      await seenByB('department.deleted', () => onA('department.delete', { ID: department }), { method: 'im.department.get', params: { ID: [department] } }, (b) => Array.isArray(b.result) && b.result.length === 0);
      // groups, through what an extranet user may see: members of their active groups only
      const hidden = { method: 'im.user.get', params: { ID: 30 }, as: extranetHook };
      assert.equal((await post(bUrl, extranetHook, 'im.user.get', { ID: 30 })).body.error, 'USER_NOT_EXISTS');
      await seenByB('group.members', () => onA('sonet_group.user.add', { GROUP_ID: 1, USER_ID: [30] }), hidden, (b) => b.result?.id === 30);
      await seenByB('group.updated', () => onA('sonet_group.update', { GROUP_ID: 1, ACTIVE: 'N' }), hidden, (b) => b.error === 'USER_NOT_EXISTS');
      let group = 0;
      await seenByB('group.added', async () => {
        group = await onA('sonet_group.create', { NAME: 'Across group' });
        await onA('sonet_group.user.add', { GROUP_ID: group, USER_ID: [59, 31] });
      }, { method: 'im.user.get', params: { ID: 31 }, as: extranetHook }, (b) => b.result?.id === 31);
      await seenByB('group.deleted', () => onA('sonet_group.delete', { GROUP_ID: group }), { method: 'im.user.get', params: { ID: 31 }, as: extranetHook }, (b) => b.error === 'USER_NOT_EXISTS');
      const bot: number = await onA('imbot.register', { CODE: 'across', TYPE: 'B', EVENT_HANDLER: 'https://bots.example.com/a', PROPERTIES: { NAME: 'Across bot' } });
      await seenByB('bot.registered', async () => undefined, user(bot), (b) => b.result?.bot === true);
      await seenByB('bot.unregistered', () => onA('imbot.unregister', { BOT_ID: bot }), user(bot), (b) => b.error === 'USER_NOT_EXISTS');
      // a CLI import (directory.merged) in a process of its own
      const file = join(tmpdir(), `roster-reads-${process.pid}-${engine}.json`);
      await writeFile(file, JSON.stringify({ format: 'roster-directory', version: 1, departments: [], users: [{ id: 2, email: 'olivia.bennett@example.com', name: 'Imported', last_name: 'Bennett', departments: [2] }], groups: [] }));
      await seenByB('directory.merged (CLI)', async () => {
        const { code, stdout, stderr } = await runRoster(['import', file, '--merge', '--db', db]);
        assert.equal(code, 0, stdout + stderr);
      }, user(2), (b) => b.result?.first_name === 'Imported');
      t.diagnostic(`[${engine}] A -> B: ${latencies.join('; ')}`);
    });
  });
}
