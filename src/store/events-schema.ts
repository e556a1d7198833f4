import type { Generated, Kysely, Selectable } from 'kysely';
import type { Db } from './index.js';
import type { Database } from './schema.js';

/** The tables of migration 006-events, kept beside the core schema as the OAuth tables are. */
export type EventTables = {
  event_apps: EventAppsTable;
  event_hooks: EventHooksTable;
  event_bindings: EventBindingsTable;
  event_outbox: EventOutboxTable;
  event_attempts: EventAttemptsTable;
  event_offline: EventOfflineTable;
};

/** An application's event state: its application_token, install handler and install status. */
export interface EventAppsTable {
  app_id: number;
  /** stable per application: handlers compare it to tell Roster's calls from anyone else's */
  application_token: string;
  /** where ONAPPINSTALL and ONAPPUNINSTALL go ('' for none) */
  handler: string;
  /** `installed` or `uninstalled` */
  status: string;
  changed_at: number;
}

/** An outgoing webhook: a handler an administrator points events at, without an application. */
export interface EventHooksTable {
  id: Generated<number>;
  application_token: string;
  handler: string;
  title: string;
  date_create: number;
}

export interface EventBindingsTable {
  id: Generated<number>;
  /** the OAuth application that bound it, or null for an outgoing webhook's binding */
  app_id: number | null;
  hook_id: number | null;
  /** upper-case event name */
  event: string;
  /** the handler URL; '' for offline bindings */
  handler: string;
  /** the user whose tokens the handler gets; 0 = the user whose action raised the event */
  auth_type: number;
  /** the user who bound it: non-administrators see and unbind only their own */
  user_id: number;
  offline: number;
  connector: string;
  /** JSON object: `minTimeout` for ONOFFLINEEVENT */
  options: string;
  /** ONOFFLINEEVENT throttling: last notification and a notification owed (unix ms) */
  notified_at: number | null;
  notify_due: number | null;
  date_create: number;
}

export interface EventOutboxTable {
  id: Generated<number>;
  binding_id: number | null;
  app_id: number | null;
  hook_id: number | null;
  event: string;
  handler: string;
  /** JSON: the event's `data` */
  data: string;
  /** whose access token `auth` carries (null: none) */
  auth_user: number | null;
  /** `app` (tokens when auth_user is set), `app+refresh`, `app-bare` (no tokens), `hook` */
  auth_mode: string;
  change_seq: number | null;
  /** `pending`, `sending`, `done`, `failed` */
  status: string;
  attempts: number;
  /** unix ms: not before */
  next_at: number;
  /** unix ms: a `sending` row whose lease passed belonged to a process that died */
  lease_until: number | null;
  created_at: number;
}

export interface EventAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  event: string;
  handler: string;
  attempt: number;
  at: number;
  /** the form body sent, tokens redacted */
  body: string;
  /** `ok` or `failed` */
  status: string;
  http_status: number | null;
  response: string;
  error: string;
  duration_ms: number;
}

export interface EventOfflineTable {
  id: Generated<number>;
  app_id: number;
  connector: string;
  event: string;
  data: string;
  message_id: string;
  timestamp_x: number;
  process_id: string;
  error: number;
}

export type EventsDb = Kysely<Database & EventTables>;
export type BindingRow = Selectable<EventBindingsTable>;
export type OutboxRow = Selectable<EventOutboxTable>;
export type AttemptRow = Selectable<EventAttemptsTable>;
export type OfflineRow = Selectable<EventOfflineTable>;
export type EventAppRow = Selectable<EventAppsTable>;
export type EventHookRow = Selectable<EventHooksTable>;

export function eventsDb(db: Db): EventsDb {
  return db.withTables<EventTables>();
}
