import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Events (issue #12): bindings of applications and outgoing webhooks, the outbox of deliveries
 * fed from the change feed, every delivery attempt, and the per-application offline queue.
 */
export async function up(db: Kysely<unknown>, { idColumn, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('event_apps')
    .addColumn('app_id', 'integer', (c) => c.primaryKey())
    .addColumn('application_token', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('installed'))
    .addColumn('changed_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('event_hooks')
    .addColumn('id', 'integer', idColumn)
    .addColumn('application_token', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date_create', bigint, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('event_bindings')
    .addColumn('id', 'integer', idColumn)
    .addColumn('app_id', 'integer')
    .addColumn('hook_id', 'integer')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('auth_type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('user_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('offline', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('connector', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('notified_at', bigint)
    .addColumn('notify_due', bigint)
    .addColumn('date_create', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_bindings_event').on('event_bindings').column('event').execute();
  await db.schema
    .createTable('event_outbox')
    .addColumn('id', 'integer', idColumn)
    .addColumn('binding_id', 'integer')
    .addColumn('app_id', 'integer')
    .addColumn('hook_id', 'integer')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('auth_user', 'integer')
    .addColumn('auth_mode', 'text', (c) => c.notNull())
    .addColumn('change_seq', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', bigint, (c) => c.notNull())
    .addColumn('lease_until', bigint)
    .addColumn('created_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_outbox_status').on('event_outbox').columns(['status', 'next_at']).execute();
  await db.schema.createIndex('event_outbox_handler').on('event_outbox').columns(['handler', 'id']).execute();
  await db.schema
    .createTable('event_attempts')
    .addColumn('id', 'integer', idColumn)
    .addColumn('delivery_id', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', bigint, (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('response', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_attempts_at').on('event_attempts').column('at').execute();
  await db.schema
    .createTable('event_offline')
    .addColumn('id', 'integer', idColumn)
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('timestamp_x', bigint, (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('error', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('event_offline_app').on('event_offline').columns(['app_id', 'message_id']).execute();
}
