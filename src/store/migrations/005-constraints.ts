import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * What must be unique is unique in the schema too (issue #10): logins (webhook URLs and sign-in
 * find a user by login). E-mail keys and bot codes already are. Rows that already share a
 * login keep it on the lowest id; the others get `<login>#<id>`, so the index can be built.
 */
export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await sql`UPDATE users SET login = login || '#' || CAST(id AS TEXT) WHERE id NOT IN (SELECT MIN(id) FROM users GROUP BY login)`.execute(db);
  await db.schema.dropIndex('users_login').execute();
  await db.schema.createIndex('users_login_unique').on('users').column('login').unique().execute();
}
