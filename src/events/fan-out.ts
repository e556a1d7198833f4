/**
 * Turns raised events into work, inside the transaction that advances the feed cursor (or that
 * makes the change, for event.test): one outbox row per online binding, one offline-queue
 * record per offline binding, and the ONOFFLINEEVENT notifications those records owe.
 */
import { createHash } from 'node:crypto';
import { findApplication } from '../store/oauth.js';
import type { Db } from '../store/index.js';
import {
  bindingsOf,
  dueNotifications,
  findBindings,
  findEventApp,
  insertDeliveries,
  queueOffline,
  setBindingNotify,
  type BindingRow,
  type NewDelivery,
} from '../store/events.js';
import { eventNamed } from './catalog.js';
import type { RaisedEvent } from './raise.js';

function authMode(event: string, binding: { hook_id: number | null }): string {
  if (binding.hook_id !== null) return 'hook';
  const def = eventNamed(event);
  if (def?.noTokens) return 'app-bare';
  return def?.refreshToken ? 'app+refresh' : 'app';
}

/**
 * Upstream's MESSAGE_ID: the queue keeps an object's latest state, so the same event about the
 * same object (FIELDS[ID], ID or BOT_ID) is one record.
 */
export function messageId(event: string, data: Record<string, unknown>): string {
  const fields = data.FIELDS as Record<string, unknown> | undefined;
  const object = fields?.ID ?? data.ID ?? data.BOT_ID ?? JSON.stringify(data);
  return createHash('md5').update(`${event}|${String(object)}`).digest('hex');
}

function minTimeoutMs(binding: BindingRow): number {
  try {
    const options = JSON.parse(binding.options) as { minTimeout?: unknown };
    const seconds = Number(options.minTimeout ?? 1);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
  } catch {
    return 1000;
  }
}

async function targets(db: Db, raised: RaisedEvent): Promise<BindingRow[]> {
  if (raised.appId !== undefined) return findBindings(db, { appId: raised.appId, event: raised.event });
  if (raised.appClientId !== undefined) {
    const app = raised.appClientId ? await findApplication(db, raised.appClientId) : undefined;
    return app ? (await bindingsOf(db, [raised.event])).filter((b) => b.app_id === app.id) : [];
  }
  return bindingsOf(db, [raised.event]);
}

export async function fanOut(db: Db, raised: RaisedEvent[], at: { now: number; changeSeq: number | null }): Promise<number> {
  const deliveries: NewDelivery[] = [];
  const offlineApps = new Set<number>();
  for (const r of raised) {
    const data = JSON.stringify(r.data);
    const base = { event: r.event, data, change_seq: at.changeSeq, next_at: at.now, created_at: at.now };
    if (r.appId !== undefined && (r.event === 'ONAPPINSTALL' || r.event === 'ONAPPUNINSTALL')) {
      // the handler given to `roster app create --event-handler` is the application's install handler
      const state = await findEventApp(db, r.appId);
      if (state?.handler) {
        deliveries.push({ ...base, binding_id: null, app_id: r.appId, hook_id: null, handler: state.handler, auth_user: r.actor, auth_mode: authMode(r.event, { hook_id: null }) });
      }
    }
    for (const b of await targets(db, r)) {
      if (b.offline === 1) {
        if (b.app_id === null) continue;
        await queueOffline(db, { appId: b.app_id, connector: b.connector, event: r.event, data, messageId: messageId(r.event, r.data), now: at.now });
        offlineApps.add(b.app_id);
        continue;
      }
      deliveries.push({
        ...base,
        binding_id: b.id,
        app_id: b.app_id,
        hook_id: b.hook_id,
        handler: b.handler,
        auth_user: b.hook_id !== null ? null : b.auth_type > 0 ? b.auth_type : r.actor,
        auth_mode: authMode(r.event, b),
      });
    }
  }
  for (const appId of offlineApps) {
    for (const b of await findBindings(db, { appId, event: 'ONOFFLINEEVENT', offline: false })) {
      const wait = minTimeoutMs(b);
      if (b.notified_at === null || at.now - b.notified_at >= wait) {
        deliveries.push(offlineNotice(b, at.now));
        await setBindingNotify(db, b.id, { notified_at: at.now, notify_due: null });
      } else if (b.notify_due === null) {
        await setBindingNotify(db, b.id, { notify_due: b.notified_at + wait });
      }
    }
  }
  await insertDeliveries(db, deliveries);
  return deliveries.length;
}

function offlineNotice(b: BindingRow, now: number): NewDelivery {
  return {
    binding_id: b.id,
    app_id: b.app_id,
    hook_id: null,
    event: 'ONOFFLINEEVENT',
    handler: b.handler,
    data: '[]',
    auth_user: b.auth_type > 0 ? b.auth_type : b.user_id || null,
    auth_mode: 'app+refresh',
    change_seq: null,
    next_at: now,
    created_at: now,
  };
}

/** ONOFFLINEEVENT notifications whose minTimeout has passed. */
export async function sendDueNotices(db: Db, now: number): Promise<number> {
  const due = await dueNotifications(db, now);
  for (const b of due) await setBindingNotify(db, b.id, { notified_at: now, notify_due: null });
  await insertDeliveries(db, due.map((b) => offlineNotice(b, now)));
  return due.length;
}
