/**
 * Write transactions: the only way directory tables are written (issue #10).
 *
 * - SQLite: `BEGIN IMMEDIATE`, so a transaction that reads and then writes holds the write lock
 *   from its first statement (a deferred one gets SQLITE_BUSY at its first write, where the busy
 *   timeout never applies). better-sqlite3 waits synchronously on a busy database, which would
 *   stall every request of the process, so its busy timeout is short (see `openStore`) and a busy
 *   BEGIN is retried here asynchronously, with backoff, the connection released in between so
 *   that reads go on.
 * - PostgreSQL: a transaction-scoped advisory lock, keyed by the schema, taken first: directory
 *   writes commit one after the other, so rules that span rows (cycles, heads, unique e-mails)
 *   see every earlier write, and change rows commit in sequence order.
 *
 * Either way a write that cannot start within `WRITE_WAIT_MS` fails with `StoreBusyError`.
 */
import { sql } from 'kysely';
import { lockChanges } from './changes.js';
import type { Db, Store } from './index.js';

/** How long a write waits for the directory's write lock before giving up. */
export const WRITE_WAIT_MS = 10_000;

/** The directory stayed locked by another writer (an import, another process) for too long. */
export class StoreBusyError extends Error {
  constructor(waitedMs: number) {
    super(`the directory is busy with another write (waited ${Math.round(waitedMs / 1000)} s); try again`);
  }
}

/** A uniqueness constraint refused a row: `constraint` names the index (for example `users_login_unique`). */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint ${constraint}`);
  }
}

const busy = (error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
};

/** Engine errors callers can act on, as store errors; everything else unchanged. */
function translate(error: unknown): unknown {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e?.code === '23505') return new UniqueViolation(String(e.constraint ?? 'unique'));
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: users.login" names columns, not the index
    const columns = /failed: (.*)$/.exec(String(e.message))?.[1] ?? 'unique';
    return new UniqueViolation(columns.replace(/\s/g, ''));
  }
  if (e?.code === '55P03') return new StoreBusyError(WRITE_WAIT_MS);
  return error;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` in one write transaction: everything it writes lands, or nothing does. */
export async function writeTransaction<T>(store: Store, work: (trx: Db) => Promise<T>): Promise<T> {
  try {
    return store.dialect === 'postgres' ? await postgresWrite(store, work) : await sqliteWrite(store, work);
  } catch (error) {
    throw translate(error);
  }
}

async function postgresWrite<T>(store: Store, work: (trx: Db) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    await sql.raw(`SET LOCAL lock_timeout = ${Math.ceil(WRITE_WAIT_MS)}`).execute(trx);
    // the change feed's lock: one lock for every directory write, so change rows commit in sequence order
    await lockChanges(trx);
    await sql`SET LOCAL lock_timeout = 0`.execute(trx);
    return work(trx);
  });
}

const NOT_STARTED = Symbol('not started');

async function sqliteWrite<T>(store: Store, work: (trx: Db) => Promise<T>): Promise<T> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    const outcome = await store.db.connection().execute(async (conn) => {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
      } catch (error) {
        if (busy(error)) return NOT_STARTED;
        // a ROLLBACK that failed earlier left the connection inside a transaction: end it, start again
        if (!/within a transaction/.test(String((error as Error).message))) throw error;
        await sql`ROLLBACK`.execute(conn);
        await sql`BEGIN IMMEDIATE`.execute(conn);
      }
      try {
        const result = await work(conn);
        await sql`COMMIT`.execute(conn);
        return { result };
      } catch (error) {
        await sql`ROLLBACK`.execute(conn).catch(() => undefined);
        throw error;
      }
    });
    if (outcome !== NOT_STARTED) return outcome.result;
    const waited = performance.now() - started;
    if (waited >= WRITE_WAIT_MS) throw new StoreBusyError(waited);
    // 5 ms, doubling to 200 ms, with jitter so that waiting writers do not retry in step
    await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
  }
}
