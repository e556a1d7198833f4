/**
 * The change feed over HTTP (issue #10): /_roster/changes and its SSE stream on both engines,
 * fed with records appended through appendChanges in transactions of the test's own (the command
 * layer that writes them for every REST call is built beside this).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { clock } from '../../src/clock.js';
import { createChangeFeed, type FeedReset } from '../../src/directory/feed.js';
import { streamLimits } from '../../src/http/changes-routes.js';
import { appendChanges, CHANGE_KINDS, type Actor, type ChangeInput, type ChangeRecord } from '../../src/store/changes.js';
import { writeTransaction } from '../../src/store/write.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';
import { openSse } from '../helpers/sse.js';

const TOKEN = 'test-admin-token-changes-0123';
const auth = { authorization: `Bearer ${TOKEN}` };

async function append(r: TestRoster, changes: ChangeInput[], actor: Actor = { user: 1, credential: 'webhook:1' }): Promise<void> {
  await writeTransaction(r.roster.store, (trx) => appendChanges(trx, changes, actor));
  await r.roster.app.afterWrite!();
}

const changesOf = (n: number, kind: ChangeInput['kind'] = 'user.updated', from = 0): ChangeInput[] =>
  Array.from({ length: n }, (_, i) => ({ kind, entity: from + i + 1, fields: { WORK_POSITION: `p${from + i}` } }));

async function list(r: TestRoster, query = ''): Promise<{ status: number; body: any }> {
  const res = await r.fetch(`/_roster/changes${query}`, { headers: auth });
  return { status: res.status, body: res.body };
}

const stream = (r: TestRoster, query = '', headers: Record<string, string> = {}) => openSse(`${r.url}/_roster/changes/stream${query}`, { ...auth, ...headers });

for (const engine of engines) {
  describe(`change feed over HTTP [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, config: { adminToken: TOKEN } });
    });
    after(() => r.close());

    it('every kind of change comes out of /_roster/changes and the SSE stream as it was appended, in order', async () => {
      const start = r.roster.app.feed!.last;
      const sse = await stream(r);
      assert.equal(sse.status, 200);
      const inputs: ChangeInput[] = CHANGE_KINDS.map((kind, i) => ({ kind, entity: i % 5 === 0 ? null : i, fields: { n: i, nested: { list: [1, 'two'] } } }));
      // several transactions, several actors
      await append(r, inputs.slice(0, 7), { user: 1, credential: 'webhook:3' });
      await append(r, inputs.slice(7, 15), { user: null, credential: 'cli' });
      await append(r, inputs.slice(15), { user: 7, credential: 'oauth:local.abc' });

      const page = await list(r, `?since=${start}&limit=1000`);
      assert.equal(page.status, 200);
      const records = page.body.changes as ChangeRecord[];
      assert.deepEqual(records.map((c) => c.kind), [...CHANGE_KINDS]);
      assert.deepEqual(records.map((c) => c.entity), inputs.map((c) => c.entity));
      assert.deepEqual(records.map((c) => c.fields), inputs.map((c) => c.fields));
      assert.deepEqual(records[0]!.actor, { user: 1, credential: 'webhook:3' });
      assert.deepEqual(records[10]!.actor, { user: null, credential: 'cli' });
      assert.deepEqual(records.at(-1)!.actor, { user: 7, credential: 'oauth:local.abc' });
      for (let i = 1; i < records.length; i++) assert.ok(records[i]!.seq > records[i - 1]!.seq);
      assert.ok(records.every((c) => typeof c.at === 'number' && Math.abs(c.at - clock.now()) < 3_600_000));
      assert.equal(page.body.last, records.at(-1)!.seq);

      const events = await sse.until(CHANGE_KINDS.length);
      sse.close();
      assert.deepEqual(events.map((e) => JSON.parse(e.data)), records);
      assert.deepEqual(events.map((e) => Number(e.id)), records.map((c) => c.seq));
      assert.ok(events.every((e) => e.event === 'message'));
    });

    it('pages oldest first: "last" is the next "since", an empty page keeps it', async () => {
      const start = r.roster.app.feed!.last;
      await append(r, changesOf(25));
      const seen: ChangeRecord[] = [];
      let since = start;
      const sizes: number[] = [];
      for (;;) {
        const page = await list(r, `?since=${since}&limit=10`);
        assert.equal(page.status, 200);
        sizes.push(page.body.changes.length);
        if (page.body.changes.length === 0) {
          assert.equal(page.body.last, since);
          break;
        }
        seen.push(...page.body.changes);
        since = page.body.last;
      }
      assert.deepEqual(sizes, [10, 10, 5, 0]);
      assert.deepEqual(seen.map((c) => c.entity), changesOf(25).map((c) => c.entity));
      // the default page is 100, and without since it starts at the oldest kept change
      const first = await list(r);
      assert.equal(first.body.changes[0].seq, 1);
      assert.equal(first.body.changes.length, Math.min(100, since));
    });

    it('refuses a bad since or limit with 400 and the problem', async () => {
      for (const query of ['?since=-1', '?since=abc', '?since=1.5', '?limit=0', '?limit=1001', '?limit=x', '?since=99999999999999999999']) {
        const res = await list(r, query);
        assert.equal(res.status, 400, query);
        assert.equal(res.body.error, 'ERROR_ARGUMENT', query);
        assert.match(res.body.error_description, /since|limit/, query);
      }
      const sse = await r.fetch('/_roster/changes/stream', { headers: { ...auth, 'last-event-id': 'nope' } });
      assert.equal(sse.status, 400);
      assert.match(sse.body.error_description, /Last-Event-ID/);
    });

    it('SSE resumes with Last-Event-ID without loss or duplicates, while changes keep coming', async () => {
      const start = r.roster.app.feed!.last;
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing || written < 60) {
          await append(r, changesOf(1 + (written % 3), 'user.presence', written));
          written += 1 + (written % 3);
          // better-sqlite3 answers synchronously: without this the loop would starve the sockets
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      const all: ChangeRecord[] = [];
      let lastId = String(start);
      // connect, take a few, drop the connection, reconnect with the last id: five times over
      for (let round = 0; round < 5; round++) {
        const sse = await stream(r, `?since=${start}`, { 'last-event-id': lastId });
        const events = await sse.until(5);
        sse.close();
        all.push(...events.map((e) => JSON.parse(e.data) as ChangeRecord));
        lastId = events.at(-1)!.id!;
      }
      writing = false;
      await writer;
      // one more, from the last id to the end of what was written
      const end = r.roster.app.feed!.last;
      const sse = await stream(r, '', { 'last-event-id': lastId });
      await sse.waitFor((e) => Number(e.id) === end);
      sse.close();
      all.push(...sse.events.map((e) => JSON.parse(e.data) as ChangeRecord));

      const expected = (await list(r, `?since=${start}&limit=1000`)).body.changes as ChangeRecord[];
      assert.equal(expected.at(-1)!.seq, end);
      assert.deepEqual(all.map((c) => c.seq), expected.map((c) => c.seq));
    });

    it('a stream without since or Last-Event-ID starts from now', async () => {
      await append(r, changesOf(3));
      const sse = await stream(r);
      await append(r, changesOf(1, 'group.deleted', 500));
      const [event] = await sse.until(1);
      sse.close();
      assert.equal(JSON.parse(event!.data).kind, 'group.deleted');
      assert.equal(sse.events.length, 1);
    });

    it('a rolled-back write leaves no record and no subscriber call; the feed carries on past its sequence number', async () => {
      const feed = r.roster.app.feed!;
      const got: ChangeRecord[] = [];
      const resets: FeedReset[] = [];
      const unsubscribe = feed.subscribe((c) => got.push(c), (x) => resets.push(x));
      const before = feed.last;
      await assert.rejects(
        writeTransaction(r.roster.store, async (trx) => {
          await appendChanges(trx, changesOf(2, 'department.added'), { user: 1, credential: 'webhook:1' });
          throw new Error('fault between two statements');
        }),
        /fault/,
      );
      await feed.catchUp();
      assert.equal(got.length, 0);
      await append(r, changesOf(1, 'department.updated'));
      unsubscribe();
      assert.deepEqual(got.map((c) => c.kind), ['department.updated']);
      assert.equal(resets.length, 0);
      // on PostgreSQL the identity sequence moved on; SQLite reuses the rolled-back numbers
      assert.ok(got[0]!.seq > before);
      assert.equal((await list(r, `?since=${before}`)).body.changes.length, 1);
    });

    it('a subscriber that throws does not stop the others', async () => {
      const feed = r.roster.app.feed!;
      const got: number[] = [];
      const offBad = feed.subscribe(() => {
        throw new Error('subscriber bug');
      });
      const offGood = feed.subscribe((c) => got.push(c.seq));
      await append(r, changesOf(2));
      offBad();
      offGood();
      assert.equal(got.length, 2);
    });

    it('serves a slow stream client from the table at its pace and drops one that stopped reading', async () => {
      const saved = { ...streamLimits };
      // long enough that the healthy client, in this same process, keeps up on a loaded machine
      streamLimits.stallMs = 5000;
      try {
        const url = new URL(r.url);
        const socket = connect(Number(url.port), url.hostname);
        await once(socket, 'connect');
        socket.write(`GET /_roster/changes/stream HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
        await once(socket, 'data');
        socket.pause(); // a client that stopped reading
        const start = r.roster.app.feed!.last;
        const healthy = await stream(r);
        const big = 'x'.repeat(50_000);
        // 10 MB in one burst, far beyond one client's buffer: delivered in full all the same
        for (let i = 0; i < 20; i++) await append(r, Array.from({ length: 10 }, (_, j) => ({ kind: 'user.updated' as const, entity: i * 10 + j, fields: { big } })));
        const events = await healthy.until(200, 60000);
        healthy.close();
        assert.deepEqual(events.map((e) => Number(e.id)), Array.from({ length: 200 }, (_, i) => start + 1 + i));
        let received = 0;
        const closed = once(socket, 'close');
        socket.on('data', (chunk: Buffer) => (received += chunk.length));
        await new Promise((resolve) => setTimeout(resolve, 6000)); // past stallMs without reading
        socket.resume();
        const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still open'), 20000))]);
        socket.destroy();
        assert.equal(outcome, 'closed');
        assert.ok(received < 200 * 50_000, `the stalled client was sent everything (${received} bytes)`);
      } finally {
        Object.assign(streamLimits, saved);
      }
    });

    it('the server closes with a stream still open', async () => {
      const other = await startRoster({ engine, config: { adminToken: TOKEN } });
      const sse = await openSse(`${other.url}/_roster/changes/stream`, auth);
      await other.close();
      await sse.ended;
    });
  });

  describe(`change feed retention [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, config: { adminToken: TOKEN, changesKeep: '1h,10' } });
    });
    after(() => r.close());

    it('keeps the newest rows and the last hour; a reader behind the window is told to rebuild, never skips silently', async () => {
      const feed = r.roster.app.feed!;
      await append(r, changesOf(3));
      assert.equal(await feed.prune(), 0, 'young rows under the count stay');
      const oldest = feed.last;

      // an independent reader that stopped early, as a subscriber of another process would
      const slow = createChangeFeed(r.roster.store, { since: oldest - 2 });
      const slowGot: ChangeRecord[] = [];
      const slowResets: FeedReset[] = [];
      slow.subscribe((c) => slowGot.push(c), (x) => slowResets.push(x));

      // an hour and a minute later every row but the newest is gone
      clock.advance(61 * 60_000);
      try {
        assert.equal(await feed.prune(), 2);
      } finally {
        clock.advance(-61 * 60_000);
      }
      await append(r, changesOf(20, 'user.dismissed'));
      assert.equal(await feed.prune(), 11, 'only the newest 10 sequence numbers stay');
      const last = feed.last;

      const kept = await list(r);
      assert.deepEqual(kept.body.changes.map((c: ChangeRecord) => c.seq), Array.from({ length: 10 }, (_, i) => last - 9 + i));

      const gone = await list(r, `?since=${oldest - 1}`);
      assert.equal(gone.status, 410);
      assert.equal(gone.body.error, 'CHANGES_PRUNED');
      assert.equal(gone.body.pruned_through, last - 10);
      assert.equal(gone.body.last, last);
      assert.equal((await list(r, `?since=${last - 10}`)).status, 200, 'right at the window: nothing missed');

      await slow.catchUp();
      assert.equal(slowResets.length, 1);
      assert.deepEqual(slowResets[0], { from: oldest - 2, to: last, prunedThrough: last - 10 });
      assert.equal(slowGot.length, 0, 'nothing from after the gap is passed off as the next change');
      assert.equal(slow.last, last);
      await append(r, changesOf(1, 'group.added'));
      await slow.catchUp();
      assert.deepEqual(slowGot.map((c) => c.kind), ['group.added']);
      await slow.close();

      // a stream resuming from before the window gets `reset`, then carries on
      const sse = await stream(r, '', { 'last-event-id': String(oldest) });
      const [reset] = await sse.until(1);
      assert.equal(reset!.event, 'reset');
      assert.equal(reset!.id, String(last + 1));
      assert.deepEqual(JSON.parse(reset!.data), { last: last + 1, pruned_through: last - 10 });
      await append(r, changesOf(1, 'group.updated'));
      const [, next] = await sse.until(2);
      sse.close();
      assert.equal(JSON.parse(next!.data).kind, 'group.updated');
    });
  });

  describe(`change feed endpoints without --admin-token [${engine}]`, () => {
    it('are 404, with or without a token', async () => {
      const r = await startRoster({ engine });
      try {
        for (const path of ['/_roster/changes', '/_roster/changes?since=0', '/_roster/changes/stream']) {
          assert.equal((await r.fetch(path)).status, 404, path);
          assert.equal((await r.fetch(path, { headers: auth })).status, 404, path);
        }
        // the feed itself still runs: in-process subscribers need no token
        assert.ok(r.roster.app.feed);
      } finally {
        await r.close();
      }
    });

    it('are 401 without the token and 403 with a wrong one when enabled', async () => {
      const r = await startRoster({ engine, config: { adminToken: TOKEN } });
      try {
        for (const path of ['/_roster/changes', '/_roster/changes/stream']) {
          assert.equal((await r.fetch(path)).status, 401, path);
          assert.equal((await r.fetch(path, { headers: { authorization: `Bearer ${TOKEN}x` } })).status, 403, path);
        }
      } finally {
        await r.close();
      }
    });
  });
}
