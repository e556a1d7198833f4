import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as core from './001-core.js';
import * as oauth from './002-oauth.js';
import * as changes from './003-changes.js';
import * as oauthFamilies from './004-oauth-families.js';
import * as constraints from './005-constraints.js';
import * as events from './006-events.js';
import * as consoleSessions from './007-console-sessions.js';

export type Dialect = 'sqlite' | 'postgres';

/** What a migration needs to know about the engine beyond Kysely's neutral schema builder. */
export interface MigrationContext {
  dialect: Dialect;
  /** an integer primary key the engine assigns when the insert does not give one */
  idColumn: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** unix seconds: 64-bit in PostgreSQL, SQLite integers are 64-bit anyway */
  bigint: 'bigint' | 'integer';
  /** after rows were inserted with explicit ids: make the engine's next id follow them */
  syncIds: (db: Kysely<unknown>) => Promise<void>;
}

/** Tables whose id the engine generates. */
export const ID_TABLES = ['users', 'departments', 'absences', 'sonet_groups', 'webhooks'] as const;

/** PostgreSQL identity sequences do not move when a row is inserted with its own id. */
export async function syncIdSequences(db: Kysely<unknown>, dialect: Dialect, tables: readonly string[] = ID_TABLES): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of tables) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), GREATEST(COALESCE((SELECT MAX(id) FROM ${sql.table(table)}), 0), 1), (SELECT COUNT(*) > 0 FROM ${sql.table(table)}))`.execute(db);
  }
}

type Step = { up: (db: Kysely<unknown>, ctx: MigrationContext) => Promise<void> };

/** Every migration, in order. Names are stored in the database: never rename one. */
const steps: Record<string, Step> = {
  '001-core': core,
  '002-oauth': oauth,
  '003-changes': changes,
  '004-oauth-families': oauthFamilies,
  '005-constraints': constraints,
  '006-events': events,
  '007-console-sessions': consoleSessions,
};

/** Names of every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(steps);

export function migrationProvider(dialect: Dialect): MigrationProvider {
  const ctx: MigrationContext = {
    dialect,
    idColumn:
      dialect === 'postgres'
        ? (c) => c.primaryKey().generatedByDefaultAsIdentity()
        : (c) => c.primaryKey().autoIncrement(),
    bigint: dialect === 'postgres' ? 'bigint' : 'integer',
    syncIds: (db) => syncIdSequences(db, dialect),
  };
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, step] of Object.entries(steps)) out[name] = { up: (db) => step.up(db, ctx) };
      return out;
    },
  };
}
