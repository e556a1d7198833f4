/**
 * /readyz while PostgreSQL goes away and comes back. The shared PostgreSQL is never touched:
 * Roster reaches it through a loopback TCP proxy the test closes (every connection cut, the port
 * refusing) and opens again on the same port.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines, PG_URL, startRoster, type TestRoster } from '../helpers/roster.js';
import { postgresBehindProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

describe('/readyz follows PostgreSQL through an outage', { skip: !engines.includes('postgres') && 'PostgreSQL is not reachable' }, () => {
  let pgBehind: Awaited<ReturnType<typeof postgresBehindProxy>>;
  let proxy: TcpProxy;
  let r: TestRoster;

  before(async () => {
    pgBehind = await postgresBehindProxy(PG_URL, 'ready');
    proxy = pgBehind.proxy;
    // startRoster makes its own schema on the real server; this one goes through the proxy
    r = await startRoster({ engine: 'sqlite', config: { db: pgBehind.db } });
  });
  after(async () => {
    await r?.close();
    await pgBehind?.drop();
  });

  it('is 200 while PostgreSQL answers, 503 naming the store while it is away, 200 again once it is back', async () => {
    assert.equal(r.roster.store.dialect, 'postgres');
    const ready = await r.fetch('/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.equal((await r.call('server.time')).status, 200);

    await proxy.close();
    const down = await r.fetch('/readyz');
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.status, 'unavailable');
    assert.ok(down.body.failed.includes('store'), down.text);
    assert.equal((await r.fetch('/healthz')).status, 200); // the process itself is fine
    // reads keep answering from the read model (from the database with --reads sql they cannot)
    assert.equal((await r.call('user.get', { ID: 1 })).status, r.roster.app.read ? 200 : 503);
    const during = await r.call('user.update', { ID: 1, WORK_POSITION: 'Written while away' });
    assert.equal(during.status, 503); // a clean error saying the database is away, no crash, no stack
    assert.equal(during.body.error, 'DATABASE_UNAVAILABLE');
    assert.doesNotMatch(during.text, /ECONNREFUSED|at \w+ \(/);

    await proxy.open();
    const back = await r.fetch('/readyz');
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.body.checks, { store: 'ok', migrations: 'ok', ...(r.roster.app.read ? { 'read model loaded': 'ok' } : {}) });
    assert.equal((await r.call('user.get', { ID: 1 })).status, 200);
  });
});
