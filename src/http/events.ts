/**
 * Admin endpoints of events (issue #12), beside the other /_roster routes and guarded by the
 * same admin token:
 *
 * - `GET /_roster/deliveries?event=&status=ok|failed&since=&after=&limit=`: the delivery log,
 *   oldest first, tokens redacted.
 * - `POST /_roster/deliveries/<delivery_id>/redeliver`: sends a delivery again.
 * - `POST /_roster/apps/<client_id>/install` (`{"user_id", "handler"}`) and
 *   `POST /_roster/apps/<client_id>/uninstall` (`{"clean"}`).
 * - `GET|POST /_roster/webhooks/outgoing` (`{"handler", "events": [...], "title"}`) and
 *   `DELETE /_roster/webhooks/outgoing/<id>`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clock } from '../clock.js';
import { createOutgoingHook, EventsError, installApplication, uninstallApplication } from '../events/apps.js';
import type { App } from '../rest/context.js';
import { presentAttempt, readSince } from '../events/log.js';
import { deleteHook, listAttempts, listHooks, requeueDelivery } from '../store/events.js';
import { bodyObject, requireAdminToken, send } from './admin.js';
import type { RouteInstaller } from './server.js';

const MAX_LIST = 1000;

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query as Record<string, unknown> | undefined) ?? {};
}

export const eventRoutes: RouteInstaller = async (root: FastifyInstance, app: App) => {
  const token = app.config.adminToken;
  if (!token) return;
  await root.register(async (server) => {
    requireAdminToken(server, token);
    const db = app.store.db;
    const refuse = (reply: Parameters<typeof send>[0], error: unknown) => {
      if (error instanceof EventsError) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: error.message });
      throw error;
    };

    server.get('/_roster/deliveries', async (request, reply) => {
      const q = query(request);
      const since = readSince(q.since);
      const limit = q.limit === undefined ? 100 : Number(q.limit);
      const after = q.after === undefined ? undefined : Number(q.after);
      const bad = (what: string) => send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: what });
      if (Number.isNaN(since)) return bad('since must be an ISO 8601 instant or unix seconds');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) return bad(`limit must be 1 to ${MAX_LIST}`);
      if (after !== undefined && (!Number.isInteger(after) || after < 0)) return bad('after must be a delivery log id');
      if (q.status !== undefined && q.status !== 'ok' && q.status !== 'failed') return bad('status must be ok or failed');
      if (q.event !== undefined && (typeof q.event !== 'string' || q.event.length > 255)) return bad('event must be an event name');
      const rows = await listAttempts(db, {
        event: typeof q.event === 'string' && q.event ? q.event.toUpperCase() : undefined,
        status: q.status as string | undefined,
        since,
        afterId: after,
        limit,
      });
      return send(reply, 200, { result: rows.map(presentAttempt) });
    });

    server.post('/_roster/deliveries/:id/redeliver', async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      const copy = Number.isInteger(id) && id > 0 ? await requeueDelivery(db, id, clock.now()) : undefined;
      if (copy === undefined) return send(reply, 404, { error: 'NOT_FOUND', error_description: `there is no delivery ${(request.params as { id: string }).id.slice(0, 20)}` });
      app.events?.wake();
      return send(reply, 200, { result: { delivery_id: copy } });
    });

    server.post('/_roster/apps/:clientId/install', async (request, reply) => {
      const b = bodyObject(request);
      const userId = b.user_id === undefined ? 1 : Number(b.user_id);
      if (!Number.isInteger(userId) || userId <= 0) return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'user_id must be a user id' });
      if (b.handler !== undefined && typeof b.handler !== 'string') return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'handler must be a URL' });
      try {
        const clientId = (request.params as { clientId: string }).clientId;
        const out = await installApplication(app.store, clientId, { userId, handler: b.handler as string | undefined, allowedHosts: app.config.eventHosts, channel: 'admin' });
        app.events?.wake();
        return send(reply, 200, { result: { client_id: clientId, application_token: out.applicationToken } });
      } catch (error) {
        return refuse(reply, error);
      }
    });

    server.post('/_roster/apps/:clientId/uninstall', async (request, reply) => {
      const clean = bodyObject(request).clean;
      if (clean !== undefined && typeof clean !== 'boolean') return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'clean must be true or false' });
      try {
        const clientId = (request.params as { clientId: string }).clientId;
        await uninstallApplication(app.store, clientId, { clean: clean === true, channel: 'admin' });
        app.events?.wake();
        return send(reply, 200, { result: { client_id: clientId, uninstalled: true } });
      } catch (error) {
        return refuse(reply, error);
      }
    });

    server.get('/_roster/webhooks/outgoing', async (_request, reply) => {
      const hooks = await listHooks(db);
      return send(reply, 200, { result: hooks.map((h) => ({ id: h.id, handler: h.handler, events: h.events, title: h.title, application_token: h.application_token })) });
    });

    server.post('/_roster/webhooks/outgoing', async (request, reply) => {
      const b = bodyObject(request);
      const events = Array.isArray(b.events) ? b.events : typeof b.events === 'string' ? [b.events] : null;
      if (typeof b.handler !== 'string' || events === null || events.some((e) => typeof e !== 'string')) {
        return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'give handler (a URL) and events (a list of event names)' });
      }
      if (b.title !== undefined && typeof b.title !== 'string') return send(reply, 400, { error: 'ERROR_ARGUMENT', error_description: 'title must be text' });
      try {
        const hook = await createOutgoingHook(app.store, { handler: b.handler, events: events as string[], title: b.title as string | undefined, allowedHosts: app.config.eventHosts });
        return send(reply, 200, { result: { id: hook.id, handler: hook.handler, events: hook.events, title: hook.title, application_token: hook.application_token } });
      } catch (error) {
        return refuse(reply, error);
      }
    });

    server.delete('/_roster/webhooks/outgoing/:id', async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      if (!Number.isInteger(id) || id <= 0 || !(await deleteHook(db, id))) return send(reply, 404, { error: 'NOT_FOUND', error_description: 'there is no such outgoing webhook' });
      return send(reply, 200, { result: true });
    });
  });
};
