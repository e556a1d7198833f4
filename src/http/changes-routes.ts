/**
 * The change feed over HTTP for test suites and consoles (issue #10), beside the other admin
 * endpoints and behind the same token (404 without `--admin-token`):
 *
 * - `GET /_roster/changes?since=<seq>&limit=<n>`: `{"changes": [...], "last": <seq>}`, oldest
 *   first; pass `last` as the next `since`. A `since` older than the retention window is 410
 *   CHANGES_PRUNED: the changes after it are gone, rebuild from /_roster/export.
 * - `GET /_roster/changes/stream`: Server-Sent Events, one `data:` record per change with its
 *   sequence number as the `id`, from `since` (or `Last-Event-ID`, which wins) or from now. A
 *   reconnecting EventSource resumes where it stopped, without loss or duplicates. Pruned changes
 *   give an `event: reset` (rebuild, then carry on). Comments every 15 s keep proxies from
 *   closing the stream. A client slower than the changes is served from the table at its own
 *   pace (at most about 1 MiB waits for it); one that reads nothing for 30 s is dropped and
 *   resumes by reconnecting.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeFeed, FeedReset } from '../directory/feed.js';
import type { App } from '../rest/context.js';
import { lastChangeSeq, prunedThrough, readChanges, type ChangeRecord } from '../store/changes.js';
import type { Db } from '../store/index.js';
import { queryValue, requireAdminToken, send } from './admin.js';
import type { RouteInstaller } from './server.js';
import { openEventStream, streamLimits } from './sse.js';

export const CHANGES_PAGE_DEFAULT = 100;
export const CHANGES_PAGE_MAX = 1000;

export { streamLimits };

export const changesRoutes: RouteInstaller = async (root: FastifyInstance, app: App) => {
  const token = app.config.adminToken;
  const feed = app.feed;
  if (!token || !feed) return;
  const streams = new Set<ServerResponse>();
  // open streams would keep the server from closing
  root.addHook('preClose', async () => {
    for (const raw of streams) raw.end();
  });
  await root.register(async (server) => {
    requireAdminToken(server, token);
    server.get('/_roster/changes', (request, reply) => listChanges(app.store.db, request, reply));
    server.get('/_roster/changes/stream', (request, reply) => streamChanges(app.store.db, feed, streams, request, reply));
  });
};

/** A sequence number or count as written in a query or header: digits only. */
function whole(text: string | undefined, name: string, min: number, max: number): number | undefined | string {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) < min || Number(text) > max) return `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`;
  return Number(text);
}

const badArgument = (reply: FastifyReply, message: string) => send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: message });

async function pruned(reply: FastifyReply, db: Db, since: number, through: number) {
  return send(reply, 410, {
    error: 'CHANGES_PRUNED',
    error_description: `The changes after ${since} are no longer kept (pruned through ${through}): rebuild from /_roster/export and continue from "last"`,
    pruned_through: through,
    last: await lastChangeSeq(db),
  });
}

async function listChanges(db: Db, request: FastifyRequest, reply: FastifyReply) {
  const since = whole(queryValue(request, 'since'), 'since', 0, Number.MAX_SAFE_INTEGER);
  const limit = whole(queryValue(request, 'limit'), 'limit', 1, CHANGES_PAGE_MAX);
  if (typeof since === 'string') return badArgument(reply, since);
  if (typeof limit === 'string') return badArgument(reply, limit);
  const changes = await readChanges(db, since ?? 0, limit ?? CHANGES_PAGE_DEFAULT);
  // read first, then look at the pruning mark: a prune between the two is then noticed
  if (since !== undefined && (changes.length === 0 || changes[0]!.seq > since + 1)) {
    const through = await prunedThrough(db);
    if (through > since) return pruned(reply, db, since, through);
  }
  return send(reply, 200, { changes, last: changes.at(-1)?.seq ?? since ?? 0 });
}

/** The change stream (also the web console's live updates, under its own sign-in). */
export async function streamChanges(db: Db, feed: ChangeFeed, streams: Set<ServerResponse>, request: FastifyRequest, reply: FastifyReply) {
  const header = request.headers['last-event-id'];
  const resume = whole(typeof header === 'string' && header !== '' ? header.trim() : undefined, 'Last-Event-ID', 0, Number.MAX_SAFE_INTEGER);
  const since = whole(queryValue(request, 'since'), 'since', 0, Number.MAX_SAFE_INTEGER);
  if (typeof resume === 'string') return badArgument(reply, resume);
  if (typeof since === 'string') return badArgument(reply, since);

  const stream = openEventStream(reply, streams);
  const raw = stream.raw;

  // `pos`: the last sequence number this client has been sent. While `live`, records come from
  // the feed as they are committed; otherwise (the backlog, or a client that fell behind by more
  // than its buffer) from the table, page by page, as fast as the client reads: the table is the
  // queue, so nothing is held per client beyond one buffer.
  let pos = resume ?? since ?? feed.last;
  let live = false;
  let pumping = false;
  const sendRecord = (record: ChangeRecord) => {
    pos = record.seq;
    stream.write(`id: ${record.seq}\ndata: ${JSON.stringify(record)}\n\n`);
  };
  const sendReset = (to: number, through: number) => {
    pos = Math.max(pos, to);
    stream.write(`event: reset\nid: ${pos}\ndata: ${JSON.stringify({ last: pos, pruned_through: through })}\n\n`);
  };

  const pump = async () => {
    if (pumping) return;
    pumping = true;
    live = false;
    try {
      for (;;) {
        if (stream.closed) return;
        if (stream.full) {
          if (!(await stream.drained())) {
            raw.destroy(); // stalled: it reconnects with its Last-Event-ID and resumes
            return;
          }
          stream.full = false;
          continue;
        }
        const target = feed.last;
        // no await between this check and `live`: the feed cannot deliver anything in between
        if (pos >= target) {
          live = true;
          return;
        }
        const rows = await readChanges(db, pos, streamLimits.page);
        // read first, then look at the pruning mark: a prune between the two is then noticed
        if (rows.length === 0 || rows[0]!.seq > pos + 1) {
          const through = await prunedThrough(db);
          if (through > pos) {
            sendReset(await lastChangeSeq(db), through);
            continue;
          }
        }
        // only what the feed has handed on: a later row may not be in this server's reads yet
        const due = rows.filter((record) => record.seq > pos && record.seq <= target);
        if (due.length === 0) pos = target; // only burnt sequence numbers up to the feed's position
        for (const record of due) sendRecord(record);
      }
    } catch {
      raw.destroy(); // the database failed: the client reconnects with its Last-Event-ID
    } finally {
      pumping = false;
    }
  };

  const unsubscribe = feed.subscribe(
    (record) => {
      if (!live || record.seq <= pos) return;
      sendRecord(record);
      if (raw.writableLength > streamLimits.maxBufferedBytes) void pump();
    },
    (reset: FeedReset) => {
      if (live) sendReset(reset.to, reset.prunedThrough);
    },
  );
  stream.onClose(unsubscribe);
  await pump();
}
