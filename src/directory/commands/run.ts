/**
 * The one way the directory changes (issue #10). A command is a function of a `Tx`: it checks
 * the rules (src/directory/rules.ts), writes, and records what it changed with `tx.changed`, all
 * in the one write transaction `runCommand` opens. When the work throws, nothing is written,
 * nothing recorded, and `onCommitted` is not called; when it returns, the transaction commits
 * and `onCommitted` runs (the change feed catches up there, so a caller reads its own writes).
 */
import { appendChanges, type Actor, type ChangeInput } from '../../store/changes.js';
import type { Db, Dialect, Store } from '../../store/index.js';
import { UniqueViolation, writeTransaction } from '../../store/write.js';
import { RuleError } from '../rules.js';

export type { Actor } from '../../store/changes.js';

export interface CommandEnv {
  store: Store;
  actor: Actor;
  /** after the commit (never after a failure): the change feed's catch-up */
  onCommitted?: () => Promise<void> | void;
}

/** What a command runs in: the transaction, who acts, and where its change records go. */
export interface Tx {
  db: Db;
  dialect: Dialect;
  actor: Actor;
  /** appends change records in this transaction */
  changed(...changes: ChangeInput[]): Promise<void>;
}

export async function runCommand<T>(env: CommandEnv, work: (tx: Tx) => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await writeTransaction(env.store, (db) =>
      work({ db, dialect: env.store.dialect, actor: env.actor, changed: (...changes) => appendChanges(db, changes, env.actor) }),
    );
  } catch (error) {
    throw error instanceof UniqueViolation ? conflict(error) : error;
  }
  await env.onCommitted?.();
  return result;
}

/**
 * The rules check uniqueness before writing and writes are serialised, so a constraint should
 * never fire; if one does (a write that bypassed the lock), it is still the rule's refusal.
 */
function conflict(error: UniqueViolation): RuleError {
  const c = error.constraint;
  if (/login/.test(c)) return new RuleError('duplicate_login', 'LOGIN', 'this login is already used by another user');
  if (/email/.test(c)) return new RuleError('duplicate_email', 'EMAIL', 'this e-mail is already used by another user');
  if (/code/.test(c)) return new RuleError('duplicate_bot_code', 'CODE', 'this bot code is already used by another bot');
  return new RuleError('conflict', 'ID', `the write conflicts with a stored row (${c})`);
}

/** The actor of the CLI and of the server's own loading (seeds). */
export const CLI_ACTOR: Actor = { user: null, credential: 'cli' };
export const SYSTEM_ACTOR: Actor = { user: null, credential: 'system' };
export const ADMIN_ACTOR: Actor = { user: null, credential: 'admin' };
