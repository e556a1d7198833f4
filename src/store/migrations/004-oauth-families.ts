import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Token families (issue 9, RFC 6749 §4.1.2 and §10.4): every pair issued from one authorization
 * code, or from one `roster token issue`, and every pair refreshed from those, share a family,
 * so that replaying a used code or refresh token revokes them all. Codes are marked used instead
 * of deleted, so that a replay can be recognised.
 */
export async function up(db: Kysely<unknown>, { bigint }: MigrationContext): Promise<void> {
  await db.schema.alterTable('oauth_tokens').addColumn('family', 'text', (c) => c.notNull().defaultTo('')).execute();
  // pairs issued before families existed: each is a family of its own
  await sql`UPDATE oauth_tokens SET family = 'pair:' || CAST(id AS text)`.execute(db);
  await db.schema.createIndex('oauth_tokens_family').on('oauth_tokens').column('family').execute();
  await db.schema.alterTable('oauth_codes').addColumn('family', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('oauth_codes').addColumn('used_at', bigint).execute();
}
