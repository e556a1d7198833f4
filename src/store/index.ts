import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, PostgresIntrospector, sql, SqliteDialect, type DatabaseIntrospector, type KyselyPlugin, type LogEvent, type SqliteDatabase, type SqliteStatement, type TableMetadata } from 'kysely';
import type pg from 'pg';
import { MIGRATION_NAMES, migrationProvider, syncIdSequences, type Dialect } from './migrations/index.js';
import type { Database } from './schema.js';

export type { Dialect } from './migrations/index.js';
export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** where the data lives, without credentials: for messages */
  location: string;
  /**
   * statements sent to the engine since the store was opened (tests assert bulk access on it),
   * without those sent inside `background`
   */
  queryCount(): number;
  /**
   * runs `work` on a view of the store whose statements are left out of `queryCount`: the change
   * feed's polling and pruning, the read model's loads, event delivery. Same connections, same
   * transactions and locks; only the counting differs.
   */
  background<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /**
   * SQLite only: whether another connection (the command line, another server on the file)
   * committed since the last call, from `PRAGMA data_version`. The pragma takes a read lock (about
   * 10 µs: asked before every request it was 7 % of an `im.user.list.get` under load, and once a
   * millisecond still 2 % of a batch), so it is asked at most once per COMMIT_CHECK_MS: a commit
   * elsewhere is seen by every request that starts that long after it (the change feed's poll
   * would bring it within 25 ms anyway).
   */
  committedElsewhere?: () => boolean;
  /** PostgreSQL only: a new connection outside the pool, for LISTEN */
  dedicatedClient?: () => pg.Client;
  /** make the engine's generated ids follow rows inserted with explicit ids */
  syncIds(): Promise<void>;
  /** one round trip to the engine (readiness): throws when it does not answer */
  ping(): Promise<void>;
  /** names of migrations not applied to this database (readiness): empty when up to date */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Marks the statements of `Store.background` so that the query log leaves them out of
 * `queryCount()`. A mark on the statement rather than an AsyncLocalStorage: on Node 20 any
 * AsyncLocalStorage in use puts a hook on every promise of every request (a tenth of a batch's
 * CPU time in profiles).
 */
/** How long a `committedElsewhere` answer stands (milliseconds). */
const COMMIT_CHECK_MS = 10;

const BACKGROUND = Symbol('roster.background');

const markBackground: KyselyPlugin = {
  transformQuery: ({ node }) => Object.freeze({ ...node, [BACKGROUND]: true }),
  transformResult: async ({ result }) => result,
};

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
    if (event.level === 'query' && !(BACKGROUND in event.query.query)) queries++;
  };
  let db: Db;
  let dialect: Dialect;
  let shown: string;
  let migrationSchema: string | undefined;
  let dedicatedClient: (() => pg.Client) | undefined;
  let committedElsewhere: (() => boolean) | undefined;
  if (isPostgresUrl(location)) {
    dialect = 'postgres';
    // loaded only for PostgreSQL: its 32 modules took some 50 ms of every command on SQLite
    const { default: pg } = await import('pg');
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
    const connection = { connectionString: url.toString(), ...(schema ? { options: `-c search_path="${schema}"` } : {}) };
    dedicatedClient = () => new pg.Client(connection);
    const pool = new pg.Pool({
      ...connection,
      max: 10,
      // an unreachable server fails a request (and the readiness check) in 5 s instead of never
      connectionTimeoutMillis: 5000,
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          // int8 and numeric counts come back as strings by default; ours fit in a double
          oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // a connection that breaks (the server restarts, the network drops) is an 'error' event on
    // the pool when idle and on the client when checked out: unhandled, either would end the
    // process. The query in flight fails on its own, and the pool replaces the connection.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    db = new Kysely<Database>({ dialect: new SearchPathDialect({ pool }), log });
  } else {
    dialect = 'sqlite';
    const file = location === ':memory:' ? ':memory:' : resolve(location);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    shown = file;
    const database = new SQLite(file);
    // WAL lets the CLI write while a server holds the same file open. better-sqlite3 waits for a
    // busy database synchronously, stalling the whole process: writes wait in writeTransaction
    // (store/write.ts) asynchronously instead, so the engine's own wait stays short.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 20');
    database.pragma('synchronous = NORMAL');
    // SQLite's own default page cache (2 MB) instead of better-sqlite3's 16 MB: reads come from the
    // read model, and loading it at start filled all 16 MB, which the process then kept (RSS)
    database.pragma('cache_size = -2000');
    const dataVersion = database.prepare('PRAGMA data_version').pluck();
    let seenVersion = dataVersion.get();
    let checkedAt = performance.now();
    committedElsewhere = () => {
      const at = performance.now();
      if (at - checkedAt < COMMIT_CHECK_MS) return false;
      checkedAt = at;
      const now = dataVersion.get();
      if (now === seenVersion) return false;
      seenVersion = now;
      return true;
    };
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), log });
  }

  // Kysely looks its bookkeeping tables up by name; pin them to our schema, or a directory in
  // another schema of the same database would be taken for ours.
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    // plain code-unit order, the order of the files: Kysely's localeCompare first loads ICU's collation (12 ms)
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    ...(migrationSchema ? { migrationTableSchema: migrationSchema } : {}),
  });
  if (!(await migrated(db, migrationSchema))) {
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      throw error instanceof Error ? error : new Error(String(error));
    }
  }
  const store: Store = {
    db,
    dialect,
    location: shown,
    queryCount: () => queries,
    background: (work) => work(quiet),
    ...(dedicatedClient ? { dedicatedClient } : {}),
    ...(committedElsewhere ? { committedElsewhere } : {}),
    syncIds: () => syncIdSequences(db as Kysely<unknown>, dialect),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    pendingMigrations: async () => (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name),
    close: () => db.destroy(),
  };
  const quiet: Store = { ...store, db: db.withPlugin(markBackground) };
  return store;
}

/**
 * Whether the database has exactly the migrations this version knows, checked with one query. That
 * is the usual case, and every command of the command line opens the store: the migrator would
 * list the tables (with every column, on SQLite) and take its lock to find nothing to do. Anything
 * else (a new database, a missing migration, one from a newer version) goes to the migrator.
 */
async function migrated(db: Db, schema: string | undefined): Promise<boolean> {
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM ${sql.table(schema ? `${schema}.${DEFAULT_MIGRATION_TABLE}` : DEFAULT_MIGRATION_TABLE)}`.execute(db);
    const applied = new Set(rows.rows.map((r) => r.name));
    return applied.size === MIGRATION_NAMES.length && MIGRATION_NAMES.every((name) => applied.has(name));
  } catch {
    return false; // no migration table yet
  }
}

/**
 * Kysely prepares every SQLite statement anew; preparing is a measurable share of a request
 * (docs/PERFORMANCE.md). Statements are reusable, so the most recent ones are kept by SQL text.
 * Rows are read as arrays and made into objects by a function compiled for the statement's
 * columns: better-sqlite3's own row objects cost twice the CPU (100,000 users: 2.1 s against
 * 1.1 s, most of the read model's start-up).
 */
function withStatementCache(database: SQLite.Database, size = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) cache.delete(text); // re-inserted below: the map's order is recency
      else statement = withRowBuilder(database.prepare(text));
      cache.set(text, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

function withRowBuilder(statement: SQLite.Statement): SqliteStatement {
  if (!statement.reader) return statement;
  const columns = statement.columns().map((c) => c.name);
  // a literal `"__proto__": …` would set the prototype: such a statement keeps the engine's objects
  if (columns.includes('__proto__')) return statement;
  // the keys are JSON string literals, which are JavaScript string literals: no name can break out
  const build = new Function('r', `return {${columns.map((c, i) => `${JSON.stringify(c)}: r[${i}]`).join(', ')}};`) as (row: unknown[]) => unknown;
  const raw = statement.raw(true);
  return {
    reader: true,
    all: (parameters) => {
      // row by row: the engine's arrays for a whole table never live beside the objects made of them
      const out: unknown[] = [];
      for (const row of raw.iterate(parameters) as IterableIterator<unknown[]>) out.push(build(row));
      return out;
    },
    run: (parameters) => raw.run(parameters),
    iterate: function* (parameters) {
      for (const row of raw.iterate(parameters) as IterableIterator<unknown[]>) yield build(row);
    },
  };
}

export { StoreBusyError, UniqueViolation, writeTransaction } from './write.js';

/**
 * Kysely's migrator asks whether its tables exist by listing every table of every schema, with
 * has_schema_privilege() on each schema's name: a schema that another client drops meanwhile
 * fails the whole start with "schema does not exist" (seen with test suites sharing a database).
 * Roster's tables live in its search path, so only that is listed.
 */
class SearchPathDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const introspector = new PostgresIntrospector(db);
    introspector.getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; schema: string }>`
        select tablename as name, schemaname as schema from pg_catalog.pg_tables
        where schemaname = any(current_schemas(false))`.execute(db);
      return rows.map((row) => ({ ...row, isView: false, columns: [] }));
    };
    return introspector;
  }
}
