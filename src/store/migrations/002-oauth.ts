import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** OAuth 2.0 applications, authorization codes and token pairs (issue #4). */
export async function up(db: Kysely<unknown>, { idColumn, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('oauth_apps')
    .addColumn('id', 'integer', idColumn)
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date_create', bigint, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oauth_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_codes_expires').on('oauth_codes').column('expires_at').execute();

  await db.schema
    .createTable('oauth_tokens')
    .addColumn('id', 'integer', idColumn)
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('access_hash', 'text', (c) => c.notNull().unique())
    .addColumn('access_expires_at', bigint, (c) => c.notNull())
    .addColumn('refresh_hash', 'text', (c) => c.notNull().unique())
    .addColumn('refresh_expires_at', bigint, (c) => c.notNull())
    .addColumn('refresh_used_at', bigint)
    .addColumn('revoked_at', bigint)
    .addColumn('date_create', bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_tokens_app').on('oauth_tokens').column('app_id').execute();
  await db.schema.createIndex('oauth_tokens_refresh_expires').on('oauth_tokens').column('refresh_expires_at').execute();
}
