/**
 * The control plane's HTTP endpoints (docs/CONTROL.md):
 *
 * - `/_roster/requests` (GET list, DELETE clear), `/_roster/requests/count`, `/_roster/requests/stream`
 *   (Server-Sent Events): the request journal;
 * - `/_roster/faults` (POST add, GET list, DELETE all), `/_roster/faults/<id>` (DELETE);
 * - `/_roster/clock` (GET, POST `{set, advance, freeze, reset}`);
 *
 * all behind the admin token like every /_roster endpoint (404 without `--admin-token`); and,
 * without it, `/healthz`, `/readyz` and `/metrics` (`--metrics off`, `--metrics-token`).
 * Every body and query is checked first: 400 listing every problem, and nothing changed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { clock } from '../clock.js';
import type { App } from '../rest/context.js';
import { parseFaultRules, zodProblems, type FaultProblem } from '../rest/faults.js';
import { matches, type Journal, type JournalEntry, type JournalFilter } from '../rest/journal.js';
import { installAdmin, send } from './admin.js';
import { openEventStream, streamLimits } from './sse.js';
import type { RouteInstaller } from './server.js';

/** How long /readyz waits for one check before calling it failed. */
const READY_TIMEOUT_MS = 3000;

function badRequest(reply: FastifyReply, problems: FaultProblem[], what: string) {
  return send(reply, 400, {
    error: 'ERROR_ARGUMENT',
    error_description: `${problems.length} problem${problems.length === 1 ? '' : 's'} in the ${what}; nothing was changed`,
    problems,
  });
}

/** JSON bodies arrive as parameter objects: a top-level list comes as {"0": ..., "1": ...}. */
function bodyOf(request: FastifyRequest): unknown {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body === 'object' && !Array.isArray(body)) {
    const keys = Object.keys(body);
    if (keys.length > 0 && keys.every((k, i) => k === String(i))) return Object.values(body);
  }
  return body;
}

const count = z.coerce.number().int().min(0);
const journalQuery = z
  .object({
    method: z.string().min(1).max(200).optional(),
    status: z.coerce.number().int().min(0).max(599).optional(),
    error: z.string().min(1).max(100).optional(),
    credential: z.string().min(1).max(200).optional(),
    since: z
      .string()
      .refine((s) => /^\d+$/.test(s) || !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time or unix milliseconds')
      .transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s)))
      .optional(),
    after: count.optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

const clockBody = z
  .object({
    set: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with a zone, such as 2026-01-05T09:00:00Z' }).optional(),
    advance: z.number().finite().min(-1e10).max(1e10).optional(),
    freeze: z.boolean().optional(),
    reset: z.literal(true).optional(),
  })
  .strict();

export function clockState() {
  const now = clock.now();
  return { now: new Date(now).toISOString(), unix: Math.floor(now / 1000), frozen: clock.frozen, offset_ms: clock.offset };
}

/** The journal, fault and clock routes; also mounted by the web console under its own sign-in. */
export function controlPlugin(server: FastifyInstance, app: App): void {
  const journalOff = (reply: FastifyReply) =>
    send(reply, 409, { error: 'JOURNAL_OFF', error_description: 'The request journal is off (--journal-size 0)' });
  const filterOf = (request: FastifyRequest, reply: FastifyReply): JournalFilter | undefined => {
    const parsed = journalQuery.safeParse(request.query ?? {});
    if (!parsed.success) {
      void badRequest(reply, zodProblems(parsed.error), 'query');
      return undefined;
    }
    return parsed.data;
  };

  server.get('/_roster/requests', async (request, reply) => {
    const filter = filterOf(request, reply);
    if (!filter) return reply;
    if (!app.journal) return journalOff(reply);
    return send(reply, 200, { requests: app.journal.list({ limit: 100, ...filter }) });
  });
  server.get('/_roster/requests/count', async (request, reply) => {
    const filter = filterOf(request, reply);
    if (!filter) return reply;
    if (!app.journal) return journalOff(reply);
    return send(reply, 200, { count: app.journal.count(filter) });
  });
  const streams = new Set<ServerResponse>();
  // open streams would keep the server from closing
  server.addHook('preClose', async () => {
    for (const raw of streams) raw.end();
  });
  server.get('/_roster/requests/stream', async (request, reply) => {
    const filter = filterOf(request, reply);
    if (!filter) return reply;
    if (!app.journal) return journalOff(reply);
    streamJournal(app.journal, filter, request, reply, streams);
    return reply;
  });
  server.delete('/_roster/requests', async (_request, reply) => {
    if (!app.journal) return journalOff(reply);
    app.journal.clear();
    return send(reply, 200, { cleared: true });
  });

  const faults = app.faults!;
  server.post('/_roster/faults', async (request, reply) => {
    const parsed = parseFaultRules(bodyOf(request));
    if (!parsed.ok) return badRequest(reply, parsed.problems, parsed.problems.length === 1 ? 'rule' : 'rules');
    const ids = faults.add(parsed.rules);
    return send(reply, 200, parsed.many ? { ids } : { id: ids[0] });
  });
  server.get('/_roster/faults', async (_request, reply) => send(reply, 200, { rules: faults.list() }));
  server.delete('/_roster/faults', async (_request, reply) => {
    const removed = faults.size;
    faults.clear();
    return send(reply, 200, { removed });
  });
  server.delete('/_roster/faults/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!/^\d{1,15}$/.test(id)) return badRequest(reply, [{ path: 'id', message: 'must be a rule id' }], 'path');
    if (!faults.remove(Number(id))) return send(reply, 404, { error: 'NOT_FOUND', error_description: `No fault rule ${id}` });
    return send(reply, 200, { removed: 1 });
  });

  server.get('/_roster/clock', async (_request, reply) => send(reply, 200, clockState()));
  server.post('/_roster/clock', async (request, reply) => {
    const body = bodyOf(request);
    const parsed = clockBody.safeParse(body);
    const problems = parsed.success ? [] : zodProblems(parsed.error);
    const raw = (body ?? {}) as Record<string, unknown>;
    if (raw.reset !== undefined && (raw.set !== undefined || raw.advance !== undefined)) problems.push({ path: 'reset', message: 'reset excludes set and advance' });
    if (!parsed.success || problems.length) return badRequest(reply, problems, 'clock change');
    const b = parsed.data;
    if (b.reset) clock.reset();
    // freeze before setting: frozen afterwards, the clock would stop a few ms past the time asked for
    if (b.freeze === true) clock.freeze(true);
    if (b.set !== undefined) clock.set(Date.parse(b.set));
    if (b.advance !== undefined) clock.advance(b.advance * 1000);
    if (b.freeze === false) clock.freeze(false);
    return send(reply, 200, clockState());
  });
}

/** Entries a stream sends from the ring at once: on opening, when resuming, when catching up. */
export const JOURNAL_STREAM_BACKLOG = 1000;

/**
 * The journal as Server-Sent Events (docs/CONTROL.md): each call as it is journaled, `id:` its
 * journal id and `data:` the entry as GET /_roster/requests lists it, filtered like that list.
 * It starts with the newest `limit` matching entries (none without), oldest first; resuming
 * (`after`, or the Last-Event-ID an EventSource sends, which wins) it starts with the entries
 * after that id still in the ring. `event: clear` says the journal was cleared. The ring is the
 * queue: a client more than a buffer behind is served from it at its own pace (what the ring
 * dropped meanwhile is skipped), and one that reads nothing for a while is dropped.
 */
function streamJournal(journal: Journal, filter: JournalFilter, request: FastifyRequest, reply: FastifyReply, streams: Set<ServerResponse>): void {
  const header = request.headers['last-event-id'];
  const resume = typeof header === 'string' && /^\s*\d{1,15}\s*$/.test(header) ? Number(header) : filter.after;
  const { limit, after: _after, ...match } = filter;
  const stream = openEventStream(reply, streams);
  /** the newest id this client has been sent, or passed over */
  let pos = resume ?? journal.last;
  let behind = false;
  const sendEntries = (entries: JournalEntry[]) => {
    for (const entry of entries) {
      pos = Math.max(pos, entry.id);
      stream.write(`id: ${entry.id}\ndata: ${JSON.stringify(entry)}\n\n`);
    }
  };
  /** the matching entries after `pos` still in the ring, oldest first */
  const fromRing = (max: number) => journal.list({ ...match, after: pos, limit: max }).reverse();
  const catchUp = async () => {
    behind = true;
    while (!stream.closed) {
      if (stream.full) {
        if (!(await stream.drained())) {
          stream.raw.destroy(); // stalled: it reconnects with its Last-Event-ID and resumes
          return;
        }
        stream.full = false;
      }
      const entries = fromRing(JOURNAL_STREAM_BACKLOG);
      // no await between reading the ring and going live: no entry can be added in between
      if (entries.length === 0) {
        pos = Math.max(pos, journal.last);
        behind = false;
        return;
      }
      sendEntries(entries);
    }
  };
  const unsubscribe = journal.subscribe({
    added(entry) {
      if (behind || entry.id <= pos) return;
      pos = entry.id;
      if (!matches(entry, match)) return;
      sendEntries([entry]);
      if (stream.raw.writableLength > streamLimits.maxBufferedBytes) void catchUp();
    },
    cleared() {
      stream.write('event: clear\ndata: {}\n\n');
    },
  });
  stream.onClose(unsubscribe);
  // opening: the newest `limit` entries (all at or before `pos`), or resuming: those after `pos`
  sendEntries(resume === undefined ? journal.list({ ...match, limit: Math.min(limit ?? 0, JOURNAL_STREAM_BACKLOG) }).reverse() : fromRing(JOURNAL_STREAM_BACKLOG));
  if (stream.full) void catchUp();
}

export const controlRoutes: RouteInstaller = (root, app) => installAdmin(root, app, (server) => controlPlugin(server, app));

/** A check that neither answers nor fails in time has failed. */
async function runCheck(check: () => Promise<true | string>): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer in ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
  });
  try {
    // only the error's code (ECONNREFUSED, ...): /readyz is public, and messages name hosts
    return await Promise.race([check().catch((error: unknown) => `failed${typeof (error as { code?: unknown })?.code === 'string' ? ` (${(error as { code: string }).code})` : ''}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: RouteInstaller = (server, app) => {
  server.get('/healthz', async (_request, reply) => send(reply, 200, { status: 'ok' }));
  server.get('/readyz', async (_request, reply) => {
    const checks = app.readiness ?? [];
    const outcomes = await Promise.all(checks.map(async (c) => ({ name: c.name, outcome: await runCheck(c.check) })));
    const failed = outcomes.filter((o) => o.outcome !== true);
    const body = {
      status: failed.length ? 'unavailable' : 'ready',
      checks: Object.fromEntries(outcomes.map((o) => [o.name, o.outcome === true ? 'ok' : o.outcome])),
      ...(failed.length ? { failed: failed.map((f) => f.name) } : {}),
    };
    return send(reply, failed.length ? 503 : 200, body);
  });
};

export const metricsRoutes: RouteInstaller = (server, app) => {
  const metrics = app.metrics;
  if (!metrics) return;
  const token = app.config.metricsToken;
  const expected = token ? createHash('sha256').update(token).digest() : null;
  server.get('/metrics', async (request, reply) => {
    if (expected) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
        return send(reply, 401, { error: 'NO_AUTH_FOUND', error_description: '/metrics needs Authorization: Bearer <metrics token>' });
      }
    }
    return reply.code(200).header('cache-control', 'no-store').type(metrics.contentType).send(await metrics.text());
  });
};
