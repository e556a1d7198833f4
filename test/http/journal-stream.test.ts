/**
 * The request journal as Server-Sent Events (`GET /_roster/requests/stream`, docs/CONTROL.md),
 * over real sockets on every engine: calls arrive as they are journaled, in order and filtered;
 * `limit` starts with the newest entries; a reconnecting client (Last-Event-ID) gets what it
 * missed without duplicates; clearing is announced; a client whose buffer fills is served from the
 * ring and still gets everything once; the admin token, and under the console its session, guard it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clock } from '../../src/clock.js';
import { streamLimits } from '../../src/http/sse.js';
import { createSession } from '../../src/store/console.js';
import { openSse, type SseEvent, type SseStream } from '../helpers/sse.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const TOKEN = 'admin-token-for-journal-streams';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const entry = (e: SseEvent) => JSON.parse(e.data) as { id: number; method: string; status: number; params: any };

for (const engine of engines) {
  describe(`the journal's event stream (${engine})`, () => {
    let r: TestRoster;
    const open: SseStream[] = [];
    const stream = async (query = '', headers: Record<string, string> = AUTH, path = '/_roster/requests/stream') => {
      const s = await openSse(`${r.url}${path}${query}`, headers);
      open.push(s);
      return s;
    };
    before(async () => {
      r = await startRoster({ engine, seed: 'demo', config: { adminToken: TOKEN } });
    });
    after(async () => {
      for (const s of open) s.close();
      await r?.close();
    });

    it('sends each call as it is journaled, filtered like the list, starting with the newest `limit`', async () => {
      await r.call('server.time');
      await r.call('im.user.get', { ID: 2 });
      const all = await stream('?limit=2');
      const users = await stream('?method=im.user.get');
      assert.equal(all.status, 200);
      const backlog = await all.until(2);
      assert.deepEqual(backlog.map((e) => entry(e).method), ['server.time', 'im.user.get'], 'the newest two, oldest first');
      await r.call('im.user.get', { ID: 3 });
      await r.call('profile');
      await r.call('im.user.get', { ID: 4 });
      const live = (await all.until(5)).slice(2).map(entry);
      assert.deepEqual(live.map((e) => e.method), ['im.user.get', 'profile', 'im.user.get']);
      assert.deepEqual(live.map((e) => e.id), [live[0]!.id, live[0]!.id + 1, live[0]!.id + 2], 'journal ids, in order');
      assert.deepEqual((await all.until(5)).slice(2).map((e) => Number(e.id)), live.map((e) => e.id), 'the SSE id is the journal id');
      const filtered = (await users.until(2)).map(entry);
      assert.deepEqual(filtered.map((e) => e.params.ID), [3, 4], 'only im.user.get, and nothing from before it opened');
      // the list answers the same entries
      const listed = await r.fetch('/_roster/requests?method=im.user.get&limit=2', { headers: AUTH });
      assert.deepEqual(listed.body.requests.map((e: any) => e.id).reverse(), filtered.map((e) => e.id));
    });

    it('resumes after the Last-Event-ID without loss or duplicates, and announces a clear', async () => {
      const first = await stream();
      await r.call('server.time');
      const [seen] = await first.until(1);
      first.close();
      for (let i = 0; i < 3; i++) await r.call('im.user.get', { ID: 10 + i });
      const again = await stream('', { ...AUTH, 'last-event-id': seen!.id! });
      const missed = (await again.until(3)).map(entry);
      assert.deepEqual(missed.map((e) => e.params.ID), [10, 11, 12]);
      assert.equal(missed[0]!.id, Number(seen!.id) + 1);
      await r.call('server.time');
      await again.until(4);
      assert.equal(again.events.length, 4, 'nothing twice');
      const cleared = await r.fetch('/_roster/requests', { method: 'DELETE', headers: AUTH });
      assert.equal(cleared.status, 200);
      await again.waitFor((e) => e.event === 'clear', 10_000);
    });

    it('a client behind by more than its buffer is served from the ring, and still gets every call once', async () => {
      const saved = { ...streamLimits };
      streamLimits.maxBufferedBytes = 0;
      try {
        const s = await stream('?method=im.user.list.get');
        const ids = Array.from({ length: 60 }, (_, i) => i + 1);
        for (const id of ids) await r.call('im.user.list.get', { ID: [id] });
        const got = (await s.until(ids.length)).map(entry);
        assert.deepEqual(got.map((e) => e.params.ID[0]), ids);
        assert.deepEqual(got.map((e) => e.id), [...got.map((e) => e.id)].sort((a, b) => a - b));
        await r.call('im.user.list.get', { ID: [1] });
        await s.until(ids.length + 1);
        assert.equal(new Set(s.events.map((e) => e.id)).size, s.events.length, 'no entry twice');
      } finally {
        Object.assign(streamLimits, saved);
      }
    });

    it('needs the admin token, or under the console a session; refuses a bad filter', async () => {
      assert.equal((await r.fetch('/_roster/requests/stream')).status, 401);
      assert.equal((await r.fetch('/_roster/requests/stream?status=abc', { headers: AUTH })).status, 400);
      assert.equal((await r.fetch('/_roster/console/api/control/_roster/requests/stream')).status, 401);
      const cookie = `roster_console=${await createSession(r.roster.store, 1, clock.unix())}`;
      const s = await stream('?limit=1', { cookie }, '/_roster/console/api/control/_roster/requests/stream');
      assert.equal(s.status, 200);
      await r.call('server.time');
      await s.waitFor((e) => e.event === 'message' && entry(e).method === 'server.time', 10_000);
    });
  });
}

describe('the journal\'s event stream with the journal off', () => {
  it('answers 409 JOURNAL_OFF, as the list does', async () => {
    const r = await startRoster({ config: { adminToken: TOKEN, journalSize: 0 } });
    try {
      const res = await r.fetch('/_roster/requests/stream', { headers: AUTH });
      assert.equal(res.status, 409);
      assert.equal(res.body.error, 'JOURNAL_OFF');
    } finally {
      await r.close();
    }
  });
});
