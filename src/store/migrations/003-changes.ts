import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** The change feed (issue #10): one row per changed entity, written in the transaction of the change. */
export async function up(db: Kysely<unknown>, { idColumn, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('changes')
    .addColumn('seq', 'integer', idColumn)
    .addColumn('at', bigint, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer')
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('actor_user', 'integer')
    .addColumn('actor_credential', 'text')
    .execute();
  await db.schema.createIndex('changes_at').on('changes').column('at').execute();
}
