/**
 * The read model through faults (issue #11):
 * - PostgreSQL unreachable (a loopback proxy in front of it closes; the shared server is never
 *   touched): reads keep answering from memory, writes answer 503 DATABASE_UNAVAILABLE, and once
 *   it is back the instance catches up with what another instance wrote meanwhile;
 * - the change feed falls behind its retention window: the model rebuilds from the store and
 *   says so in the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoster, type Roster } from '../../src/app.js';
import type { App } from '../../src/rest/context.js';
import { testConfig } from '../../src/config.js';
import { appendChanges } from '../../src/store/changes.js';
import { openStore } from '../../src/store/index.js';
import { writeTransaction } from '../../src/store/write.js';
import { engines, PG_URL, startRoster, type TestRoster } from '../helpers/roster.js';
import { postgresBehindProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/** Polls `probe` until it holds, for at most `ms` (no timing is asserted: the bound only keeps a broken build from hanging). */
async function eventually(probe: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** The warnings the server logs, captured: the model logs through `app.log`, read at each use. */
function captureWarnings(app: App): string[] {
  const lines: string[] = [];
  const original = app.log;
  app.log = Object.create(original, {
    warn: { value: (obj: unknown, message?: string) => lines.push(typeof obj === 'string' ? obj : (message ?? '')) },
  }) as App['log'];
  return lines;
}

describe('reads from memory while PostgreSQL is away', { skip: !engines.includes('postgres') && 'PostgreSQL is not reachable' }, () => {
  let pgBehind: Awaited<ReturnType<typeof postgresBehindProxy>>;
  let proxy: TcpProxy;
  let r: TestRoster;
  let direct: Roster | undefined;

  before(async () => {
    pgBehind = await postgresBehindProxy(PG_URL, 'rmf');
    proxy = pgBehind.proxy;
    r = await startRoster({ engine: 'sqlite', seed: 'demo', config: { db: pgBehind.db, reads: 'memory' } });
  });
  after(async () => {
    await direct?.close();
    await r?.close();
    await pgBehind?.drop();
  });

  it('answers reads, refuses writes with 503, and catches up when it is back', async () => {
    const warnings = captureWarnings(r.roster.app);
    const reads: [string, Record<string, unknown>][] = [
      ['im.user.list.get', { ID: [1, 2, 3, 26] }],
      ['im.user.get', { ID: 5 }],
      ['im.department.colleagues.list', { USER_DATA: 'Y' }],
      ['im.search.user.list', { FIND: 'oli' }],
      ['im.department.get', { ID: [1, 2], USER_DATA: 'Y' }],
    ];
    const untimed = (text: string) => text.replace(/,"time":\{[^{}]*\}/, '');
    const before = await Promise.all(reads.map(async ([m, p]) => untimed((await r.call(m, p)).text)));

    await proxy.close();
    for (const [i, [m, p]] of reads.entries()) {
      const res = await r.call(m, p);
      assert.equal(res.status, 200, `${m} while the database is away: ${res.text}`);
      assert.equal(untimed(res.text), before[i], m);
    }
    const write = await r.call('user.update', { ID: 2, WORK_POSITION: 'Written while away' });
    assert.equal(write.status, 503, write.text);
    assert.equal(write.body.error, 'DATABASE_UNAVAILABLE');
    assert.doesNotMatch(write.text, /ECONNREFUSED|at \w+ \(/);

    // another instance, with a working connection, writes meanwhile
    direct = await createRoster(testConfig({ db: pgBehind.direct, host: '127.0.0.1', limits: 'off', reads: 'sql' }));
    const directUrl = await direct.listen();
    const hook = new URL(r.admin).pathname;
    const other = await fetch(`${directUrl}${hook}user.update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ID: 2, WORK_POSITION: 'Written by the other instance' }),
    });
    assert.equal(other.status, 200, await other.text());
    // still the old answer from memory: this instance cannot know yet
    assert.notEqual((await r.call('im.user.get', { ID: 2 })).body.result.work_position, 'Written by the other instance');

    await proxy.open();
    const caughtUp = await eventually(async () => (await r.call('im.user.get', { ID: 2 })).body.result?.work_position === 'Written by the other instance');
    assert.ok(caughtUp, 'the instance catches up once the database is back');
    assert.ok(warnings.some((w) => /read model|change feed/.test(w)), `the outage is logged: ${JSON.stringify(warnings)}`);
    const again = await r.call('user.update', { ID: 2, WORK_POSITION: 'Back' });
    assert.equal(again.status, 200, again.text);
    assert.equal((await r.call('im.user.get', { ID: 2 })).body.result.work_position, 'Back');
  });
});

for (const engine of engines) {
  describe(`the read model after a feed reset [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { reads: 'memory' } });
    });
    after(() => r?.close());

    it('rebuilds from the store when changes were pruned before it read them, and logs it', async () => {
      const warnings = captureWarnings(r.roster.app);
      const model = r.roster.app.read!;
      const rebuilds = model.rebuilds;
      // another writer's change, pruned before this server's feed could read it: the feed sees
      // a gap that meta records as pruned, which no polling can fill
      const other = await openStore(r.roster.app.config.db);
      try {
        await writeTransaction(other, async (trx) => {
          await trx.updateTable('users').set({ work_position: 'Changed behind the feed' }).where('id', '=', 3).execute();
          await appendChanges(trx, [{ kind: 'user.updated', entity: 3, fields: { WORK_POSITION: 'Changed behind the feed' } }], { user: null, credential: 'cli' });
          const last = await trx.selectFrom('changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirstOrThrow();
          await trx.deleteFrom('changes').where('seq', '<=', Number(last.seq)).execute();
          await trx.deleteFrom('meta').where('key', '=', 'changes_pruned_through').execute();
          await trx.insertInto('meta').values({ key: 'changes_pruned_through', value: String(last.seq) }).execute();
          // a later change the feed does read, behind the gap
          await appendChanges(trx, [{ kind: 'webhook.created', entity: 999, fields: {} }], { user: null, credential: 'cli' });
        });
      } finally {
        await other.close();
      }
      const rebuilt = await eventually(async () => (await r.call('im.user.get', { ID: 3 })).body.result?.work_position === 'Changed behind the feed');
      assert.ok(rebuilt, 'the change made behind the feed is served after the rebuild');
      assert.equal(model.rebuilds, rebuilds + 1);
      assert.ok(warnings.some((w) => /read model: the change feed skipped changes .*rebuilding from the store/.test(w)), JSON.stringify(warnings));
    });
  });
}
