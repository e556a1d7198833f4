/**
 * Web console sessions (issue #14). The cookie holds a random token; the table holds its
 * SHA-256, so a copy of the database signs nobody in. A session ends after `idleSeconds`
 * without a request, or when its user is no longer an active administrator (checked by the caller).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Db, Store } from './index.js';
import { writeTransaction } from './write.js';
import { eventsDb } from './events-schema.js';

interface ConsoleSessionsTable {
  token_hash: string;
  user_id: number;
  created_at: number;
  seen_at: number;
}

type SessionDb = Kysely<Database & { console_sessions: ConsoleSessionsTable }>;
const sessions = (db: Db): SessionDb => db.withTables<{ console_sessions: ConsoleSessionsTable }>();

export interface ConsoleSession {
  userId: number;
  createdAt: number;
  seenAt: number;
}

export function sessionHash(token: string): string {
  return createHash('sha256').update(`console-session:${token}`, 'utf8').digest('hex');
}

/** 32 random bytes, base64url: the cookie's value. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function createSession(store: Store, userId: number, now: number): Promise<string> {
  const token = newSessionToken();
  await writeTransaction(store, async (trx) => {
    // sessions idle for a day are gone for good: the table does not grow without bound
    await sessions(trx).deleteFrom('console_sessions').where('seen_at', '<', now - 86_400).execute();
    await sessions(trx).insertInto('console_sessions').values({ token_hash: sessionHash(token), user_id: userId, created_at: now, seen_at: now }).execute();
  });
  return token;
}

/** The live session of a token: undefined when unknown or idle for more than `idleSeconds`. */
export async function findSession(db: Db, token: string, now: number, idleSeconds: number): Promise<ConsoleSession | undefined> {
  const row = await sessions(db).selectFrom('console_sessions').selectAll().where('token_hash', '=', sessionHash(token)).executeTakeFirst();
  if (!row || row.seen_at + idleSeconds <= now) return undefined;
  return { userId: row.user_id, createdAt: row.created_at, seenAt: row.seen_at };
}

export async function touchSession(store: Store, token: string, now: number): Promise<void> {
  await writeTransaction(store, (trx) => sessions(trx).updateTable('console_sessions').set({ seen_at: now }).where('token_hash', '=', sessionHash(token)).execute());
}

export async function deleteSession(store: Store, token: string): Promise<void> {
  await writeTransaction(store, (trx) => sessions(trx).deleteFrom('console_sessions').where('token_hash', '=', sessionHash(token)).execute());
}

/** Every event binding, of applications and of outgoing webhooks, with the application's name (the console's list). */
export function listAllBindings(db: Db) {
  return eventsDb(db)
    .selectFrom('event_bindings as b')
    .leftJoin('event_apps as a', 'a.app_id', 'b.app_id')
    .select(['b.id', 'b.app_id', 'b.hook_id', 'b.event', 'b.handler', 'b.auth_type', 'b.user_id', 'b.offline', 'b.connector', 'b.date_create', 'a.status as app_status'])
    .orderBy('b.id')
    .limit(1000)
    .execute();
}
