import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type LogEvent, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { migrationProvider, syncIdSequences, type Dialect } from './migrations/index.js';
import type { Database } from './schema.js';

export type { Dialect } from './migrations/index.js';
export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** where the data lives, without credentials: for messages */
  location: string;
  /** statements sent to the engine since the store was opened (tests assert bulk access on it) */
  queryCount(): number;
  /** make the engine's generated ids follow rows inserted with explicit ids */
  syncIds(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Work run inside `uncounted.run(true, ...)` (the event worker's polling) is left out of
 * `queryCount()`, so tests measuring a request's statements do not see background work.
 */
export const uncounted = new AsyncLocalStorage<boolean>();

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens (and migrates) the directory at `location`: an SQLite file path, `:memory:`, or a
 * `postgres://` URL. A `schema` query parameter on the URL keeps the tables in that schema
 * (created when missing), so several directories can share one database.
 */
export async function openStore(location: string): Promise<Store> {
  let queries = 0;
  const log = (event: LogEvent) => {
    if (event.level === 'query' && !uncounted.getStore()) queries++;
  };
  let db: Db;
  let dialect: Dialect;
  let shown: string;
  let migrationSchema: string | undefined;
  if (isPostgresUrl(location)) {
    dialect = 'postgres';
    const url = new URL(location);
    const schema = url.searchParams.get('schema');
    url.searchParams.delete('schema');
    if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`schema "${schema}" must be a lower-case identifier`);
    }
    shown = `${url.protocol}//${url.host}${url.pathname}${schema ? ` (schema ${schema})` : ''}`;
    migrationSchema = schema ?? undefined;
    if (schema) {
      const setup = new pg.Client({ connectionString: url.toString() });
      await setup.connect();
      try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      } finally {
        await setup.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: url.toString(),
      max: 10,
      ...(schema ? { options: `-c search_path="${schema}"` } : {}),
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          // int8 and numeric counts come back as strings by default; ours fit in a double
          oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  } else {
    dialect = 'sqlite';
    const file = location === ':memory:' ? ':memory:' : resolve(location);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    shown = file;
    const database = new SQLite(file);
    // WAL + a busy timeout let the CLI write while a server holds the same file open.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), log });
  }

  // Kysely looks its bookkeeping tables up by name; pin them to our schema, or a directory in
  // another schema of the same database would be taken for ours.
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), ...(migrationSchema ? { migrationTableSchema: migrationSchema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return {
    db,
    dialect,
    location: shown,
    queryCount: () => queries,
    syncIds: () => syncIdSequences(db as Kysely<unknown>, dialect),
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every SQLite statement anew; preparing is a measurable share of a request
 * (docs/PERFORMANCE.md). Statements are reusable, so the most recent ones are kept by SQL text.
 */
function withStatementCache(database: SQLite.Database, size = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) cache.delete(text); // re-inserted below: the map's order is recency
      else statement = database.prepare(text);
      cache.set(text, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

/** Runs `work` in one transaction: everything it writes lands, or nothing does. */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}
