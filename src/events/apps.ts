/**
 * What a portal administrator does from the settings pages, for the CLI and the admin API:
 * install and uninstall an application (ONAPPINSTALL / ONAPPUNINSTALL through the change feed)
 * and set up outgoing webhooks.
 */
import { clock } from '../clock.js';
import { findApplication, revokeApplicationTokens } from '../store/oauth.js';
import { appendChanges, type Actor } from '../store/changes.js';
import { createHook, ensureEventApp, updateEventApp, type EventHookRow } from '../store/events.js';
import type { Store } from '../store/index.js';
import { writeTransaction } from '../store/write.js';
import { findUser } from '../store/users.js';
import { eventNamed } from './catalog.js';
import { handlerUrlProblem } from './handler-url.js';

/** A refusal of one of these actions: its message is meant for the person who asked. */
export class EventsError extends Error {}

export const MAX_HOOK_EVENTS = 20;

export function checkHandler(handler: string, allowedHosts: string): string {
  const problem = handlerUrlProblem(handler, allowedHosts);
  if (problem) throw new EventsError(problem);
  return handler;
}

/** Sets the handler ONAPPINSTALL and ONAPPUNINSTALL go to ('' for none). */
export async function setInstallHandler(store: Store, appId: number, handler: string, allowedHosts: string): Promise<void> {
  if (handler) checkHandler(handler, allowedHosts);
  await writeTransaction(store, async (trx) => {
    await ensureEventApp(trx, appId, clock.unix());
    await updateEventApp(trx, appId, { handler, changed_at: clock.unix() });
  });
}

export interface InstallOptions {
  /** the administrator who installs: ONAPPINSTALL carries tokens of this user */
  userId: number;
  handler?: string;
  allowedHosts: string;
  channel: 'cli' | 'admin';
}

export async function installApplication(store: Store, clientId: string, o: InstallOptions): Promise<{ appId: number; applicationToken: string }> {
  const db = store.db;
  const app = await findApplication(db, clientId);
  if (!app) throw new EventsError(`there is no application ${clientId}`);
  const user = await findUser(db, o.userId);
  if (!user || user.active !== 1) throw new EventsError(`there is no active user ${o.userId}`);
  if (user.is_admin !== 1) throw new EventsError(`user ${o.userId} is not an administrator: only administrators install applications`);
  if (o.handler) checkHandler(o.handler, o.allowedHosts);
  const actor: Actor = { user: o.userId, credential: o.channel };
  return writeTransaction(store, async (trx) => {
    const now = clock.unix();
    const state = await ensureEventApp(trx, app.id, now);
    await updateEventApp(trx, app.id, { status: 'installed', changed_at: now, ...(o.handler ? { handler: o.handler } : {}) });
    await appendChanges(trx, [{ kind: 'app.installed', entity: app.id, fields: { client_id: clientId, user_id: o.userId } }], actor);
    return { appId: app.id, applicationToken: state.application_token };
  });
}

/** ONAPPUNINSTALL is queued and every token of the application revoked, in one transaction. */
export async function uninstallApplication(store: Store, clientId: string, o: { clean: boolean; channel: 'cli' | 'admin' }): Promise<{ appId: number }> {
  const app = await findApplication(store.db, clientId);
  if (!app) throw new EventsError(`there is no application ${clientId}`);
  return writeTransaction(store, async (trx) => {
    const now = clock.unix();
    const state = await ensureEventApp(trx, app.id, now);
    if (state.status === 'uninstalled') throw new EventsError(`application ${clientId} is not installed`);
    await updateEventApp(trx, app.id, { status: 'uninstalled', changed_at: now });
    await revokeApplicationTokens(trx, app.id, now);
    await appendChanges(trx, [{ kind: 'app.uninstalled', entity: app.id, fields: { client_id: clientId, clean: o.clean } }], { user: null, credential: o.channel });
    return { appId: app.id };
  });
}

/** An outgoing webhook: events of the list go to `handler` with the portal's auth fields only. */
export async function createOutgoingHook(store: Store, o: { handler: string; events: string[]; title?: string; allowedHosts: string }): Promise<EventHookRow & { events: string[] }> {
  checkHandler(o.handler, o.allowedHosts);
  if (o.events.length === 0) throw new EventsError('give at least one event');
  if (o.events.length > MAX_HOOK_EVENTS) throw new EventsError(`an outgoing webhook takes at most ${MAX_HOOK_EVENTS} events`);
  const names = [...new Set(o.events.map((e) => {
    const def = typeof e === 'string' ? eventNamed(e) : undefined;
    if (!def || !def.webhook) throw new EventsError(`${String(e).slice(0, 100)} is not an event an outgoing webhook can receive`);
    return def.name;
  }))];
  const title = (o.title ?? '').slice(0, 200);
  const row = await writeTransaction(store, (trx) => createHook(trx, { handler: o.handler, title, events: names, now: clock.now() }));
  return { ...row, events: names };
}
