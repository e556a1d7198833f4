import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Web console sessions (issue #14): in the database, so that every instance behind a balancer
 * knows them. Only a hash of the cookie's token is stored; `seen_at` moves the idle expiry.
 */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('seen_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_seen').on('console_sessions').column('seen_at').execute();
}
