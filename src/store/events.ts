/**
 * Storage of events (issue #12): bindings, the cursor into the change feed, the outbox of
 * deliveries with its claim, the delivery log and the offline queue. Every statement that two
 * instances may run at once is one conditional statement or runs under a row lock, so each
 * change is turned into deliveries once and each delivery is claimed by one instance.
 */
import { randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type Insertable } from 'kysely';
import type { ChangeRecord, ChangeKind } from './changes.js';
import type { Db, Dialect } from './index.js';
import type { Database } from './schema.js';
import {
  eventsDb,
  type EventTables,
  type AttemptRow,
  type BindingRow,
  type EventAppRow,
  type EventAttemptsTable,
  type EventBindingsTable,
  type EventHookRow,
  type EventOutboxTable,
  type OfflineRow,
  type OutboxRow,
} from './events-schema.js';

export type { AttemptRow, BindingRow, EventAppRow, EventHookRow, OfflineRow, OutboxRow } from './events-schema.js';

const CURSOR_KEY = 'events.cursor';

/** 32 hex characters, the look of upstream's application_token. */
export function newApplicationToken(): string {
  return randomBytes(16).toString('hex');
}

// ---------------------------------------------------------------- applications and outgoing webhooks

/** The application's event state, created with a fresh application_token on first use. */
export async function ensureEventApp(db: Db, appId: number, now: number): Promise<EventAppRow> {
  const edb = eventsDb(db);
  await edb
    .insertInto('event_apps')
    .values({ app_id: appId, application_token: newApplicationToken(), handler: '', status: 'installed', changed_at: now })
    .onConflict((oc) => oc.column('app_id').doNothing())
    .execute();
  return edb.selectFrom('event_apps').selectAll().where('app_id', '=', appId).executeTakeFirstOrThrow();
}

export function findEventApp(db: Db, appId: number): Promise<EventAppRow | undefined> {
  return eventsDb(db).selectFrom('event_apps').selectAll().where('app_id', '=', appId).executeTakeFirst();
}

export async function updateEventApp(db: Db, appId: number, set: { handler?: string; status?: string; changed_at: number }): Promise<void> {
  await eventsDb(db).updateTable('event_apps').set(set).where('app_id', '=', appId).execute();
}

export async function deleteEventApp(db: Db, appId: number): Promise<void> {
  const edb = eventsDb(db);
  await edb.deleteFrom('event_bindings').where('app_id', '=', appId).execute();
  await edb.deleteFrom('event_offline').where('app_id', '=', appId).execute();
  await edb.deleteFrom('event_apps').where('app_id', '=', appId).execute();
}

export async function createHook(db: Db, hook: { handler: string; title: string; events: string[]; now: number }): Promise<EventHookRow> {
  const edb = eventsDb(db);
  const row = await edb
    .insertInto('event_hooks')
    .values({ application_token: newApplicationToken(), handler: hook.handler, title: hook.title, date_create: Math.floor(hook.now / 1000) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await edb
    .insertInto('event_bindings')
    .values(hook.events.map((event) => ({ hook_id: row.id, app_id: null, event, handler: hook.handler, auth_type: 0, user_id: 0, offline: 0, connector: '', options: '{}', date_create: Math.floor(hook.now / 1000) })))
    .execute();
  return row;
}

export async function listHooks(db: Db): Promise<(EventHookRow & { events: string[] })[]> {
  const edb = eventsDb(db);
  const hooks = await edb.selectFrom('event_hooks').selectAll().orderBy('id').execute();
  const bindings = await edb.selectFrom('event_bindings').select(['hook_id', 'event']).where('hook_id', 'is not', null).orderBy('id').execute();
  return hooks.map((h) => ({ ...h, events: bindings.filter((b) => b.hook_id === h.id).map((b) => b.event) }));
}

export async function deleteHook(db: Db, id: number): Promise<boolean> {
  const edb = eventsDb(db);
  await edb.deleteFrom('event_bindings').where('hook_id', '=', id).execute();
  const result = await edb.deleteFrom('event_hooks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// ---------------------------------------------------------------- bindings

export async function insertBinding(db: Db, row: Insertable<EventBindingsTable>): Promise<number> {
  const out = await eventsDb(db).insertInto('event_bindings').values(row).returning('id').executeTakeFirstOrThrow();
  return out.id;
}

export interface BindingKey {
  appId: number;
  event?: string;
  handler?: string;
  authType?: number;
  offline?: boolean;
  /** only bindings this user made (non-administrators) */
  userId?: number;
}

function bindingQuery(db: Db, key: BindingKey) {
  let q = eventsDb(db).selectFrom('event_bindings').where('app_id', '=', key.appId);
  if (key.event !== undefined) q = q.where('event', '=', key.event);
  if (key.handler !== undefined) q = q.where('handler', '=', key.handler);
  if (key.authType !== undefined) q = q.where('auth_type', '=', key.authType);
  if (key.offline !== undefined) q = q.where('offline', '=', key.offline ? 1 : 0);
  if (key.userId !== undefined) q = q.where('user_id', '=', key.userId);
  return q;
}

export function findBindings(db: Db, key: BindingKey): Promise<BindingRow[]> {
  return bindingQuery(db, key).selectAll().orderBy('id').execute();
}

export async function countBindings(db: Db, appId: number): Promise<number> {
  const row = await eventsDb(db).selectFrom('event_bindings').select((eb) => eb.fn.countAll<number>().as('n')).where('app_id', '=', appId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteBindings(db: Db, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await eventsDb(db).deleteFrom('event_bindings').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Bindings that receive `event`: of installed applications and of outgoing webhooks. */
export function bindingsOf(db: Db, events: string[]): Promise<BindingRow[]> {
  if (events.length === 0) return Promise.resolve([]);
  return eventsDb(db)
    .selectFrom('event_bindings as b')
    .leftJoin('event_apps as a', 'a.app_id', 'b.app_id')
    .selectAll('b')
    .where('b.event', 'in', events)
    .where((eb) => eb.or([eb('b.app_id', 'is', null), eb('a.status', 'is', null), eb('a.status', '=', 'installed')]))
    .orderBy('b.id')
    .execute();
}

export async function setBindingNotify(db: Db, id: number, set: { notified_at?: number | null; notify_due?: number | null }): Promise<void> {
  await eventsDb(db).updateTable('event_bindings').set(set).where('id', '=', id).execute();
}

/** ONOFFLINEEVENT bindings with a notification owed by `now`. */
export function dueNotifications(db: Db, now: number): Promise<BindingRow[]> {
  return eventsDb(db).selectFrom('event_bindings').selectAll().where('notify_due', 'is not', null).where('notify_due', '<=', now).orderBy('id').execute();
}

// ---------------------------------------------------------------- the cursor into the change feed

/**
 * Takes the cursor's row lock for this transaction (PostgreSQL: other instances wait; SQLite:
 * the write lock, taken first so the transaction cannot fail upgrading) and returns it.
 */
export async function lockCursor(trx: Db): Promise<number> {
  const updated = await trx.updateTable('meta').set({ value: sql`value` }).where('key', '=', CURSOR_KEY).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await trx.insertInto('meta').values({ key: CURSOR_KEY, value: '0' }).onConflict((oc) => oc.column('key').doNothing()).execute();
    await trx.updateTable('meta').set({ value: sql`value` }).where('key', '=', CURSOR_KEY).execute();
  }
  const row = await trx.selectFrom('meta').select('value').where('key', '=', CURSOR_KEY).executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function setCursor(trx: Db, seq: number): Promise<void> {
  await trx.updateTable('meta').set({ value: String(seq) }).where('key', '=', CURSOR_KEY).execute();
}

export async function changesAfter(db: Db, seq: number, limit: number): Promise<ChangeRecord[]> {
  const rows = await db.selectFrom('changes').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    kind: r.kind as ChangeKind,
    entity: r.entity_id,
    fields: safeJson(r.fields),
    actor: { user: r.actor_user, credential: r.actor_credential },
  }));
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- the outbox

export type NewDelivery = Omit<Insertable<EventOutboxTable>, 'status' | 'attempts' | 'lease_until'>;
const FRESH = { status: 'pending', attempts: 0, lease_until: null } as const;

export async function insertDeliveries(db: Db, rows: NewDelivery[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await eventsDb(db).insertInto('event_outbox').values(rows.slice(i, i + 200).map((r) => ({ ...r, ...FRESH }))).execute();
  }
}

/**
 * Claims up to `limit` deliveries that are due, at most one per handler and only a handler's
 * oldest unfinished one, so each handler gets its events in order. A `sending` row whose lease
 * ran out was claimed by a process that died: it is claimed again. One statement on both
 * engines; on PostgreSQL rows another instance is claiming are skipped, not waited for.
 */
/** Whether any delivery is due: a read, so that an idle poll takes no write lock. */
export async function deliveriesDue(db: Db, now: number): Promise<boolean> {
  const row = await eventsDb(db).selectFrom('event_outbox').select('id').where(dueAt(now)).limit(1).executeTakeFirst();
  return row !== undefined;
}

function dueAt(now: number) {
  return (eb: ExpressionBuilder<Database & EventTables, 'event_outbox'>) =>
    eb.or([
      eb.and([eb('event_outbox.status', '=', 'pending'), eb('event_outbox.next_at', '<=', now)]),
      eb.and([eb('event_outbox.status', '=', 'sending'), eb('event_outbox.lease_until', '<', now)]),
    ]);
}

export async function claimDeliveries(db: Db, dialect: Dialect, now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const edb = eventsDb(db);
  const due = dueAt(now);
  let candidates = edb
    .selectFrom('event_outbox')
    .select('event_outbox.id')
    .where(due)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('event_outbox as p')
            .select('p.id')
            .whereRef('p.handler', '=', 'event_outbox.handler')
            .whereRef('p.id', '<', 'event_outbox.id')
            .where('p.status', 'in', ['pending', 'sending']),
        ),
      ),
    )
    .orderBy('event_outbox.id')
    .limit(limit);
  if (dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
  const rows = await edb
    .updateTable('event_outbox')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), lease_until: now + leaseMs }))
    .where('id', 'in', candidates)
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

export async function finishDelivery(db: Db, id: number, set: { status: 'done' | 'failed' | 'pending'; next_at?: number }): Promise<void> {
  await eventsDb(db)
    .updateTable('event_outbox')
    .set({ status: set.status, lease_until: null, ...(set.next_at !== undefined ? { next_at: set.next_at } : {}) })
    .where('id', '=', id)
    .execute();
}

export function findDelivery(db: Db, id: number): Promise<OutboxRow | undefined> {
  return eventsDb(db).selectFrom('event_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deliveries not yet finished (tests and `roster deliveries` wait for none). */
export async function unfinishedDeliveries(db: Db): Promise<number> {
  const row = await eventsDb(db)
    .selectFrom('event_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------- the delivery log

export async function insertAttempt(db: Db, row: Insertable<EventAttemptsTable>): Promise<void> {
  await eventsDb(db).insertInto('event_attempts').values(row).execute();
}

export interface AttemptFilter {
  event?: string;
  status?: string;
  /** unix ms */
  since?: number;
  /** attempts with a larger id (`--follow`) */
  afterId?: number;
  limit: number;
}

export function listAttempts(db: Db, filter: AttemptFilter): Promise<AttemptRow[]> {
  let q = eventsDb(db).selectFrom('event_attempts').selectAll();
  if (filter.event) q = q.where('event', '=', filter.event);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  return q.orderBy('id').limit(filter.limit).execute();
}

export function findAttempt(db: Db, id: number): Promise<AttemptRow | undefined> {
  return eventsDb(db).selectFrom('event_attempts').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---------------------------------------------------------------- the offline queue

/**
 * Queues an offline event. The queue keeps an object's latest state, not its history: an
 * unreserved record with the same MESSAGE_ID only gets the new time.
 */
export async function queueOffline(db: Db, row: { appId: number; connector: string; event: string; data: string; messageId: string; now: number }): Promise<void> {
  const edb = eventsDb(db);
  const updated = await edb
    .updateTable('event_offline')
    .set({ timestamp_x: row.now, data: row.data })
    .where('app_id', '=', row.appId)
    .where('connector', '=', row.connector)
    .where('message_id', '=', row.messageId)
    .where('process_id', '=', '')
    .where('error', '=', 0)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await edb
    .insertInto('event_offline')
    .values({ app_id: row.appId, connector: row.connector, event: row.event, data: row.data, message_id: row.messageId, timestamp_x: row.now, process_id: '', error: 0 })
    .execute();
}

export type OfflineColumn = 'id' | 'timestamp_x' | 'event' | 'message_id' | 'process_id' | 'error';
export interface OfflineCondition {
  column: OfflineColumn;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: string | number;
}
export interface OfflineQuery {
  appId: number;
  connector: string;
  where: OfflineCondition[];
  order: { column: OfflineColumn; direction: 'asc' | 'desc' }[];
}

function offlineQuery(db: Db, q: OfflineQuery) {
  let query = eventsDb(db).selectFrom('event_offline').where('app_id', '=', q.appId).where('connector', '=', q.connector);
  for (const c of q.where) query = query.where(c.column, c.op === '!=' ? '<>' : c.op, c.value);
  return query;
}

export async function listOffline(db: Db, q: OfflineQuery, page: { offset: number; limit: number }): Promise<{ rows: OfflineRow[]; total: number }> {
  let rows = offlineQuery(db, q).selectAll();
  for (const o of q.order) rows = rows.orderBy(o.column, o.direction);
  const total = await offlineQuery(db, q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows: await rows.orderBy('id').offset(page.offset).limit(page.limit).execute(), total: Number(total.n) };
}

/**
 * event.offline.get: the first `limit` records matching, not reserved by another process
 * (records of `processId` when given), then deleted (`clear`) or reserved for `reserveAs`.
 * Rows are taken under a lock (PostgreSQL: skipping rows another call is taking), so parallel
 * calls get disjoint records.
 */
export async function takeOffline(
  db: Db,
  dialect: Dialect,
  q: OfflineQuery & { limit: number; clear: boolean; processId: string; reserveAs: string; withErrors: boolean },
): Promise<OfflineRow[]> {
  return db.transaction().execute(async (trx) => {
    const edb = eventsDb(trx);
    if (dialect === 'sqlite') await edb.updateTable('event_offline').set({ app_id: sql`app_id` }).where('id', '=', -1).execute(); // the write lock first
    let ids = offlineQuery(trx, q).select('id').where('process_id', '=', q.processId);
    if (!q.withErrors) ids = ids.where('error', '=', 0);
    for (const o of q.order) ids = ids.orderBy(o.column, o.direction);
    ids = ids.orderBy('id').limit(q.limit);
    if (dialect === 'postgres') ids = ids.forUpdate().skipLocked();
    const picked = (await ids.execute()).map((r) => r.id);
    if (picked.length === 0) return [];
    const rows = await edb.selectFrom('event_offline').selectAll().where('id', 'in', picked).execute();
    if (q.clear) await edb.deleteFrom('event_offline').where('id', 'in', picked).execute();
    else await edb.updateTable('event_offline').set({ process_id: q.reserveAs }).where('id', 'in', picked).execute();
    const order = new Map(picked.map((id, i) => [id, i]));
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  });
}

export async function clearOffline(db: Db, appId: number, processId: string, by: { ids?: number[]; messageIds?: string[] }): Promise<number> {
  let q = eventsDb(db).deleteFrom('event_offline').where('app_id', '=', appId).where('process_id', '=', processId);
  if (by.ids) q = q.where('id', 'in', by.ids.length ? by.ids : [-1]);
  else if (by.messageIds) q = q.where('message_id', 'in', by.messageIds.length ? by.messageIds : ['']);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Marks records of the process as failed; they leave the process and wait for `error=1` reads. */
export async function markOfflineErrors(db: Db, appId: number, processId: string, messageIds: string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const result = await eventsDb(db)
    .updateTable('event_offline')
    .set({ error: 1, process_id: '' })
    .where('app_id', '=', appId)
    .where('process_id', '=', processId)
    .where('message_id', 'in', messageIds)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---------------------------------------------------------------- what events say about users

/** The user row and department ids ONUSERADD reports, or undefined when the user is gone. */
export async function userForEvent(db: Db, id: number): Promise<{ user: import('./users.js').UserRow; departments: number[] } | undefined> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!user) return undefined;
  const rows = await db.selectFrom('user_departments').select('department_id').where('user_id', '=', id).orderBy('position').execute();
  return { user, departments: rows.map((r) => r.department_id) };
}

/** After ONAPPUNINSTALL went out: the application's bindings go (upstream drops them), its queue too with `clean`. */
export async function dropAppBindings(db: Db, appId: number, clean: boolean): Promise<void> {
  const edb = eventsDb(db);
  await edb.deleteFrom('event_bindings').where('app_id', '=', appId).execute();
  if (clean) await edb.deleteFrom('event_offline').where('app_id', '=', appId).execute();
}

/** Whether the feed has changes past the cursor or a notification is owed: the idle check, without a write. */
export async function feedHasWork(db: Db, now: number): Promise<boolean> {
  const cursor = await db.selectFrom('meta').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
  const next = await db.selectFrom('changes').select('seq').where('seq', '>', Number(cursor?.value ?? 0)).limit(1).executeTakeFirst();
  if (next) return true;
  const due = await eventsDb(db).selectFrom('event_bindings').select('id').where('notify_due', 'is not', null).where('notify_due', '<=', now).limit(1).executeTakeFirst();
  return due !== undefined;
}

export function findHook(db: Db, id: number): Promise<EventHookRow | undefined> {
  return eventsDb(db).selectFrom('event_hooks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A copy of a delivery, queued again behind the handler's other deliveries; its new id. */
export async function requeueDelivery(db: Db, id: number, now: number): Promise<number | undefined> {
  const edb = eventsDb(db);
  const row = await edb.selectFrom('event_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const copy = await edb
    .insertInto('event_outbox')
    .values({
      binding_id: row.binding_id,
      app_id: row.app_id,
      hook_id: row.hook_id,
      event: row.event,
      handler: row.handler,
      data: row.data,
      auth_user: row.auth_user,
      auth_mode: row.auth_mode,
      change_seq: row.change_seq,
      next_at: now,
      created_at: now,
      ...FRESH,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return copy.id;
}

/** Finished deliveries and log entries older than `before` (unix ms) go: the log is bounded. */
export async function pruneDeliveries(db: Db, before: number): Promise<void> {
  const edb = eventsDb(db);
  await edb.deleteFrom('event_outbox').where('status', 'in', ['done', 'failed']).where('created_at', '<', before).execute();
  await edb.deleteFrom('event_attempts').where('at', '<', before).execute();
}
